"""The screen pop over a scripted AMI peer: ringing, answering, saving, AMI lost and back."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from contactdesk.dtos.calls import CallInput
from contactdesk.persistence.models import Call, CallAttempt
from contactdesk.workspace import Workspace
from tests.helpers.ami_peer import FAST, ScriptedAmiPeer, read_transcript, wire
from tests.ui.conftest import sign_in
from ui import incoming_call
from ui.main_window import MainWindow
from ui.tasks import TaskRunner

SECRET = "s3cret"
CALLER = "01709823456"  # J Smith in tests/data/ami/ringing_answered.txt
SHOWN = "01709 823456"  # the same, as the form shows it
CALL_ID = "1733389200.101"
KNOWN_CALLER = CallInput(caller_phone="01709 823456", caller_name="Ann Jones",
                         address="14 Wellgate, Rotherham", postcode="S60 2TH",
                         category="Fly tipping", description="Mattress dumped on verge")


@pytest.fixture
def peer():
    with ScriptedAmiPeer(username="contactdesk", secret=SECRET) as running:
        yield running


@pytest.fixture(autouse=True)
def _fast_line(monkeypatch):
    monkeypatch.setattr(incoming_call, "LINE_TIMINGS", FAST)


def set_up_phone(url: str, port: int, username: str | None = "priya",
                 device: str = "PJSIP/1001") -> None:
    admin = Workspace.for_this_account(url)
    try:
        admin.telephony.configure_telephony("127.0.0.1", port, "contactdesk", SECRET)
        if username:
            admin.users.set_device(username, device)
    finally:
        admin.close()


def open_window(qtbot, url: str, username: str = "priya") -> MainWindow:
    window = MainWindow(sign_in(url, username), TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


@pytest.fixture
def desk(qtbot, ui_db_url, agent, peer):
    set_up_phone(ui_db_url, peer.port)
    window = open_window(qtbot, ui_db_url)
    qtbot.waitUntil(lambda: window.screen_pop.status.text() == "Phone system connected.")
    yield window
    window.close()
    window.workspace.close()


def transcript(name: str = "ringing_answered") -> list[str]:
    """The transcript's messages with their Timestamps moved to the last minute."""
    start = time.time() - 30
    moved = []
    for item in read_transcript(name):
        if isinstance(item, str):
            item = re.sub(r"Timestamp: (\d+\.\d+)", lambda m: "Timestamp: %.6f" % (
                start + float(m.group(1)) - 1733389200), item)
            moved.append(item)
    return moved


def send(peer, messages: list[str]) -> None:
    for message in messages:
        peer.send_raw(wire(message))


def ring(peer) -> list[str]:
    """Ring (QueueCallerJoin .. AgentCalled at both desks); the rest of the call is returned."""
    messages = transcript()
    send(peer, messages[:4])
    return messages[4:]


def test_ringing_shows_the_notice_without_taking_the_keyboard(qtbot, desk, peer):
    banner, form = desk.screen_pop.banner, desk.call_form
    form.ui.description.setFocus()
    qtbot.keyClicks(form.ui.description, "Bin not emptied")
    ring(peer)
    qtbot.waitUntil(lambda: banner.isVisible())
    assert banner.objectName() == "incomingCallBanner"
    assert banner.text.text() == "Ringing: 01709 823456 (J Smith) · queue streetpride"
    assert QApplication.focusWidget() is form.ui.description
    qtbot.keyClicks(form.ui.description, " again")
    assert form.ui.description.toPlainText() == "Bin not emptied again"


def test_a_locked_desk_shows_no_callers_number(qtbot, desk, peer):
    ring(peer)
    banner = desk.screen_pop.banner
    qtbot.waitUntil(lambda: banner.isVisible())
    desk.set_covered(True)
    assert not banner.isVisible()
    desk.set_covered(False)
    assert banner.isVisible() and banner.text.text().startswith("Ringing: 01709 823456")


def test_answering_opens_the_form_with_the_number_history_and_real_answer_time(qtbot, desk, peer):
    desk.workspace.calls.log_call(KNOWN_CALLER)
    desk.tabs.setCurrentIndex(desk.CASES_TAB)
    send(peer, ring(peer)[:1])  # AgentConnect at PJSIP/1001
    form = desk.call_form
    qtbot.waitUntil(lambda: form.ui.phone.text() == SHOWN)
    assert desk.tabs.currentIndex() == desk.CALL_TAB
    qtbot.waitUntil(lambda: form.history_panel.history is not None)
    assert form.history_panel.history.caller.name == "Ann Jones"
    assert form.ui.name.text() == "Ann Jones"  # filled from the history, as when typed
    # Answered 21.5 s into the minute-old transcript: the timer counts from then.
    elapsed = (datetime.now(UTC) - form.call_input().answered_at).total_seconds()
    assert 19 < elapsed < 40
    minutes, seconds = map(int, form.ui.call_timer.text().split(":"))
    assert abs(minutes * 60 + seconds - elapsed) <= 2
    assert form.call_input().wait_seconds == 8 and form.call_input().queue_call_id == CALL_ID
    banner = desk.screen_pop.banner.text.text()
    assert banner.startswith("On the line: 01709 823456 (J Smith) · queue streetpride")


