"""Shared mode: PostgreSQL itself refuses what each role may not do, whatever the client.

A dedicated owner login (not a superuser) creates and migrates the database;
each person connects with their own login, as psql would, and tries plain SQL.
"""

from __future__ import annotations

import uuid
from datetime import date

import psycopg
import pytest
from sqlalchemy.engine import make_url

from contactdesk.auth.credentials import Password
from contactdesk.dtos.complaints import ComplaintInput
from contactdesk.persistence.migrations import upgrade_database
from contactdesk.services.calls import CallInput
from contactdesk.workspace import Workspace
from tests.contactdesk.cli.helpers import run_cli
from tests.contactdesk.front_door.people import GOOD

ROOT_DATA = __import__("pathlib").Path(__file__).resolve().parents[2] / "data"
CALL = dict(caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate, Rotherham",
            postcode="S60 2TH", category="Fly tipping", description="Mattress dumped on verge")
REFUSED = (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedObject)


class Council:
    """A database owned by its own owner login, with one person per role."""

    def __init__(self, server):
        tag = uuid.uuid4().hex[:6]
        self.owner = f"cd_owner_{tag}"
        self.name = f"council_{tag}"
        with server.connect() as admin:
            admin.execute(f"CREATE ROLE {self.owner} LOGIN CREATEROLE PASSWORD '{GOOD}'")
            admin.execute(f"CREATE DATABASE {self.name} OWNER {self.owner}")
        self.server = server
        self.url = self.url_for(self.owner)
        upgrade_database(self.url)
        owner = Workspace.for_this_account(self.url)
        self.people = {}
        for role in ("agent", "supervisor", "admin", "telephony"):
            login = f"{role}_{tag}"
            owner.users.add_user(login, role, f"Test {role.title()}", GOOD)
            self.people[role] = login
        owner.close()

    def url_for(self, login: str) -> str:
        return make_url(self.server.url(self.name)).set(
            username=login, password=GOOD).render_as_string(hide_password=False)

    def sql(self, role: str):
        """A plain psycopg connection as that person's login (what psql would do)."""
        return psycopg.connect(host=self.server.host, port=self.server.port, dbname=self.name,
                               user=self.people.get(role, role), password=GOOD,
                               autocommit=True, connect_timeout=10)

    def workspace(self, role: str) -> Workspace:
        return Workspace.open(self.server.url(self.name), Password(self.people[role], GOOD))


@pytest.fixture(scope="module")
def council(postgres_server):
    return Council(postgres_server)


@pytest.fixture(scope="module")
def case_and_complaint(council):
    agent = council.workspace("agent")
    saved = agent.calls.log_call(CallInput(**CALL))
    complaint = agent.complaints.log_complaint(ComplaintInput(
        complainant_name="Ann Jones", complainant_phone="01709 823456", service="streetpride",
        description="The crew left rubbish behind", received_on=date(2026, 12, 1)))
    agent.close()
    return saved.reference, complaint.reference


def refused(connection, statement: str) -> str:
    with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedObject,
                        psycopg.errors.FeatureNotSupported, psycopg.errors.RaiseException,
                        psycopg.errors.CheckViolation)) as caught:
        connection.execute(statement)
    return str(caught.value)


AGENT_REFUSALS = [
    "UPDATE audit_log SET new_value = 'x'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "INSERT INTO audit_log (entity, entity_id, action, values_digest) VALUES ('cases', '1', 'create', 'x')",
    "UPDATE users SET role = 'admin'",
    "UPDATE complaint_stages SET outcome = 'upheld'",
    "SELECT contactdesk_record_complaint_outcome(1, 'upheld', 'x', '', current_date, NULL)",
    "SELECT contactdesk_create_login('sneaky', 'SCRAM-SHA-256$x', 'admin')",
    "UPDATE categories SET target_amount = 99",
    "UPDATE category_groups SET retention_months = 1",
    "UPDATE settings SET value = '5' WHERE key = 'service_level_seconds'",
    "INSERT INTO services (code, name) VALUES ('x', 'X')",
    "ALTER TABLE cases DISABLE ROW LEVEL SECURITY",
    "CREATE TABLE mine (id integer)",
    "CREATE TEMPORARY TABLE mine (id integer)",
    "SET ROLE admin",
    "SET ROLE supervisor",
    "UPDATE cases SET anonymised_at = now()",
    "UPDATE cases SET reference = 'SP-0000-000001'",
    "INSERT INTO case_viewers (case_id, username, full_name, seen_at) "
    "SELECT min(id), 'someone_else', 'Someone Else', now() FROM cases",
]


