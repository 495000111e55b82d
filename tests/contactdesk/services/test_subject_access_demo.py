"""A subject access request on the demo data: the caller found from three phone formats, a
mention of them in another caller's case flagged, and the requester's PDF and CSVs, read back,
naming nobody else outside what is flagged. Both databases."""

from __future__ import annotations

import csv
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from contactdesk.auth.credentials import OperatingSystemAccount
from contactdesk.auth.sign_in import os_actor
from contactdesk.context import ServiceContext
from contactdesk.demo.generator import generate_demo_data
from contactdesk.dtos.calls import CallInput
from contactdesk.dtos.subject_access import REDACTED
from contactdesk.persistence.models import Caller, Case, User
from contactdesk.reports.subject_access import MENTIONS_HEADING
from contactdesk.services.calls import log_call
from contactdesk.services.subject_access import export_subject, find_subject

TODAY = date(2026, 11, 20)


@pytest.fixture
def demo(database) -> ServiceContext:
    """A day of demo data, made as the demo is on a new database (it adds its own staff)."""
    ctx = ServiceContext(database, os_actor(OperatingSystemAccount("demo.runner")))
    generate_demo_data(ctx, days=1, today=TODAY, telephony=False)
    return ctx


def _rows(ctx, query):
    with ctx.uow() as uow:
        return uow.session.execute(query).all()


def _subject(ctx):
    """A Rotherham landline caller with a case, the only caller of that name."""
    names = select(Caller.name).group_by(Caller.name).having(func.count() == 1)
    return _rows(ctx, select(Caller.id, Caller.name, Caller.phone_e164)
                 .join(Case, Case.caller_id == Caller.id)
                 .where(Caller.phone_e164.like("+441709%"), Caller.name.in_(names),
                        Caller.name.not_like("M%s %"))  # not "Mrs Hirst": a full name
                 .group_by(Caller.id, Caller.name, Caller.phone_e164)
                 .order_by(func.count().desc(), Caller.id).limit(1))[0]


def test_demo_caller_found_mention_flagged_and_others_kept_out(demo, make_ctx, tmp_path):
    subject = _subject(demo)
    digits = subject.phone_e164[3:]  # 1709xxxxxx
    formats = (f"0{digits[:4]} {digits[4:]}", f"+44 {digits[:4]} {digits[4:]}",
               f"(0{digits[:4]}) {digits[4:7]} {digits[7:]}")
    admin = make_ctx("admin", "sar.admin", "Sar Admin")
    found = [find_subject(admin, phone=text) for text in formats]
    assert [[c.id for c in f.callers] for f in found] == [[subject.id]] * 3
    assert found[0].cases and {len(f.cases) for f in found} == {len(found[0].cases)}

    # The subject rings about another caller's open case: that case is theirs too, its
    # caller redacted; and another caller writes the subject's number, spaced, and name
    # into their own case.
    agent = make_ctx("agent", "sar.agent", "Sar Agent")
    joined = _rows(demo, select(Case.reference).join(Caller, Caller.id == Case.caller_id)
                   .where(Case.status.in_(("new", "routed", "in_progress")),
                          Caller.id != subject.id).order_by(Case.id).limit(1))[0].reference
    log_call(agent, CallInput(caller_phone=formats[2], add_to_case=joined,
                              description="Rang again about it"))
    spaced = " ".join(f"0{digits}")
    other = log_call(agent, CallInput(
        caller_phone="01709 100200", caller_name="Zara Quennell", category="Litter",
        address="3 Wellgate", description=f"Zara Quennell says {subject.name} on {spaced} "
                                          "leaves bags out"))
    records = find_subject(admin, phone=formats[0])
    assert next(c for c in records.cases if c.reference == joined).caller == REDACTED
    assert other.reference not in {c.reference for c in records.cases}
    mention = next(m for m in records.mentions if m.reference == other.reference)
    assert mention.kind == "case" and set(mention.matched) == {"name", "phone"}
    assert "Zara Quennell" not in " ".join(mention.excerpts) and spaced in mention.excerpts[0]

    out = tmp_path / "sar"
    export_subject(admin, records, out)
    pdf = subprocess.run(["pdftotext", str(out / "subject-access.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    pdf = " ".join(pdf.split())
    own_part, flagged_part = pdf.split(MENTIONS_HEADING)
    assert records.request_id in own_part and subject.phone_e164 in own_part
    assert other.reference in flagged_part
    tables = {}
    for name in ("callers", "calls", "cases", "notes", "complaints", "mentions"):
        with (out / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            tables[name] = list(csv.DictReader(handle))
    assert [(r["name"], r["phone"]) for r in tables["callers"]] == [
        (subject.name, subject.phone_e164)]
    assert {r["reference"] for r in tables["cases"]} == {c.reference for c in records.cases}
    assert other.reference in {r["reference"] for r in tables["mentions"]}

    staff = {name for (name,) in _rows(demo, select(User.full_name))}
    others = {name for (name,) in _rows(demo, select(Caller.name).where(Caller.name.is_not(None)))
              if len(name.split()) > 1 and name != subject.name and name not in staff}
    assert "Zara Quennell" in others and len(others) > 100
    unflagged = own_part + " ".join(str(row) for kind in ("callers", "calls", "cases", "notes",
                                                          "complaints") for row in tables[kind])
    assert [name for name in others if name in unflagged] == []
    assert "Zara Quennell" not in flagged_part + str(tables["mentions"])
