"""A save that meets a colleague's change: keep only my note, or discard mine and see theirs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from tests.ui.case_helpers import log_case
from tests.ui.test_case_detail import choose
from ui.case_conflict import HistoryEntry, changes_since
from ui.case_detail import CaseDetailView


@pytest.fixture
def view(qtbot, workspace, runner):
    view = CaseDetailView(workspace, runner)
    qtbot.addWidget(view)
    view.show()
    return view


def meet_a_conflict(qtbot, view, workspace) -> tuple[str, QLineEdit]:
    reference = log_case(workspace)
    view.show_case(reference)
    workspace.cases.change_status(reference, "routed", reason="Other desk",
                                  expected_version=view.detail.summary.version)
    choose(qtbot, view.findChild(QComboBox, "caseStatus"), "Resolved")
    reason = view.findChild(QLineEdit, "statusReason")
    qtbot.keyClicks(reason, "Crew cleared it this morning")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    assert view.conflict_dialog is not None and view.conflict_dialog.isVisible()
    return reference, reason


def test_keep_only_my_note_saves_what_was_typed_and_leaves_their_change(qtbot, view, workspace):
    reference, reason = meet_a_conflict(qtbot, view, workspace)
    view.conflict_dialog.keep_note.click()
    case = workspace.cases.get_case(reference)
    assert case.summary.status == "routed"
    assert [n.body for n in case.notes] == ["Crew cleared it this morning"]
    assert reason.text() == ""


def test_discard_mine_keeps_their_change_and_clears_what_was_typed(qtbot, view, workspace):
    reference, reason = meet_a_conflict(qtbot, view, workspace)
    dialog = view.conflict_dialog
    assert dialog.discard.isDefault()  # Enter never overwrites a colleague
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    case = workspace.cases.get_case(reference)
    assert case.summary.status == "routed" and case.notes == ()
    assert reason.text() == ""
    assert view.findChild(QLabel, "caseStatusBadge").text() == "Routed"


def test_only_what_others_did_since_is_listed():
    first = HistoryEntry(None, "Priya", "create", None, None, None)
    second = HistoryEntry(None, "Sam", "update", "status", "new", "routed")
    assert changes_since((first,), (first, second)) == (second,)
    assert changes_since((), (first,)) == (first,)
