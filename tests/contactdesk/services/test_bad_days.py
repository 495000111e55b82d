"""Bad days on a real database: lost replies, cut cables, held locks, a dead server, a restart.

PostgreSQL runs behind a TCP proxy (tests/helpers/tcp_proxy.py) that can drop the reply to
COMMIT or cut the connection; every wait is bounded and every failure is a sentence.
"""

from __future__ import annotations

import gc
import socket
import sqlite3
import time
import uuid

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from contactdesk.auth.credentials import OperatingSystemAccount
from contactdesk.domain.errors import ContactDeskError
from contactdesk.dtos.calls import CallInput
from contactdesk.persistence import engine as engine_module
from contactdesk.persistence.database import Database
from contactdesk.persistence.db_errors import ConnectionLost, DatabaseBusy
from contactdesk.persistence.engine import DatabaseError
from contactdesk.services.calls import log_call
from contactdesk.workspace import Workspace
from tests.helpers.contexts import context_for
from tests.helpers.tcp_proxy import TcpProxy

CALL = dict(caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate, Rotherham",
            postcode="S60 2TH", category="Fly tipping", description="Mattress dumped on verge")


def through(proxy: TcpProxy, url: str) -> str:
    return make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False)


def saved_with(url: str, key: str) -> tuple[int, int]:
    """(calls, cases) stored with the idempotency key, asked directly."""
    database = Database.open(url)
    try:
        with database.engine.connect() as connection:
            return (connection.scalar(text("SELECT count(*) FROM calls WHERE idempotency_key = :k"),
                                      {"k": key}),
                    connection.scalar(text("SELECT count(*) FROM cases WHERE idempotency_key = :k"),
                                      {"k": key}))
    finally:
        database.dispose()


@pytest.fixture
def pg_url(fresh_database_url):
    return fresh_database_url("postgresql")


@pytest.fixture
def proxy(postgres_server):
    with TcpProxy(postgres_server.host, postgres_server.port) as running:
        yield running


def test_a_lost_reply_to_commit_is_settled_by_the_key_and_told_truthfully(pg_url, proxy):
    database = Database.open(through(proxy, pg_url))
    try:
        agent = context_for(database, "agent", "agent1", "Priya Shah")
        data = CallInput(**CALL)
        proxy.drop_reply_after(b"COMMIT")
        saved = log_call(agent, data)
        assert proxy.dropped.is_set()  # the reply really was lost
    finally:
        database.dispose()
    assert saved.reference and saved.created_case
    assert saved_with(pg_url, data.idempotency_key) == (1, 1)


def test_a_cut_before_commit_says_nothing_was_saved_and_the_retry_saves_once(pg_url, proxy):
    database = Database.open(through(proxy, pg_url))
    workspace = Workspace(database, context_for(database, "agent", "agent1", "Priya Shah").actor)
    try:
        data = CallInput(**CALL)
        proxy.drop_reply_after(b"INSERT INTO calls")
        with pytest.raises(ConnectionLost, match="nothing was saved") as lost:
            workspace.calls.log_call(data)
        assert "psycopg" not in str(lost.value) and "server closed" not in str(lost.value)
        assert saved_with(pg_url, data.idempotency_key) == (0, 0)
        again = workspace.calls.log_call(data)  # the same form, saved again
    finally:
        workspace.close()
    assert again.reference
    assert saved_with(pg_url, data.idempotency_key) == (1, 1)


def test_a_row_held_by_another_desk_gives_up_within_its_bound(pg_url, postgres_server):
    database = Database.open(pg_url)
    agent = context_for(database, "agent", "agent1", "Priya Shah")
    workspace = Workspace(database, agent.actor)
    reference = workspace.calls.log_call(CallInput(**CALL)).reference
    name = make_url(pg_url).database
    with postgres_server.connect(name, autocommit=False) as other:
        other.execute("SELECT id FROM cases WHERE reference = %s FOR UPDATE", (reference,))
        began = time.monotonic()
        with pytest.raises(DatabaseBusy, match="another desk is saving this record"):
            workspace.cases.change_status(reference, "in_progress")
        waited = time.monotonic() - began
        other.rollback()
    assert 4 <= waited < 10
    assert workspace.cases.change_status(reference, "in_progress").status == "in_progress"
    workspace.close()


def test_a_locked_sqlite_file_gives_up_within_its_bound(fresh_database_url, monkeypatch):
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 1000)
    url = fresh_database_url("sqlite")
    database = Database.open(url)
    workspace = Workspace(database, context_for(database, "agent", "agent1", "Priya Shah").actor)
    holder = sqlite3.connect(make_url(url).database, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        began = time.monotonic()
        with pytest.raises(DatabaseBusy, match="another desk or program") as busy:
            workspace.calls.log_call(CallInput(**CALL))
        assert time.monotonic() - began < 5
        assert "OperationalError" not in str(busy.value) and "is locked" not in str(busy.value)
    finally:
        holder.rollback()
        holder.close()
    assert workspace.calls.log_call(CallInput(**CALL)).reference
    workspace.close()


def test_a_server_that_never_answers_is_given_up_on_within_the_connect_bound():
    silent = socket.create_server(("127.0.0.1", 0))  # listens, never speaks
    try:
        port = silent.getsockname()[1]
        began = time.monotonic()
        with pytest.raises(DatabaseError) as failed:
            Workspace.for_this_account(f"postgresql+psycopg://nobody@127.0.0.1:{port}/x")
        assert time.monotonic() - began < 10
    finally:
        silent.close()
    assert "did not answer within 5 seconds" in str(failed.value)
    assert "psycopg" not in str(failed.value)


def test_saves_carry_on_after_the_server_restarts(pg_url, postgres_server):
    workspace = Workspace.open(pg_url, OperatingSystemAccount())
    try:
        assert workspace.calls.log_call(CallInput(**CALL)).reference
        postgres_server.restart()  # immediate mode: every connection in the pool is dead
        second = CallInput(**dict(CALL, description=f"Again {uuid.uuid4().hex[:6]}"))
        assert workspace.calls.log_call(second).reference
    finally:
        workspace.close()
    assert saved_with(pg_url, second.idempotency_key) == (1, 1)


def test_no_driver_text_for_a_login_without_privileges(pg_url, postgres_server, database_for):
    name = f"stray_{uuid.uuid4().hex[:6]}"
    with postgres_server.connect() as admin:
        admin.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'a long enough password here'")
    actor = context_for(database_for(pg_url), "agent", "agent9", "Gary Hobson").actor
    stray = database_for(make_url(pg_url).set(
        username=name, password="a long enough password here").render_as_string(
            hide_password=False))
    message = refusal(lambda: Workspace(stray, actor).calls.log_call(CallInput(**CALL)))
    assert "refused this for your login" in message and "ProgrammingError" not in message


def refusal(action) -> str:
    """The message a person sees (the traceback, holding a connection, is let go at once)."""
    try:
        action()
    except ContactDeskError as exc:
        assert not isinstance(exc, psycopg.Error)
        return str(exc)
    raise AssertionError("not refused")


@pytest.fixture
def database_for():
    opened: list[Database] = []

    def open_(url: str) -> Database:
        opened.append(Database.open(url))
        return opened[-1]

    yield open_
    gc.collect()  # a failed statement's traceback may still hold its connection
    for database in opened:
        database.dispose()
