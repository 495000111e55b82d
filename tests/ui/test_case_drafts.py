"""What is typed on a case survives a crash; put back on a changed case, it meets the conflict."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.ui.case_helpers import log_case
from tests.ui.test_call_drafts import open_window  # noqa: F401 (the fixture)
from tests.ui.test_case_detail import choose
from ui.main_window import MainWindow


@pytest.fixture
def restore_wanted(monkeypatch):
    monkeypatch.setattr(MainWindow, "restore_case_edit_wanted", lambda self, draft: True)


def open_case(qtbot, window, reference: str):
    window.open_case(reference)
    view = window.case_detail
    qtbot.waitUntil(lambda: view.detail is not None
                    and view.detail.summary.reference == reference, timeout=3000)
    return view


def test_a_half_typed_case_note_survives_a_crash(qtbot, open_window, restore_wanted):  # noqa: F811
    first, _ = open_window()
    reference = log_case(first.workspace)
    view = open_case(qtbot, first, reference)
    qtbot.keyClicks(view.notes_panel.text, "Rang the crew, they will go on Tuesday")
    drafts = view.edit_draft.drafts
    qtbot.waitUntil(lambda: drafts.path.exists(), timeout=2500)
    # The app dies; the next start is asked and puts the note back on the same case.
    second, _ = open_window()
    restored = second.case_detail
    qtbot.waitUntil(lambda: restored.notes_panel.text.toPlainText()
                    == "Rang the crew, they will go on Tuesday", timeout=3000)
    assert restored.current_reference == reference
    restored.add_note()
    qtbot.waitUntil(lambda: not drafts.path.exists(), timeout=3000)
    assert [n.body for n in second.workspace.cases.get_case(reference).notes] == [
        "Rang the crew, they will go on Tuesday"]


def type_a_status_change(qtbot, view) -> None:
    choose(qtbot, view.status_panel.combo, "Resolved")
    qtbot.keyClicks(view.status_panel.reason, "Crew cleared it this morning")
    qtbot.keyClicks(view.hold_panel.reason, "Waiting for photos")
    choose(qtbot, view.reassign_panel.service, "Housing")
    qtbot.keyClicks(view.reassign_panel.reason, "Blocking the road")


def test_a_status_change_move_and_hold_reason_survive_a_crash(qtbot, open_window,  # noqa: F811
                                                              restore_wanted):
    first, _ = open_window()
    reference = log_case(first.workspace)
    view = open_case(qtbot, first, reference)
    type_a_status_change(qtbot, view)
    drafts = view.edit_draft.drafts
    qtbot.waitUntil(lambda: (drafts.read() or {}).get("reassign_reason") == "Blocking the road",
                    timeout=2500)

    second, _ = open_window()
    restored = second.case_detail
    qtbot.waitUntil(lambda: restored.status_panel.reason.text()
                    == "Crew cleared it this morning", timeout=3000)
    assert restored.status_panel.combo.currentText() == "Resolved"
    assert restored.hold_panel.reason.text() == "Waiting for photos"
    assert restored.reassign_panel.service.currentText() == "Housing"
    assert restored.reassign_panel.reason.text() == "Blocking the road"
    # Saved as typed (the case did not change meanwhile): no dialog, and the draft keeps only
    # what is still unsaved.
    qtbot.keyClick(restored.status_panel.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: second.workspace.cases.get_case(reference).summary.status
                    == "resolved", timeout=3000)
    assert restored.conflict_dialog is None
    qtbot.waitUntil(lambda: "status_reason" in (drafts.read() or {})
                    and drafts.read()["status_reason"] == "", timeout=3000)
    assert drafts.read()["reassign_reason"] == "Blocking the road"


def test_a_restored_change_to_a_case_changed_meanwhile_meets_the_conflict_dialog(
        qtbot, open_window, restore_wanted):  # noqa: F811
    first, _ = open_window()
    reference = log_case(first.workspace)
    view = open_case(qtbot, first, reference)
    choose(qtbot, view.status_panel.combo, "Resolved")
    qtbot.keyClicks(view.status_panel.reason, "Crew cleared it this morning")
    drafts = view.edit_draft.drafts
    qtbot.waitUntil(lambda: (drafts.read() or {}).get("status_reason")
                    == "Crew cleared it this morning", timeout=2500)
    first.close()  # the app is gone; the draft stays on disk
    version = drafts.read()["version"]
    # While it was down, a colleague routed the case.
    first.workspace.cases.change_status(reference, "routed", reason="Sent to the crew",
                                        expected_version=version)

    second, _ = open_window()
    restored = second.case_detail
    qtbot.waitUntil(lambda: restored.status_panel.reason.text()
                    == "Crew cleared it this morning", timeout=3000)
    assert "changed by someone else" in restored.error.text()
    qtbot.keyClick(restored.status_panel.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: restored.conflict_dialog is not None
                    and restored.conflict_dialog.isVisible(), timeout=3000)
    dialog = restored.conflict_dialog
    assert "Routed" in dialog.findChild(QLabel, "conflictChanges").text()
    assert second.workspace.cases.get_case(reference).summary.status == "routed"
    dialog.apply_mine.click()  # the agent has seen the change and still resolves it
    qtbot.waitUntil(lambda: second.workspace.cases.get_case(reference).summary.status
                    == "resolved", timeout=3000)
