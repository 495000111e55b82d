"""The audit trail's hash chain: every change is chained, and any edit, removal or insertion shows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from contactdesk.persistence import audit_chain
from contactdesk.persistence.database import Database
from contactdesk.services import cases
from contactdesk.services.calls import CallInput, log_call
from tests.contactdesk.cli.helpers import run_cli
from tests.helpers.contexts import context_for

CALL = dict(caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate, Rotherham",
            postcode="S60 2TH", category="Fly tipping", description="Mattress dumped on verge")


@pytest.fixture
def worked_case(make_ctx):
    agent = make_ctx("agent", "agent1", "Priya Shah")
    saved = log_call(agent, CallInput(**CALL))
    cases.change_status(agent, saved.reference, "in_progress")
    cases.add_note(agent, saved.reference, "Crew booked for Tuesday")
    return saved.reference


def check(engine) -> audit_chain.ChainReport:
    with engine.connect() as connection:
        return audit_chain.verify(connection)


def case_rows(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT id, seq, action, field, db_login, at FROM audit_log "
            "WHERE entity = 'cases' ORDER BY seq")).all()


def tamper(engine, statement: str) -> None:
    """Change the audit the way someone with the file or superuser rights could."""
    if engine.dialect.name == "sqlite":
        con = sqlite3.connect(engine.url.database)
        try:
            con.executescript("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
                              f"{statement};")
        finally:
            con.close()
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        connection.exec_driver_sql(statement)
        connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")


def test_every_change_is_chained_in_order_and_verifies(engine, worked_case):
    report = check(engine)
    assert report.intact and report.problem is None
    rows = case_rows(engine)
    assert [r.action for r in rows][:1] == ["create"] and "status" in {r.field for r in rows}
    assert all(r.seq is not None for r in rows)
    assert report.rows >= len(rows)


def test_an_edited_value_is_named_by_its_row(engine, worked_case):
    row = case_rows(engine)[1]
    tamper(engine, f"UPDATE audit_log SET new_value = 'closed' WHERE id = {row.id}")
    report = check(engine)
    assert report.broken_at == row.id and "altered" in report.problem


def test_a_removed_row_breaks_the_chain_at_the_next_one(engine, worked_case):
    first, second = case_rows(engine)[:2]
    tamper(engine, f"DELETE FROM audit_log WHERE id = {first.id}")
    report = check(engine)
    with engine.connect() as connection:
        following = connection.scalar(text("SELECT id FROM audit_log WHERE seq = :s"),
                                      {"s": first.seq + 1})
    assert report.broken_at == following and "removed" in report.problem


def test_a_row_slipped_in_with_a_made_up_hash_is_caught(engine, worked_case):
    last = case_rows(engine)[-1]
    tamper(engine, f"UPDATE audit_log SET actor = 'someone.else' WHERE id = {last.id}")
    report = check(engine)
    assert report.broken_at == last.id and "does not follow" in report.problem


def test_the_end_of_the_chain_cannot_be_cut_off_unnoticed(engine, worked_case):
    with engine.connect() as connection:
        last = connection.execute(text(
            "SELECT id, seq FROM audit_log ORDER BY seq DESC LIMIT 1")).one()
    tamper(engine, f"DELETE FROM audit_log WHERE id = {last.id}")
    report = check(engine)
    assert not report.intact and "end" in report.problem


def test_the_app_cannot_update_or_delete_audit_rows(engine, worked_case):
    row = case_rows(engine)[0]
    for statement in (f"UPDATE audit_log SET new_value = 'x' WHERE id = {row.id}",
                      f"DELETE FROM audit_log WHERE id = {row.id}"):
        with pytest.raises(DBAPIError) as refused, engine.begin() as connection:
            connection.exec_driver_sql(statement)
        assert "audit rows cannot be" in str(refused.value.orig)
    assert check(engine).intact


def test_postgresql_stamps_rows_with_its_own_clock_and_login(fresh_database_url):
    database = Database.open(fresh_database_url("postgresql"))
    try:
        backdated = context_for(database, "agent", "agent2", "Sam Taylor",
                                clock=lambda: datetime(2020, 1, 1, tzinfo=UTC))
        log_call(backdated, CallInput(**CALL))
        rows = case_rows(database.engine)
    finally:
        database.dispose()
    assert rows and all(r.db_login == "postgres" for r in rows)
    assert all(r.at.year >= 2026 for r in rows)  # the database's clock, not the desk's 2020


def test_audit_verify_command_passes_then_fails_naming_the_row(engine, db_url, worked_case):
    good = run_cli("audit", "verify", db=db_url)
    assert good.code == 0 and "intact" in good.out
    row = case_rows(engine)[1]
    tamper(engine, f"UPDATE audit_log SET old_value = 'new!' WHERE id = {row.id}")
    bad = run_cli("audit", "verify", db=db_url)
    assert bad.code == 1 and f"broken at row {row.id}" in bad.out


def test_exports_and_report_files_are_recorded_with_who_and_where(ctx, engine, worked_case,
                                                                  tmp_path):
    from contactdesk.services.case_export import export_cases
    from contactdesk.services.reports import daily_report

    export_cases(ctx, tmp_path / "cases.csv")
    daily_report(ctx, date.today(), tmp_path / "daily.pdf")
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT entity, entity_id, actor, new_value FROM audit_log WHERE action = 'export' "
            "ORDER BY seq")).all()
    assert [(r.entity, r.entity_id, r.actor) for r in rows] == [
        ("cases_export", "cases.csv", ctx.actor.username),
        ("daily_report", "daily.pdf", ctx.actor.username)]
    assert str(tmp_path / "cases.csv") in rows[0].new_value and "1 cases" in rows[0].new_value
    assert check(engine).intact
