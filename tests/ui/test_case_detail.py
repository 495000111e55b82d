"""The case view: showing a case, working it from the keyboard, conflicts and errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListView, QPlainTextEdit, QTableView

from tests.ui.case_helpers import DeferredRunner, log_case, make_overdue, set_due
from ui.case_detail import CaseDetailView


@pytest.fixture
def view(qtbot, workspace, runner):
    view = CaseDetailView(workspace, runner)
    qtbot.addWidget(view)
    view.resize(1100, 900)
    view.show()
    qtbot.waitExposed(view)
    return view


def child(view, cls, name):
    found = view.findChild(cls, name)
    assert found is not None, name
    return found


def combo_items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick ``text`` with the arrow keys, as an agent would without the mouse."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text, combo_items(combo)


def notes_text(view) -> list[str]:
    model = child(view, QListView, "notesList").model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def history_text(view) -> list[str]:
    model = child(view, QTableView, "historyTable").model()
    return [model.index(row, 2).data() for row in range(model.rowCount())]


def test_shows_the_case_its_caller_and_its_creation(view, workspace):
    reference = log_case(workspace)
    view.show_case(reference.lower())
    assert child(view, QLabel, "caseReference").text() == reference
    assert child(view, QLabel, "caseStatusBadge").text() == "New"
    assert child(view, QLabel, "phoneValue").text() == "01709 823456"
    assert child(view, QLabel, "callerValue").text() == "Ann Jones"
    assert child(view, QLabel, "categoryValue").text() == "Fly tipping"
    assert child(view, QLabel, "postcodeValue").text() == "S60 2TH"
    assert child(view, QLabel, "descriptionValue").text() == "Mattress dumped on the verge"
    received = child(view, QLabel, "receivedValue").text()
    assert datetime.strptime(received, "%d/%m/%Y %H:%M")  # UK day-first, no seconds
    assert "overdue" not in child(view, QLabel, "dueValue").text()
    assert history_text(view) == ["Case created"]
    assert notes_text(view) == ["No notes yet"]
    assert child(view, QListView, "callsList").model().index(0, 0).data().endswith(
        " · call that opened the case")


def test_the_status_list_offers_only_what_may_follow(view, workspace):
    reference = log_case(workspace)
    view.show_case(reference)
    combo = child(view, QComboBox, "caseStatus")
    assert combo_items(combo) == ["New (current)", "Routed", "In progress", "Resolved",
                                  "Duplicate", "Withdrawn"]
    assert not child(view, QLineEdit, "duplicateOf").isVisible()
    assert not view.findChild(type(view.status_panel.button), "applyStatusButton").isEnabled()
    workspace.cases.change_status(reference, "resolved")
    view.reload()
    assert combo_items(combo) == ["Resolved (current)", "In progress", "Closed"]


def test_working_a_case_through_to_closed_from_the_keyboard(qtbot, view, workspace):
    reference = log_case(workspace)
    view.show_case(reference)
    combo = child(view, QComboBox, "caseStatus")
    reason = child(view, QLineEdit, "statusReason")
    note = child(view, QPlainTextEdit, "noteText")
    changed = []
    view.caseChanged.connect(changed.append)

    steps = [("Routed", "Sent to Streetpride"), ("In progress", "Crew booked"),
             ("Resolved", "Mattress removed"), ("Closed", "")]
    for label, why in steps:
        choose(qtbot, combo, label)
        qtbot.keyClick(combo, Qt.Key.Key_Tab)
        qtbot.keyClicks(reason, why)
        qtbot.keyClick(reason, Qt.Key.Key_Return)
        assert child(view, QLabel, "caseStatusBadge").text() == label
        assert reason.text() == "" and combo.currentIndex() == 0
        if label == "In progress":
            qtbot.keyClicks(note, "Crew due Thursday morning")
            qtbot.keyClick(note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            assert note.toPlainText() == ""
    # A caller-facing note, chosen with the keyboard too.
    choose(qtbot, child(view, QComboBox, "noteVisibility"), "Caller-facing")
    qtbot.keyClicks(note, "Thanks for reporting it")
    qtbot.keyClick(note, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)

    assert changed == [reference] * 6
    notes = notes_text(view)
    assert len(notes) == 2
    assert notes[0].startswith("Priya Shah · ") and notes[0].endswith("Internal\nCrew due Thursday morning")
    assert notes[1].endswith("Caller-facing\nThanks for reporting it")
    history = history_text(view)
    assert history[0] == "Case created"
    assert [h for h in history if h.startswith("Status:")] == [
        "Status: New → Routed", "Status: Routed → In progress", "Status: In progress → Resolved",
        "Status: Resolved → Closed"]
    assert child(view, QLabel, "closedValue").isVisible()
    assert workspace.cases.get_case(reference).summary.status == "closed"


def test_a_conflicting_change_is_shown_and_what_was_typed_is_kept(qtbot, view, workspace):
    reference = log_case(workspace)
    view.show_case(reference)
    shown_version = view.detail.summary.version
    # Another desk routes the case while this agent is still typing.
    workspace.cases.change_status(reference, "routed", expected_version=shown_version,
                                  reason="Other desk")
    note = child(view, QPlainTextEdit, "noteText")
    qtbot.keyClicks(note, "Half-typed note")
    combo = child(view, QComboBox, "caseStatus")
    choose(qtbot, combo, "Resolved")
    reason = child(view, QLineEdit, "statusReason")
    qtbot.keyClicks(reason, "Sorted on site")
    qtbot.keyClick(reason, Qt.Key.Key_Return)

    error = child(view, QLabel, "detailError")
    assert error.isVisible() and "Someone else changed" in error.text()
    assert reason.text() == "Sorted on site" and note.toPlainText() == "Half-typed note"
    # Reloaded: the other desk's change is on screen, and the agent's choice still stands.
    assert child(view, QLabel, "caseStatusBadge").text() == "Routed"
    assert "Status: New → Routed" in history_text(view)
    assert combo.currentText() == "Resolved"
    assert workspace.cases.get_case(reference).summary.status == "routed"
    # The agent is shown who changed what, and chooses to apply theirs anyway.
    dialog = view.conflict_dialog
    assert dialog.isVisible()
    assert "Status: New → Routed" in dialog.findChild(QLabel, "conflictChanges").text()
    assert "Sorted on site" in dialog.findChild(QLabel, "conflictMine").text()
    dialog.apply_mine.click()
    assert workspace.cases.get_case(reference).summary.status == "resolved"
    assert not error.isVisible()
    assert note.toPlainText() == "Half-typed note"


def test_a_duplicate_needs_the_original_and_says_so_next_to_the_field(qtbot, view, workspace,
                                                                       agent):
    original = log_case(workspace)
    reference = log_case(workspace, caller_phone="07700 900123")
    view.show_case(reference)
    choose(qtbot, child(view, QComboBox, "caseStatus"), "Duplicate")
    duplicate_of = child(view, QLineEdit, "duplicateOf")
    assert duplicate_of.isVisible()
    qtbot.keyClick(duplicate_of, Qt.Key.Key_Return)
    status_error = child(view, QLabel, "statusError")
    assert status_error.isVisible()
    assert status_error.text() == "Duplicate of: give the reference of the original case"
    assert workspace.cases.get_case(reference).summary.status == "new"
    qtbot.keyClicks(duplicate_of, original.lower())
    qtbot.keyClick(duplicate_of, Qt.Key.Key_Return)
    assert not status_error.isVisible()
    assert child(view, QLabel, "duplicateValue").text() == original
    assert child(view, QLabel, "caseStatusBadge").text() == "Duplicate"


def test_reassigning_needs_a_reason_and_shows_in_the_history(qtbot, view, workspace):
    reference = log_case(workspace)
    view.show_case(reference)
    services = child(view, QComboBox, "reassignService")
    assert services.currentText() == "Streetpride"
    assert not view.reassign_panel.button.isEnabled()
    choose(qtbot, services, "Housing")
    reason = child(view, QLineEdit, "reassignReason")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    error = child(view, QLabel, "reassignError")
    assert error.isVisible() and "say why this goes to Housing" in error.text()
    qtbot.keyClicks(reason, "Council house garden")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    assert not error.isVisible() and reason.text() == ""
    assert child(view, QLabel, "serviceValue").text() == "Housing"
    assert "Service: Streetpride → Housing" in history_text(view)


def test_an_empty_note_is_refused_beside_the_note(qtbot, view, workspace):
    reference = log_case(workspace)
    view.show_case(reference)
    note = child(view, QPlainTextEdit, "noteText")
    qtbot.keyClick(note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    error = child(view, QLabel, "noteError")
    assert error.isVisible() and error.text() == "Note is required"
    assert workspace.cases.get_case(reference).notes == ()


def test_an_open_case_past_its_due_time_is_marked_overdue(view, workspace, ui_db_url):
    late = log_case(workspace)
    make_overdue(ui_db_url, late)
    view.show_case(late)
    due = child(view, QLabel, "dueValue")
    assert due.text().endswith(": overdue") and due.property("role") == "error"
    assert due.font().bold()
    # Finished cases are not overdue, however old their due time.
    done = log_case(workspace)
    workspace.cases.change_status(done, "resolved")
    set_due(ui_db_url, done, datetime.now(UTC) - timedelta(days=9))
    view.show_case(done)
    assert "overdue" not in due.text() and due.property("role") is None
    assert not due.font().bold()


def test_a_slow_answer_for_an_earlier_case_is_ignored(qtbot, workspace):
    runner = DeferredRunner()
    view = CaseDetailView(workspace, runner)
    qtbot.addWidget(view)
    runner.release_all()  # services and categories
    first, second = log_case(workspace), log_case(workspace)
    view.show_case(first)
    view.show_case(second)
    runner.release(1)  # the second arrives first...
    runner.release(0)  # ...then the first, which nobody wants any more
    assert view.findChild(QLabel, "caseReference").text() == second


def test_the_history_model_passes_the_model_tester(qtmodeltester, view, workspace):
    qtmodeltester.check(view.history_model)
    reference = log_case(workspace)
    workspace.cases.change_status(reference, "routed")
    view.show_case(reference)
    assert view.history_model.rowCount() == 2
    qtmodeltester.check(view.history_model)


def test_pausing_the_clock_while_the_case_waits_for_the_caller(qtbot, view, workspace,
                                                                ui_db_url):
    reference = log_case(workspace)
    make_overdue(ui_db_url, reference)
    view.show_case(reference)
    due = child(view, QLabel, "dueValue")
    assert due.text().endswith(": overdue")
    button = child(view, type(view.hold_panel.button), "holdButton")
    assert button.text() == "Pause the cloc&k"
    button.click()  # no reason given: refused beside the field, nothing saved
    assert "reason" in child(view, QLabel, "holdError").text().lower()
    reason = child(view, QLineEdit, "holdReason")
    reason.setFocus()
    qtbot.keyClicks(reason, "Waiting for photos of the damage")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    assert due.text().startswith("on hold since ") and "overdue" not in due.text()
    assert "Waiting for photos of the damage" in child(view, QLabel, "holdState").text()
    assert not reason.isVisibleTo(view) and button.text() == "Resume the cloc&k"
    assert workspace.cases.get_case(reference).hold is not None

    button.click()
    assert workspace.cases.get_case(reference).hold is None
    assert button.text() == "Pause the cloc&k" and not due.text().startswith("on hold")