@pytest.mark.parametrize("statement", AGENT_REFUSALS)
def test_an_agents_login_is_refused_by_the_database(council, case_and_complaint, statement):
    with council.sql("agent") as connection:
        refused(connection, statement)


def test_row_security_cannot_be_switched_off_by_an_agent(council, case_and_complaint):
    with council.sql("agent") as connection:
        connection.execute("SET row_security = off")
        message = refused(connection, "SELECT count(*) FROM cases")
    assert "row-level security" in message


SUPERVISOR_REFUSALS = [
    "UPDATE audit_log SET new_value = 'x'",
    "DELETE FROM audit_log",
    "UPDATE users SET role = 'admin'",
    "UPDATE complaint_stages SET outcome = 'upheld'",
    "SELECT contactdesk_create_login('sneaky', 'SCRAM-SHA-256$x', 'admin')",
    "SELECT contactdesk_redact_case_audit(1, ARRAY[1]::bigint[], ARRAY['x'], ARRAY['x'])",
    "UPDATE category_groups SET retention_months = 1",
    "SET ROLE admin",
    "CREATE TABLE mine (id integer)",
]


@pytest.mark.parametrize("statement", SUPERVISOR_REFUSALS)
def test_a_supervisors_login_is_refused_where_the_matrix_says(council, case_and_complaint,
                                                             statement):
    with council.sql("supervisor") as connection:
        refused(connection, statement)


def test_an_admin_cannot_rewrite_the_audit_or_become_the_owner(council, case_and_complaint):
    with council.sql("admin") as connection:
        for statement in ("UPDATE audit_log SET new_value = 'x'", "DELETE FROM audit_log",
                          f"SET ROLE {council.owner}", "ALTER TABLE audit_log DISABLE TRIGGER USER",
                          "SELECT contactdesk_redact_case_audit(1, ARRAY[1]::bigint[], "
                          "ARRAY['x'], ARRAY['x'])"):
            refused(connection, statement)


def test_the_telephony_account_imports_and_reads_no_cases(council, tmp_path):
    telephony = council.workspace("telephony")
    report = telephony.telephony.import_call_log(ROOT_DATA / "asterisk_queue_log.sample")
    telephony.close()
    assert report.attempts_created > 0 and report.bad_lines == 0
    with council.sql("telephony") as connection:
        refused(connection, "SELECT count(*) FROM cases")
        refused(connection, "SELECT count(*) FROM callers")


def test_each_role_still_does_its_own_work(council, case_and_complaint, tmp_path):
    reference, complaint = case_and_complaint
    agent = council.workspace("agent")
    agent.cases.change_status(reference, "in_progress")
    agent.cases.add_note(reference, "Crew booked")
    agent.cases.reassign(reference, "parking", "Abandoned on a parking bay")
    assert any(h.field == "service_id" for h in agent.cases.get_case(reference).history)
    agent.reports.daily_report(date(2026, 12, 1), tmp_path / "daily.pdf")
    assert agent.cases.mark_viewing(reference) == ()  # its own "I have it open" row
    agent.close()

    supervisor = council.workspace("supervisor")
    me = supervisor.users.get_user(council.people["supervisor"])
    supervisor.complaints.assign_officer(complaint, me.id)
    supervisor.complaints.acknowledge(complaint, date(2026, 12, 2))
    detail = supervisor.complaints.record_outcome(complaint, "not_upheld", date(2026, 12, 3))
    assert detail.stages[-1].outcome == "not_upheld"
    supervisor.exports.export_cases(tmp_path / "cases.csv")
    supervisor.close()
    with council.sql("supervisor") as connection:  # once answered, a stage is frozen
        connection.execute(
            "UPDATE complaint_stages SET extension_days = 5 WHERE outcome IS NOT NULL")
        assert connection.execute(
            "SELECT max(extension_days) FROM complaint_stages").fetchone()[0] == 0

    admin = council.workspace("admin")
    admin.users.add_user(f"late_{uuid.uuid4().hex[:6]}", "agent", "Late Joiner", GOOD)
    # Demo data goes in as the app writes it: no COPY under row security, and answered
    # complaint stages through the owner's function.
    demo = admin.demo.generate_demo_data(days=1, telephony=False)
    assert demo.cases > 0
    assert admin.audit.verify_audit().intact
    assert admin.audit.grant_check() == ()
    admin.close()


