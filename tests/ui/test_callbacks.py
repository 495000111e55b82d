"""Callbacks at the desk: asked for from a call or a case, listed overdue first, rung through
the phone system (a scripted AMI peer) after a confirmation or dialled by hand, and the
outcome recorded on the case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from contactdesk.auth.credentials import Password
from contactdesk.dtos.callbacks import CallbackRequest
from contactdesk.dtos.calls import CallInput
from contactdesk.workspace import Workspace
from tests.helpers.ami_peer import FAST, ScriptedAmiPeer
from tests.ui.conftest import PASSWORD
from tests.ui.test_screen_pop import SECRET, open_window, set_up_phone
from ui import incoming_call
from ui.callback_list import OVERDUE_BACKGROUND
from ui.callback_request import CallbackRequestDialog

REPORT = CallInput(caller_phone="07700 900123", caller_name="Ann Jones",
                   address="14 Wellgate, Rotherham", postcode="S60 2TH",
                   category="Fly tipping", description="Mattress dumped on verge")


@pytest.fixture(autouse=True)
def _fast_line(monkeypatch):
    monkeypatch.setattr(incoming_call, "LINE_TIMINGS", FAST)


@pytest.fixture
def desk(qtbot, ui_db_url, agent):
    window = open_window(qtbot, ui_db_url)
    yield window
    window.close()
    window.workspace.close()


def _dialog(qtbot) -> CallbackRequestDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), CallbackRequestDialog))
    return QApplication.activeWindow()


def _send(qtbot, dialog: CallbackRequestDialog, reason: str) -> None:
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, reason)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_callback_asked_for_on_a_typed_call_is_stored_with_the_call_and_its_case(qtbot, desk):
    form = desk.call_form
    form.ui.phone.setText("07700 900123")
    form.ui.description.setPlainText("Mattress dumped on verge")
    form.ui.phone.setFocus()
    qtbot.keyClick(form.ui.phone, Qt.Key.Key_B,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = _dialog(qtbot)
    assert dialog.phone.text() == "07700 900123" and dialog.asap.isChecked()
    _send(qtbot, dialog, "Wants to know when it is collected")
    assert desk.workspace.callbacks.waiting_callbacks() == []  # kept until the call is saved
    ui = form.ui
    ui.name.setText("Ann Jones")
    ui.address.setText("14 Wellgate, Rotherham")
    ui.postcode.setText("S60 2TH")
    ui.category.setEditText("Fly tipping")
    saved = []
    form.callSaved.connect(saved.append)
    form.save()
    qtbot.waitUntil(lambda: bool(saved))
    [row] = desk.workspace.callbacks.waiting_callbacks()
    assert (row.phone_national, row.case_reference, row.reason) == (
        "07700 900123", saved[0].reference, "Wants to know when it is collected")
    assert form.callbacks.note.text().startswith("Callback requested: 07700 900123")


def test_a_bad_number_keeps_the_dialog_open_and_says_why(qtbot, desk):
    desk.call_form.callbacks.ask()
    dialog = _dialog(qtbot)
    qtbot.keyClicks(dialog.phone, "0770")
    _reason = dialog.reason
    qtbot.keyClicks(_reason, "Update")
    dialog.send()
    assert dialog.isVisible() and "Check this" in dialog.error.text()
    dialog.reject()


def test_a_callback_asked_for_from_a_case_has_its_callers_number(qtbot, desk):
    reference = desk.workspace.calls.log_call(REPORT).reference
    desk.open_case(reference)
    detail = desk.case_detail
    qtbot.waitUntil(lambda: detail.detail is not None)
    detail.callback_button.click()
    dialog = _dialog(qtbot)
    assert dialog.phone.text() == "07700 900123" and reference in dialog.about.text()
    dialog.at_time.setChecked(True)
    _send(qtbot, dialog, "Tell her the crew's day")
    [row] = desk.workspace.callbacks.callbacks_of_case(reference)
    assert row.reason == "Tell her the crew's day" and not row.as_soon_as_possible


def _ask_earlier(url: str, reference: str, minutes_ago: int, reason: str):
    """A callback asked for an hour before, due ``minutes_ago`` minutes ago."""
    now = datetime.now(UTC)
    earlier = Workspace.open(url, Password("priya", PASSWORD),
                             clock=lambda: now - timedelta(hours=1))
    try:
        return earlier.callbacks.request_callback(CallbackRequest(
            "07700 900123", reason, now - timedelta(minutes=minutes_ago), reference))
    finally:
        earlier.close()


def test_the_list_shows_the_overdue_first_and_marks_them(qtbot, desk, ui_db_url):
    reference = desk.workspace.calls.log_call(REPORT).reference
    later = desk.workspace.callbacks.request_callback(CallbackRequest(
        "01709 823456", "Later today", datetime.now(UTC) + timedelta(hours=3), reference))
    overdue = _ask_earlier(ui_db_url, reference, 20, "Promised this morning")
    qtbot.keyClick(QApplication.focusWidget() or desk, Qt.Key.Key_5,
                   Qt.KeyboardModifier.ControlModifier)
    view = desk.callbacks
    assert desk.tabs.currentWidget() is view
    model = view.model
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert [r.id for r in model.rows] == [overdue.id, later.id]
    assert model.index(0, 0).data().startswith("Overdue: ")
    assert model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND
    assert model.index(1, 1).data(Qt.ItemDataRole.BackgroundRole) is None


def test_without_a_phone_line_the_number_is_shown_to_dial_and_the_outcome_noted(qtbot, desk):
    reference = desk.workspace.calls.log_call(REPORT).reference
    desk.workspace.callbacks.request_callback(CallbackRequest("07700 900123", "Update",
                                                              None, reference))
    view = desk.callbacks
    desk.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.panel.isVisible())
    assert view.number.text() == "07700 900123" and view.number.isVisible()
    assert "by hand" in view.dial_status.text()
    qtbot.waitUntil(lambda: view.panel.isAncestorOf(QApplication.focusWidget()))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)  # no answer
    qtbot.waitUntil(lambda: not view.panel.isVisible())
    assert view.model.rows[0].failed_attempts == 1
    notes = [n.body for n in desk.workspace.cases.get_case(reference).notes]
    assert "Callback to 07700 900123: no answer (failed attempt 1 of 3)." in notes


def test_a_callback_another_agent_is_ringing_is_refused_in_a_sentence(qtbot, desk, ui_db_url):
    from tests.ui.conftest import add_person, sign_in

    reference = desk.workspace.calls.log_call(REPORT).reference
    asked = desk.workspace.callbacks.request_callback(CallbackRequest("07700 900123", "Update",
                                                                      None, reference))
    add_person(ui_db_url, "sam", "agent", "Sam Taylor")
    sam = sign_in(ui_db_url, "sam")
    try:
        sam.callbacks.claim_callback(asked.id)
    finally:
        sam.close()
    view = desk.callbacks
    desk.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    view.take_selected()
    qtbot.waitUntil(lambda: view.error.isVisible())
    assert view.error.text() == "Sam Taylor is already ringing this caller: pick another callback."
    assert not view.panel.isVisible()


@pytest.fixture
def peer():
    with ScriptedAmiPeer(username="contactdesk", secret=SECRET) as running:
        yield running


def test_taking_one_with_a_phone_line_asks_then_sends_the_documented_originate(
        qtbot, ui_db_url, agent, peer):
    set_up_phone(ui_db_url, peer.port)
    desk = open_window(qtbot, ui_db_url)
    try:
        qtbot.waitUntil(lambda: desk.screen_pop.status.text() == "Phone system connected.")
        reference = desk.workspace.calls.log_call(REPORT).reference
        desk.workspace.callbacks.request_callback(CallbackRequest("07700 900123", "Update",
                                                                  None, reference))
        view = desk.callbacks
        desk.tabs.setCurrentWidget(view)
        qtbot.waitUntil(lambda: view.model.rowCount() == 1)
        asked = []

        def answer_yes():
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(20, answer_yes)
                return
            asked.append((box.text(), len(peer.originates())))
            box.button(QMessageBox.StandardButton.Yes).click()

        QTimer.singleShot(0, answer_yes)
        view.take_selected()
        assert asked == [(f"Ring 07700 900123 for {reference}?", 0)]  # nothing sent before
        qtbot.waitUntil(lambda: len(peer.originates()) == 1)
        originate = peer.originates()[0]
        assert {key: originate.get(key) for key in (
            "Channel", "Exten", "Context", "Priority", "CallerID", "Async")} == {
            "Channel": "PJSIP/1001", "Exten": "07700900123", "Context": "from-internal",
            "Priority": "1", "CallerID": f'"Callback {reference}" <07700900123>',
            "Async": "true"}
        assert originate.get("ActionID") and originate.get("ActionID") == view.action_id
        qtbot.waitUntil(lambda: view.dial_status.text().startswith("Connected: answered"))
        qtbot.waitUntil(lambda: view.panel.isAncestorOf(QApplication.focusWidget()))
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)  # spoke to the caller
        qtbot.waitUntil(lambda: view.model.rowCount() == 0)
        notes = [n.body for n in desk.workspace.cases.get_case(reference).notes]
        assert ("Callback to 07700 900123: spoke to the caller; the phone system said: "
                "answered.") in notes
    finally:
        desk.close()
        desk.workspace.close()


def test_the_dashboard_shows_callbacks_kept_on_time_beside_service_level(
        qtbot, ui_db_url, agent, supervisor):
    from ui.main_window import MainWindow
    from ui.tasks import TaskRunner

    priya = Workspace.open(ui_db_url, Password("priya", PASSWORD))
    try:
        reference = priya.calls.log_call(REPORT).reference
        rung = priya.callbacks.request_callback(CallbackRequest(
            "07700 900123", "Update", datetime.now(UTC) + timedelta(minutes=30), reference))
        priya.callbacks.record_outcome(rung.id, "spoke")
    finally:
        priya.close()
    _ask_earlier(ui_db_url, reference, 1, "Never rung")  # due a minute ago: missed
    window = MainWindow(supervisor, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.dashboard)
    tile = window.dashboard.callbacks_tile
    qtbot.waitUntil(lambda: tile.value.text() == "50.00%")
    # Left to right on screen: the tile comes straight after service level.
    tiles = sorted([*window.dashboard.tiles.values(), tile], key=lambda t: t.x())
    assert tiles.index(tile) == tiles.index(window.dashboard.tiles["service_level"]) + 1
    assert tile.y() == window.dashboard.tiles["service_level"].y()
    assert "1 of 2 kept" in tile.toolTip() and "those not yet due count once closed" in \
        tile.toolTip()


def test_a_callback_asked_for_on_a_call_never_saved_does_not_go_with_the_next_call(qtbot, desk):
    form = desk.call_form
    form.ui.phone.setText("07700 900123")
    form.ui.description.setPlainText("Mattress dumped on verge")
    form.callbacks.ask()
    _send(qtbot, _dialog(qtbot), "Wants to know when it is collected")
    form.start_call()  # that call is abandoned: the next caller is someone else
    assert form.callbacks.pending is None
    assert "was not stored" in form.callbacks.note.text()
    saved = []
    form.callSaved.connect(saved.append)
    for field, text in (("phone", "01709 823456"), ("name", "Bob Hill"),
                        ("address", "2 Main Street, Rotherham"), ("postcode", "S60 1AA")):
        getattr(form.ui, field).setText(text)
    form.ui.description.setPlainText("Graffiti on the bus shelter")
    form.ui.category.setEditText("Fly tipping")
    form.save()
    qtbot.waitUntil(lambda: bool(saved))
    assert desk.workspace.callbacks.waiting_callbacks() == []  # not on Bob's call or case


def test_an_outcome_pressed_twice_is_recorded_once(qtbot, desk, monkeypatch):
    reference = desk.workspace.calls.log_call(REPORT).reference
    desk.workspace.callbacks.request_callback(CallbackRequest("07700 900123", "Update",
                                                              None, reference))
    view = desk.callbacks
    desk.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.panel.isVisible())
    queued = []  # the writes as the runner would start them, held until both presses
    monkeypatch.setattr(view._runner, "run", lambda work, done=None, failed=None, **_kw:
                        queued.append((work, done)))
    view.record("no_answer")
    view.record("no_answer")  # a second press before the first is stored
    assert len(queued) == 1
    work, done = queued[0]
    done(work())
    qtbot.waitUntil(lambda: not view.panel.isVisible())
    notes = [n.body for n in desk.workspace.cases.get_case(reference).notes]
    assert sum("Callback to 07700 900123: no answer" in n for n in notes) == 1
