"""Callbacks in a subject access request: the person's own (to their number, on their cases
and calls) with each try, others' callbacks whose reason names them flagged apart, and both
in the exported bundle. Both databases."""

from __future__ import annotations

import csv

import pytest

from contactdesk.dtos.callbacks import NO_ANSWER, SPOKE, CallbackRequest
from contactdesk.dtos.calls import CallInput
from contactdesk.dtos.subject_access import REDACTED
from contactdesk.services import callbacks
from contactdesk.services.calls import log_call
from contactdesk.services.subject_access import export_subject, find_subject

from ...helpers.pdf_text import pdf_text

ANN = "+441709336000"


@pytest.fixture
def agent(make_ctx):
    return make_ctx("agent", "sarah.whitfield", "Sarah Whitfield")


def _ask(agent, phone, reason, reference="", call_id=None):
    return callbacks.request_callback(agent, CallbackRequest(phone, reason, None, reference,
                                                             call_id)).id


@pytest.fixture
def world(agent):
    """Ann Jones's case and callbacks, and other people's callbacks, some naming her."""
    ann = log_call(agent, CallInput(caller_phone="01709 336000", caller_name="Ann Jones",
                                    category="Litter", address="1 Wellgate",
                                    description="Cans everywhere"))
    bob = log_call(agent, CallInput(caller_phone="01709 823456", caller_name="Bob Smith",
                                    category="Litter", address="3 Wellgate",
                                    description="Sofa dumped by the shops"))
    # Carol's call joined Ann's case: her name is taken out of Ann's records.
    log_call(agent, CallInput(caller_phone="01709 700100", caller_name="Carol Lee",
                              add_to_case=ann.reference, description="Cans by my gate too"))
    ids = {
        "own": _ask(agent, "01709 336000", "Wants to know when the crew comes", ann.reference),
        "other_number": _ask(agent, "07700 900123", "Her daughter will take the call",
                             ann.reference),
        "no_case": _ask(agent, "(01709) 336 000", "Asked about bin day; Carol Lee rang too"),
        "on_call": _ask(agent, "07700 900456", "Ring her work number back", call_id=ann.call_id),
        "bob_case": _ask(agent, "01709 823456", "Says Ann Jones saw the van", bob.reference),
        "loose": _ask(agent, "07700 900789", "Neighbour of ann jones about the noise"),
        "unrelated": _ask(agent, "07700 900999", "Wants a new bin"),
    }
    callbacks.claim_callback(agent, ids["own"])
    callbacks.record_outcome(agent, ids["own"], NO_ANSWER, "Busy")
    callbacks.claim_callback(agent, ids["own"])
    callbacks.record_outcome(agent, ids["own"], SPOKE)
    callbacks.record_outcome(agent, ids["bob_case"], NO_ANSWER, "Busy")
    return {"ann": ann.reference, "bob": bob.reference, **ids}


@pytest.mark.parametrize("search", [{"phone": "01709 336000"}, {"name": "Ann Jones"}])
def test_the_persons_callbacks_and_their_tries_are_found(ctx, world, search):
    found = find_subject(ctx, **search)
    by_id = {c.id: c for c in found.callbacks}
    assert set(by_id) == {world["own"], world["other_number"], world["no_case"],
                          world["on_call"]}
    own = by_id[world["own"]]
    assert (own.phone, own.reason, own.status, own.case_reference) == (
        ANN, "Wants to know when the crew comes", "done", world["ann"])
    assert own.relation == "a call back to your number" and own.requested_by == "Sarah Whitfield"
    assert [(a.outcome, a.dial_result, a.by) for a in own.attempts] == [
        ("no answer", "Busy", "Sarah Whitfield"), ("spoke to the caller", None, "Sarah Whitfield")]
    # Another number on her case or call is not hers to be sent.
    assert by_id[world["other_number"]].phone == REDACTED
    assert by_id[world["other_number"]].relation == "a call back about your case"
    assert by_id[world["on_call"]].phone == REDACTED
    assert by_id[world["on_call"]].relation == "a call back asked for on your call"
    # Found by her number alone, with another caller's name on her case taken out.
    assert by_id[world["no_case"]].phone == ANN
    assert by_id[world["no_case"]].reason == f"Asked about bin day; {REDACTED} rang too"
    assert found.counts()["callbacks"] == 4
    assert found.record_count == len(found.callers) + len(found.calls) + len(found.cases) + 4


def test_callback_reasons_of_others_naming_the_person_are_flagged_apart(ctx, world):
    found = find_subject(ctx, name="Ann Jones")
    flagged = {m.reference: m for m in found.mentions}
    assert world["bob"] in flagged and f"callback {world['loose']}" in flagged
    bob = flagged[world["bob"]]
    assert bob.kind == "case" and any(p.startswith("callback reason of ") for p in bob.places)
    assert any("Ann Jones saw the van" in e for e in bob.excerpts)
    loose = flagged[f"callback {world['loose']}"]
    assert loose.kind == "callback" and loose.matched == ("name",)
    assert not any("Wants a new bin" in e for m in found.mentions for e in m.excerpts)
    assert world["unrelated"] not in {c.id for c in found.callbacks}


def test_the_bundle_holds_the_callbacks_and_their_tries(ctx, world, tmp_path):
    found = find_subject(ctx, phone="01709 336000")
    export = export_subject(ctx, found, tmp_path / "sar")
    assert export.files[-2:] == ("callbacks.csv", "callback_attempts.csv")
    tables = {}
    for name in ("callbacks.csv", "callback_attempts.csv"):
        with (tmp_path / "sar" / name).open(encoding="utf-8-sig", newline="") as handle:
            tables[name] = list(csv.DictReader(handle))
    rows = {int(r["callback_id"]): r for r in tables["callbacks.csv"]}
    assert set(rows) == {c.id for c in found.callbacks}
    assert rows[world["own"]]["phone"] == ANN and rows[world["own"]]["status"] == "done"
    assert rows[world["other_number"]]["phone"] == REDACTED
    assert [(int(r["callback_id"]), r["outcome"], r["phone_system_said"])
            for r in tables["callback_attempts.csv"]] == [
        (world["own"], "no answer", "Busy"), (world["own"], "spoke to the caller", "")]
    text = "".join((tmp_path / "sar" / n).read_text(encoding="utf-8-sig") for n in tables)
    assert "900123" not in text and "900456" not in text and "Carol Lee" not in text
    pdf = " ".join(pdf_text(tmp_path / "sar" / "subject-access.pdf").split())
    assert "Callbacks" in pdf and "Wants to know when the crew comes" in pdf
    assert "4 callbacks" in pdf and "900123" not in pdf and "Carol Lee" not in pdf


def test_no_callbacks_keeps_the_bundle_as_it_was(ctx, agent, tmp_path):
    log_call(agent, CallInput(caller_phone="01709 336000", caller_name="Ann Jones",
                              category="Litter", address="1 Wellgate", description="Cans"))
    found = find_subject(ctx, phone="01709 336000")
    assert found.callbacks == ()
    export = export_subject(ctx, found, tmp_path / "sar")
    assert "callbacks.csv" not in export.files