def test_the_saved_call_carries_the_queue_call_id_and_joins_its_queue_log_attempt(
        qtbot, desk, peer, ui_db_url, tmp_path):
    send(peer, ring(peer)[:1])
    form = desk.call_form
    qtbot.waitUntil(lambda: form.ui.phone.text() == SHOWN)
    ui = form.ui
    ui.name.setText("J Smith")
    ui.address.setText("14 Wellgate, Rotherham")
    ui.postcode.setText("S60 2TH")
    ui.category.setEditText("Fly tipping")
    ui.description.setPlainText("Mattress dumped on the verge")
    saved = []
    form.callSaved.connect(saved.append)
    form.save()
    qtbot.waitUntil(lambda: bool(saved))
    queue_log = tmp_path / "queue_log"
    queue_log.write_text(
        f"1733389200|{CALL_ID}|streetpride|NONE|ENTERQUEUE||{CALLER}|1\n"
        f"1733389208|{CALL_ID}|streetpride|PJSIP/1001|CONNECT|8|1733389203.102|5\n"
        f"1733389392|{CALL_ID}|streetpride|PJSIP/1001|COMPLETECALLER|8|184|1\n")
    admin = Workspace.for_this_account(ui_db_url)
    try:
        admin.telephony.import_call_log(queue_log, complete=True)
        with admin.ctx.uow() as uow:
            joined = uow.session.execute(
                select(Call.id, Call.wait_seconds, CallAttempt.queue, CallAttempt.outcome)
                .join(CallAttempt, CallAttempt.callid == Call.queue_call_id)
                .where(CallAttempt.source != "app")).all()
    finally:
        admin.close()
    assert [tuple(row) for row in joined] == [(saved[0].call_id, 8, "streetpride", "answered")]


def test_a_call_answered_mid_form_waits_and_is_taken_with_ctrl_shift_p(qtbot, desk, peer):
    form = desk.call_form
    form.ui.phone.setText("07700 900123")
    form.ui.description.setPlainText("The previous caller's report")
    send(peer, ring(peer)[:1])
    banner = desk.screen_pop.banner
    qtbot.waitUntil(lambda: banner.text.text().startswith("Answered: 01709 823456 — finish the "
                                                          "current call, then press Ctrl+Shift+P"))
    assert form.ui.description.toPlainText() == "The previous caller's report"
    assert banner.take_button.isVisible()
    desk.screen_pop.take_action.trigger()  # the autouse fixture answers "lose it?" with yes
    assert form.ui.phone.text() == SHOWN and form.call_input().queue_call_id == CALL_ID
    assert not banner.take_button.isVisible()


def test_missed_and_ended_calls_clear_the_notice_or_say_so(qtbot, desk, peer):
    send(peer, transcript("ring_no_answer_other_agent"))
    banner = desk.screen_pop.banner
    qtbot.waitUntil(lambda: banner.text.text().startswith("No longer ringing: 07700 900123"))
    send(peer, ring(peer))  # answered here, then completed by the caller
    qtbot.waitUntil(lambda: banner.text.text().startswith("Call ended: 01709 823456"))


def test_ami_lost_and_back_mid_shift_is_said_and_a_later_ring_still_pops(qtbot, desk, peer):
    status = desk.screen_pop.status
    peer.go_down()
    qtbot.waitUntil(lambda: status.text().startswith("Phone system connection lost"))
    peer.come_back()
    qtbot.waitUntil(lambda: status.text() == "Phone system connected.", timeout=5000)
    ring(peer)
    qtbot.waitUntil(lambda: desk.screen_pop.banner.isVisible())
    assert "Ringing: 01709 823456" in desk.screen_pop.banner.text.text()


def test_a_ring_cut_off_by_the_link_dropping_leaves_no_number_on_screen(qtbot, desk, peer):
    banner = desk.screen_pop.banner
    ring(peer)  # the rest of the call (answer, hang up) is never heard
    qtbot.waitUntil(lambda: banner.isVisible() and "Ringing: 01709 823456" in banner.text.text())
    peer.go_down()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5000)
    assert desk.screen_pop.ringing is None
    peer.come_back()


def test_closing_the_window_stops_the_line_without_waiting(qtbot, desk, peer):
    line = desk.screen_pop.line
    started = time.monotonic()
    desk.close()
    assert time.monotonic() - started < 0.5
    qtbot.waitUntil(lambda: not line.client.running)
    assert [a.name for a in peer.actions][-1] == "Logoff"


@pytest.mark.parametrize("device_set", [False, True])
def test_without_telephony_or_a_device_there_is_no_line_and_no_label(
        qtbot, ui_db_url, agent, peer, device_set):
    if device_set:  # telephony configured, but this person has no phone of their own
        set_up_phone(ui_db_url, peer.port, username=None)
    window = open_window(qtbot, ui_db_url)
    try:
        assert window.screen_pop.line is None
        assert not window.screen_pop.status.isVisible() and window.screen_pop.status.text() == ""
        assert not window.screen_pop.banner.isVisible()
        assert peer.connections_accepted == 0
    finally:
        window.close()
        window.workspace.close()