def test_the_audit_names_each_login_with_the_database_clock(council, case_and_complaint):
    reference, _complaint = case_and_complaint
    with council.sql(council.owner) as connection:
        rows = connection.execute(
            "SELECT db_login, actor, at FROM audit_log a JOIN cases c "
            "ON a.entity = 'cases' AND a.entity_id = c.id::text WHERE c.reference = %s",
            (reference,)).fetchall()
    agent = council.people["agent"]
    assert rows and all(login == agent and actor == agent for login, actor, _at in rows)


def test_grant_check_passes_then_names_an_over_broad_grant(council):
    assert run_cli("db", "grant-check", db=council.url).code == 0
    with council.sql(council.owner) as connection:
        connection.execute("GRANT DELETE ON audit_log TO agent")
        connection.execute("GRANT UPDATE (outcome) ON complaint_stages TO supervisor")
    try:
        result = run_cli("db", "grant-check", db=council.url)
        assert result.code == 1
        assert "agent may DELETE on the whole of audit_log" in result.out
        assert "supervisor may UPDATE the column complaint_stages.outcome" in result.out
    finally:
        with council.sql(council.owner) as connection:
            connection.execute("REVOKE DELETE ON audit_log FROM agent")
            connection.execute("REVOKE UPDATE (outcome) ON complaint_stages FROM supervisor")


def test_a_lifecycle_leaves_a_complete_audit_under_each_login(council, tmp_path):
    """Create, edit, reassign, close, reopen, export, subject access, anonymise: all chained."""
    from datetime import timedelta

    agent = council.workspace("agent")
    saved = agent.calls.log_call(CallInput(**dict(CALL, caller_phone="01709 823999",
                                                  caller_name="Olive Stone")))
    reference = saved.reference
    agent.cases.add_note(reference, "Crew booked")
    agent.cases.reassign(reference, "parking", "Abandoned on a parking bay")
    for status in ("resolved", "closed", "in_progress", "resolved", "closed"):
        agent.cases.change_status(reference, status)
    agent.close()
    supervisor = council.workspace("supervisor")
    supervisor.exports.export_cases(tmp_path / "cases.csv")
    supervisor.close()
    admin = council.workspace("admin")
    found = admin.subject_access.find_subject(phone="+44 1709 823999")
    assert reference in {case.reference for case in found.cases}
    admin.subject_access.export_subject(found, tmp_path / "sar")
    group = admin.retention.retention_periods()[0].code
    for period in admin.retention.retention_periods():
        admin.retention.set_retention(period.code, 1)
    run = admin.retention.run_retention(as_of=date.today() + timedelta(days=62))
    assert run.anonymised >= 1 and group
    assert admin.audit.verify_audit().intact
    admin.close()

    logins = {role: council.people[role] for role in ("agent", "supervisor", "admin")}
    with council.sql(council.owner) as connection:
        case_id = connection.execute("SELECT id FROM cases WHERE reference = %s",
                                     (reference,)).fetchone()[0]
        rows = connection.execute(
            "SELECT action, field, db_login FROM audit_log WHERE entity = 'cases' "
            "AND entity_id = %s ORDER BY seq", (str(case_id),)).fetchall()
        others = connection.execute(
            "SELECT entity, action, db_login FROM audit_log "
            "WHERE action IN ('read', 'export', 'anonymise') ORDER BY seq").fetchall()
        olds = connection.execute(
            "SELECT count(*) FROM audit_log WHERE (old_value LIKE '%Olive%' "
            "OR new_value LIKE '%Olive%' OR new_value LIKE '%823999%')").fetchone()[0]
    assert rows[0] == ("create", None, logins["agent"])
    changed = {(field, login) for action, field, login in rows if action == "update"}
    assert {("service_id", logins["agent"]), ("status", logins["agent"]),
            ("anonymised_at", logins["admin"])} <= changed
    assert ("cases_export", "export", logins["supervisor"]) in others
    assert ("subject_access", "read", logins["admin"]) in others
    assert ("cases", "anonymise", logins["admin"]) in others
    assert olds == 1  # only the subject access search's own record of what was searched for

    # Someone with the server's superuser edits one row: verify names it.
    target = rows[1]
    with council.server.connect(council.name) as root:
        root.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
        row_id = root.execute("SELECT id FROM audit_log WHERE entity = 'cases' AND entity_id = %s "
                              "AND action = 'update' ORDER BY seq LIMIT 1",
                              (str(case_id),)).fetchone()[0]
        root.execute("UPDATE audit_log SET actor = 'nobody' WHERE id = %s", (row_id,))
        root.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")
    assert target
    result = run_cli("audit", "verify", db=council.url)
    assert result.code == 1 and f"broken at row {row_id}" in result.out
