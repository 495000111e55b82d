"""`contactdesk sar`: a subject access request answered from the command line, both databases."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from contactdesk.dtos.calls import CallInput
from contactdesk.persistence.models import AuditEntry
from contactdesk.services.calls import log_call

from .helpers import one_line_error, run_cli


@pytest.fixture
def ann(make_ctx):
    agent = make_ctx("agent", "sarah.whitfield", "Sarah Whitfield")
    for phone, name, text in (("01709 336000", "Ann Jones", "Bags dumped on Wellgate"),
                              ("01709 823456", "Bob Smith", "Ann Jones at 01709336000 saw it")):
        log_call(agent, CallInput(caller_phone=phone, caller_name=name, category="Litter",
                                  address="1 Wellgate", description=text))


def _audit(database) -> list[tuple[str, str]]:
    with database.sessions() as session:
        return [tuple(r) for r in session.execute(
            select(AuditEntry.action, AuditEntry.new_value)
            .where(AuditEntry.entity == "subject_access").order_by(AuditEntry.id))]


def test_sar_writes_the_bundle_and_says_what_it_found(db_url, database, ann, tmp_path):
    out = tmp_path / "requests" / "ann"  # made, parents too
    done = run_cli("sar", "--phone", "(01709) 336 000", "--out", str(out), db=db_url)
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert "3 records found (1 caller, 1 call, 1 case, 0 complaints)" in lines[0]
    assert lines[1].startswith("1 mention in other people's records flagged for review")
    assert lines[2] == (f"written to {out}: subject-access.pdf, callers.csv, calls.csv, "
                        "cases.csv, notes.csv, complaints.csv, mentions.csv")
    with (out / "callers.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [row["name"] for row in csv.DictReader(handle)] == ["Ann Jones"]
    with (out / "mentions.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 1
    audit = _audit(database)
    assert [action for action, _detail in audit] == ["read", "export"]
    assert audit[0][1] == "phone: +441709336000; 3 records"


@pytest.mark.parametrize(("args", "message"), [
    (("--phone", "not a phone"), "phone: 'not a phone' is not a phone number"),
    ((), "one of the arguments --phone --name --postcode --email is required"),
    (("--phone", "01709 336000", "--email", "a@b.cd"), "not allowed with argument"),
])
def test_bad_input_is_one_line_and_exit_2(fresh_database_url, tmp_path, args, message):
    url = fresh_database_url("sqlite")
    done = run_cli("sar", *args, "--out", str(tmp_path / "out"), db=url)
    assert done.code == 2 and message in one_line_error(done)
    assert not (tmp_path / "out").exists()


def test_a_folder_with_files_is_refused_before_searching(db_url, database, ann, tmp_path):
    out = tmp_path / "requests"
    out.mkdir()
    (out / "old.pdf").write_text("an earlier request")
    done = run_cli("sar", "--phone", "01709 336000", "--out", str(out), db=db_url)
    assert done.code == 2
    assert "is not empty: give a new or empty folder" in one_line_error(done)
    assert [p.name for p in out.iterdir()] == ["old.pdf"]
    assert _audit(database) == []  # refused before the search: nothing read, nothing audited
