"""Every audit row a lifecycle writes names the person who signed in; none is anonymous."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from contactdesk.auth.credentials import OperatingSystemAccount
from contactdesk.dtos.calls import CallInput
from contactdesk.workspace import Workspace
from tests.contactdesk.cli.helpers import run_cli
from tests.contactdesk.front_door.people import GOOD, signed_in_agent


def _audit(engine, since_id: int) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT actor, user_id, entity, action FROM audit_log WHERE id > :i ORDER BY id"),
            {"i": since_id}).all()


def _last_audit_id(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT coalesce(max(id), 0) FROM audit_log"))


def test_a_case_lifecycle_is_audited_as_the_signed_in_agent(fresh_database_url):
    url = fresh_database_url("sqlite")
    priya = signed_in_agent(url)
    engine = priya.ctx.database.engine
    start = _last_audit_id(engine)
    saved = priya.calls.log_call(CallInput(
        caller_phone="01709 823456", caller_name="Ann Example", category="fly_tipping",
        description="Mattress dumped by the bins", address="12 Main Street, Rotherham",
        postcode="S60 1AA"))
    ref = saved.reference
    case = priya.cases.get_case(ref).summary
    case = priya.cases.change_status(ref, "in_progress", expected_version=case.version)
    priya.cases.add_note(ref, "Crew booked for Tuesday")
    services = [s for s in priya.catalogue.list_services() if s.name != case.service]
    case = priya.cases.reassign(ref, services[0].code, "Wrong team",
                                expected_version=case.version)
    case = priya.cases.change_status(ref, "resolved", expected_version=case.version)
    case = priya.cases.change_status(ref, "closed", expected_version=case.version)
    case = priya.cases.change_status(ref, "in_progress", expected_version=case.version,
                                     reason="Caller rang back: still there")
    rows = _audit(engine, start)
    assert {row.action for row in rows} >= {"create", "update"}
    assert {row.entity for row in rows} >= {"cases", "calls"}
    assert {(row.actor, row.user_id) for row in rows} == {("priya", priya.actor.user_id)}
    priya.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_command_line_acts_as_the_account_running_it(fresh_database_url, kind):
    url = fresh_database_url(kind)
    result = run_cli("users", "add", "sam.taylor", "--role", "supervisor", "--name",
                     "Sam Taylor", "--password-stdin", db=url, input=GOOD + "\n")
    assert result.code == 0, result.err
    database = Workspace.for_this_account(url)
    rows = _audit(database.ctx.database.engine, 0)
    database.close()
    created = [row for row in rows if row.entity == "users"]
    expected = f"os:{OperatingSystemAccount().name}" if kind == "sqlite" else "pg:postgres"
    assert created and {row.actor for row in created} == {expected}


def test_postgresql_names_the_actor_for_the_transaction(fresh_database_url):
    from contactdesk.persistence.database import Database
    from tests.helpers.contexts import context_for

    database = Database.open(fresh_database_url("postgresql"))
    ctx = context_for(database, "agent", "priya")
    with ctx.uow() as uow:
        named = uow.session.execute(text(
            "SELECT current_setting('contactdesk.actor', true)")).scalar()
    with database.engine.connect() as connection:  # set for that transaction only
        outside = connection.execute(text(
            "SELECT current_setting('contactdesk.actor', true)")).scalar()
    database.dispose()
    assert named == "priya" and not outside
