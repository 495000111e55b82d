"""The database goes away mid-shift: a banner, calls kept on this PC, sent once when it is back.

A real PostgreSQL behind tests/helpers/tcp_proxy.py, which takes the server away and back.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from contactdesk.persistence.database import Database
from contactdesk.workspace import Workspace
from tests.helpers.tcp_proxy import TcpProxy
from tests.ui.conftest import PASSWORD
from ui.app import create_main_window


@pytest.fixture
def proxy(postgres_server):
    with TcpProxy(postgres_server.host, postgres_server.port) as running:
        yield running


@pytest.fixture
def window(qtbot, fresh_database_url, proxy, tmp_path):
    url = fresh_database_url("postgresql")
    login = f"priya_{uuid.uuid4().hex[:6]}"
    owner = Workspace.for_this_account(url)
    owner.users.add_user(login, "agent", "Priya Shah", PASSWORD)
    owner.close()
    proxied = make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False)
    window = create_main_window(proxied, login, PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    window.work_offline(tmp_path / "outbox")
    window.database_url = url  # asked directly, not through the proxy
    yield window
    window.offline.stop()
    window.workspace.close()


def fill_and_save(window, name: str) -> str:
    form = window.call_form
    form.start_call()
    ui = form.ui
    ui.phone.setText("01709 823456")
    ui.name.setText(name)
    ui.address.setText("14 Wellgate, Rotherham")
    ui.category.setEditText("Fly tipping")
    ui.category.resolve_text()
    ui.description.setPlainText(f"Mattress dumped, reported by {name}")
    key = form.idempotency_key
    form.save()
    return key


def stored(url: str, key: str) -> int:
    database = Database.open(url)
    try:
        with database.engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM calls WHERE idempotency_key = :k"),
                                     {"k": key})
    finally:
        database.dispose()


def test_calls_taken_during_an_outage_are_kept_and_sent_once_when_it_is_back(
        qtbot, window, proxy):
    banner, status = window.offline_banner, window.outbox_status
    assert not banner.isVisible() and status.text() == ""
    proxy.go_down()
    qtbot.waitUntil(banner.isVisible, timeout=5000)  # within 5 s
    assert "cannot be reached" in banner.text() and not window.case_detail.isEnabled()

    first = fill_and_save(window, "Ann Jones")
    qtbot.waitUntil(lambda: status.text() == "1 call waiting to send", timeout=10_000)
    assert "kept on this PC" in window.call_form.ui.notice.text()
    assert window.call_form.ui.name.text() == ""  # ready for the next caller
    second = fill_and_save(window, "Bob Hale")
    qtbot.waitUntil(lambda: status.text() == "2 calls waiting to send", timeout=10_000)
    assert stored(window.database_url, first) == stored(window.database_url, second) == 0

    proxy.heal()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=8000)
    qtbot.waitUntil(lambda: status.text() == "", timeout=10_000)
    assert window.case_detail.isEnabled()
    assert stored(window.database_url, first) == stored(window.database_url, second) == 1
    assert "reached the database" in window.statusBar().currentMessage()


def test_calls_left_waiting_are_sent_at_the_next_start(qtbot, window, proxy, tmp_path):
    proxy.go_down()
    qtbot.waitUntil(window.offline_banner.isVisible, timeout=5000)
    key = fill_and_save(window, "Ann Jones")
    qtbot.waitUntil(lambda: window.outbox_status.text() == "1 call waiting to send",
                    timeout=10_000)
    window.offline.stop()
    proxy.heal()
    # The app is closed and opened again: the new window finds the call and sends it.
    window.work_offline(tmp_path / "outbox")
    qtbot.waitUntil(lambda: window.outbox_status.text() == "", timeout=10_000)
    assert stored(window.database_url, key) == 1


def test_a_call_that_meets_a_busy_database_is_tried_again_later(qtbot, window):
    from contactdesk.dtos.calls import CallInput

    sender = window.offline.sender
    sender.retry.setInterval(300)  # the first wait is 5 s at a desk
    caller = dict(caller_phone="01709 823456", caller_name="Ann Jones",
                  address="14 Wellgate, Rotherham", category="Fly tipping")
    window.workspace.calls.log_call(CallInput(**caller, description="Sofa in the lane"))
    other_desk = Database.open(window.database_url)
    try:
        with other_desk.engine.connect() as held:
            # Another desk holds the caller's record: saving a call from them must wait.
            held.execute(text("SELECT id FROM callers FOR UPDATE"))
            kept = CallInput(**caller, description="Fridge in the lane too")
            sender.keep(kept)
            sender.send_waiting()
            qtbot.waitUntil(sender.retry.isActive, timeout=30_000)  # gave up within its bound
            assert window.outbox_status.text() == "1 call waiting to send"
            held.rollback()
        qtbot.waitUntil(lambda: window.outbox_status.text() == "", timeout=10_000)
        assert stored(window.database_url, kept.idempotency_key) == 1
    finally:
        other_desk.dispose()
