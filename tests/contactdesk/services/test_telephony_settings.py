"""The phone system connection and each person's device, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from contactdesk.auth.credentials import Password
from contactdesk.domain.errors import PermissionDenied, ValidationError
from contactdesk.dtos.calls import CallInput
from contactdesk.persistence.models import AuditEntry, Call, CallAttempt
from contactdesk.services import telephony_settings as phone
from contactdesk.services import users
from contactdesk.services.calls import log_call
from contactdesk.telephony.importer import import_call_log
from contactdesk.workspace import Workspace
from tests.contactdesk.front_door.people import GOOD

SECRET = "correct horse battery staple 5038"
CALL = dict(caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate, Rotherham",
            postcode="S60 2TH", category="Fly tipping", description="Mattress dumped on verge")
# One queue attempt answered at PJSIP/1001 (the caller channel's Uniqueid is the callid).
QUEUE_LOG = """\
1733389200|1733389200.101|streetpride|NONE|ENTERQUEUE||01709823456|1
1733389208|1733389200.101|streetpride|PJSIP/1001|CONNECT|8|1733389203.102|5
1733389392|1733389200.101|streetpride|PJSIP/1001|COMPLETECALLER|8|184|1
"""


def test_an_administrator_sets_the_connection_and_a_desk_with_a_device_reads_it(ctx, make_ctx):
    agent = make_ctx("agent", "alex", "Alex Agent")
    assert phone.desk_phone(agent) is None  # nothing configured: numbers typed by hand
    shown = phone.configure_telephony(ctx, " pbx.council.local ", "5038", "contactdesk", SECRET)
    assert (shown.host, shown.port, shown.username, shown.configured) == (
        "pbx.council.local", 5038, "contactdesk", True)
    assert SECRET not in repr(shown) and SECRET not in repr(phone.telephony_settings(agent))
    assert phone.desk_phone(agent) is None  # configured, but Alex has no device yet

    users.set_device(ctx, "alex", "PJSIP/1001")
    line = phone.desk_phone(agent)
    assert (line.host, line.port, line.username, line.secret, line.interface) == (
        "pbx.council.local", 5038, "contactdesk", SECRET, "PJSIP/1001")
    assert SECRET not in repr(line)
    users.set_device(ctx, "alex", None)
    assert phone.desk_phone(agent) is None


def test_changes_are_audited_without_the_secret(ctx, database):
    phone.configure_telephony(ctx, "10.0.0.5", 5038, "contactdesk", SECRET)
    phone.configure_telephony(ctx, "10.0.0.5", 5039, "contactdesk", SECRET + " new")
    with database.sessions() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.entity == "settings")).all()
        every_value = " ".join(f"{r.old_value} {r.new_value}" for r in s.scalars(select(AuditEntry)))
    assert SECRET not in every_value
    changes = {(r.entity_id, r.action, r.actor) for r in rows}
    assert ("ami_port", "update", "test.admin") in changes
    assert ("ami_secret_changed_at", "update", "test.admin") in changes  # the new secret
    assert ("ami_host", "create", "test.admin") in changes


@pytest.mark.parametrize(("host", "port", "field"), [
    ("pbx.council.local", "70000", "ami_port"), ("pbx.council.local", "five", "ami_port"),
    ("pbx council", 5038, "ami_host"), ("", 5038, "ami_host")])
def test_a_bad_host_or_port_is_refused_in_one_sentence(ctx, host, port, field):
    with pytest.raises(ValidationError) as refused:
        phone.configure_telephony(ctx, host, port, "contactdesk", SECRET)
    assert [issue.field for issue in refused.value.issues] == [field]
    assert refused.value.issues[0].message.endswith(".")
    assert phone.telephony_settings(ctx).configured is False


def test_agents_cannot_configure_and_on_postgresql_the_database_refuses_too(db_url):
    owner = Workspace.for_this_account(db_url)
    tag = uuid.uuid4().hex[:6]  # logins are server-wide
    owner.users.add_user(f"admin_{tag}", "admin", "Ada Admin", GOOD)
    owner.users.add_user(f"agent_{tag}", "agent", "Alex Agent", GOOD)
    owner.close()
    admin = Workspace.open(db_url, Password(f"admin_{tag}", GOOD))
    agent = Workspace.open(db_url, Password(f"agent_{tag}", GOOD))
    try:
        admin.telephony.configure_telephony("pbx.council.local", 5038, "contactdesk", SECRET)
        with pytest.raises(PermissionDenied, match=r"may not change the phone system "
                                                   r"connection: ask an administrator\.$"):
            agent.telephony.configure_telephony("evil.example", 5038, "contactdesk", "mine")
        if agent.backend == "postgresql":  # past the app, as psql would be
            with agent.ctx.database.engine.connect() as sql:
                assert sql.scalar(text("SELECT ami_secret FROM telephony_secrets")) == SECRET
            for statement in ("UPDATE telephony_secrets SET ami_secret = 'mine'",
                              "UPDATE settings SET value = 'evil.example' WHERE key = 'ami_host'",
                              "INSERT INTO telephony_secrets (id, ami_secret, changed_at) "
                              "VALUES (2, 'mine', now())"):
                with agent.ctx.database.engine.connect() as sql, \
                        pytest.raises(DBAPIError, match="permission denied"):
                    sql.execute(text(statement))
        assert admin.telephony.telephony_settings().host == "pbx.council.local"
    finally:
        admin.close()
        agent.close()


def test_a_device_is_technology_slash_resource_and_one_persons_only(ctx, make_ctx):
    make_ctx("agent", "alex")
    make_ctx("agent", "sam")
    for bad in ("1001", "PJSIP/", "PJSIP 1001", "/1001"):
        with pytest.raises(ValidationError, match="technology/resource, e.g. PJSIP/1001"):
            users.set_device(ctx, "alex", bad)
    users.set_device(ctx, "alex", " PJSIP/1001 ")
    with pytest.raises(ValidationError, match="already alex's device"):
        users.set_device(ctx, "sam", "pjsip/1001")
    users.set_device(ctx, "alex", None)
    users.set_device(ctx, "sam", "PJSIP/1001")


def test_a_popped_call_joins_its_queue_attempt_by_the_queue_call_id(ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text(QUEUE_LOG)
    import_call_log(ctx, log, complete=True)
    saved = log_call(ctx, CallInput(**CALL, queue_call_id="1733389200.101", wait_seconds=8))
    log_call(ctx, CallInput(**dict(CALL, description="Typed by hand, no screen pop")))
    with ctx.uow() as uow:
        joined = uow.session.execute(
            select(Call.id, CallAttempt.queue, CallAttempt.outcome, CallAttempt.wait_seconds,
                   CallAttempt.agent)
            .join(CallAttempt, CallAttempt.callid == Call.queue_call_id)
            .where(CallAttempt.source != "app")).all()
    assert [tuple(row) for row in joined] == [
        (saved.call_id, "streetpride", "answered", 8, "PJSIP/1001")]
