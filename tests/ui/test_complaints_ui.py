"""The Complaints tab: log a complaint, take it through Stage 1 with an extension, escalate it
to Stage 2 (refused for the same officer), close it with an outcome and lessons learnt."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit

from contactdesk.domain.complaints import Urgency
from contactdesk.dtos.complaints import ComplaintInput
from tests.ui.case_helpers import log_case
from tests.ui.conftest import PASSWORD
from ui.app import create_main_window
from ui.complaints_model import LATE_BACKGROUND, SOON_BACKGROUND, ComplaintRegisterModel
from ui.complaints_page import ComplaintsPage


@pytest.fixture
def janet(signed_in):
    """The supervisor Janet Crookes, signed in: she handles complaints."""
    return signed_in("janet", "supervisor", "Janet Crookes")


@pytest.fixture
def andrew(signed_in):
    """Another supervisor, signed in at another desk."""
    return signed_in("andrew", "supervisor", "Andrew Bramall")


def make_page(qtbot, workspace, runner) -> ComplaintsPage:
    page = ComplaintsPage(workspace, runner)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    return page


def choose(qtbot, combo, text: str) -> None:
    """Pick ``text`` with the arrow keys, as someone without a mouse would."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text, [combo.itemText(i) for i in range(combo.count())]


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def ctrl_enter(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def register_refs(page) -> list[str]:
    model = page.register.model
    return [model.reference_at(row) for row in range(model.rowCount())]


def test_a_complaint_through_stage_one_with_an_extension_to_stage_two_and_closed(
        qtbot, runner, janet, andrew, qtmodeltester):
    page = make_page(qtbot, janet, runner)
    form, detail = page.form, page.detail

    # Log it from the keyboard: Ctrl+Shift+N lands here in the app; the form comes first.
    page.log_complaint(name="Maureen Stones", phone="01709 336003")
    assert QApplication.focusWidget() is form.name and form.phone.text() == "01709 336003"
    choose(qtbot, form.service, "Housing")
    type_into(qtbot, form.description, "Damp in the back bedroom reported in the autumn; "
                                       "nobody has been to look.")
    type_into(qtbot, form.wants, "An inspection and the mould treated")
    ctrl_enter(qtbot, form.wants)
    qtbot.waitUntil(lambda: detail.detail is not None)
    reference = detail.detail.reference
    assert re.fullmatch(r"CMP-\d{4}-\d{6}", reference)
    assert page.right.currentWidget() is detail
    assert detail.status.text() == "Stage 1: open"
    assert detail.countdown.text().startswith("Acknowledge: ")
    qtbot.waitUntil(lambda: reference in register_refs(page))
    qtmodeltester.check(page.register.model)
    qtmodeltester.check(detail.stages_model)

    # Stage 1: the officer, the acknowledgement.
    detail.choose_action("assign")
    choose(qtbot, detail.assign.officer, "Janet Crookes")
    qtbot.mouseClick(detail.assign.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.detail.current.officer == "Janet Crookes")
    detail.choose_action("acknowledge")
    ctrl_enter(qtbot, detail.acknowledge.day)
    qtbot.waitUntil(lambda: detail.detail.current.acknowledged_on is not None)
    assert detail.countdown.text().startswith("Answer: ")

    # The extension needs a reason: refused without one, and the chosen days are kept.
    first_deadline = detail.detail.current.respond_by
    detail.choose_action("extend")
    detail.extend.days.setValue(7)
    ctrl_enter(qtbot, detail.extend.reason)
    qtbot.waitUntil(lambda: detail.extend.error.isVisible())
    assert "Why: is required" in detail.extend.error.text()
    assert detail.extend.days.value() == 7 and detail.detail.current.extension_days == 0
    type_into(qtbot, detail.extend.reason, "Waiting for the surveyor's report")
    qtbot.keyClick(detail.extend.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.detail.current.extension_days == 7)
    assert detail.detail.current.respond_by > first_deadline
    assert detail.extend.reason.text() == "" and "extend" not in detail.detail.actions
    assert "+7 days" in [detail.stages_model.index(0, c).data() for c in range(9)]

    # The outcome: Upheld needs lessons learnt; the remedy typed meanwhile is kept.
    detail.choose_action("respond")
    choose(qtbot, detail.outcome.outcome, "Upheld")
    type_into(qtbot, detail.outcome.remedy, "Mould wash and an extractor fan")
    ctrl_enter(qtbot, detail.outcome.remedy)
    qtbot.waitUntil(lambda: detail.outcome.error.isVisible())
    assert "Lessons learnt: are required when a complaint is upheld" in detail.outcome.error.text()
    assert QApplication.focusWidget() is detail.outcome.lessons
    assert detail.outcome.remedy.toPlainText() == "Mould wash and an extractor fan"
    type_into(qtbot, detail.outcome.lessons, "Damp reports are inspected within 10 working days")
    qtbot.mouseClick(detail.outcome.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.detail.status == "closed")
    assert detail.status.text() == "Stage 1: Upheld"
    assert detail.values["lessons"].text() == "Damp reports are inspected within 10 working days"
    qtbot.waitUntil(lambda: page.register.model.index(0, ComplaintRegisterModel.OUTCOME).data()
                    == "Upheld")

    # Escalation: the Stage 1 officer may not handle Stage 2.
    assert [detail.action.itemText(i) for i in range(detail.action.count())] == [
        "Escalate to the next stage"]
    escalate = detail.escalate
    assert escalate.stage.currentText() == "Stage 2"
    choose(qtbot, escalate.officer, "Janet Crookes")
    type_into(qtbot, escalate.reason, "Wants compensation for the damaged carpet")
    qtbot.keyClick(escalate.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: escalate.error.isVisible())
    assert "Janet Crookes handled Stage 1; Stage 2 must be handled by a different officer" \
        in escalate.error.text()
    assert QApplication.focusWidget() is escalate.officer
    assert escalate.reason.text() == "Wants compensation for the damaged carpet"
    assert detail.detail.current_stage == "stage_1"
    choose(qtbot, escalate.officer, "Andrew Bramall")
    ctrl_enter(qtbot, escalate.reason)
    qtbot.waitUntil(lambda: detail.detail.current_stage == "stage_2")
    assert detail.status.text() == "Stage 2: open"
    assert detail.stages_model.rowCount() == 2
    assert detail.detail.current.officer == "Andrew Bramall"
    assert detail.detail.current.respond_by == \
        janet.complaints.get_complaint(reference).current.respond_by

    # Stage 2 closed: partly upheld, with its lessons learnt.
    detail.choose_action("respond")
    choose(qtbot, detail.outcome.outcome, "Partly upheld")
    type_into(qtbot, detail.outcome.lessons, "Compensation rules explained in the first reply")
    ctrl_enter(qtbot, detail.outcome.lessons)
    qtbot.waitUntil(lambda: detail.detail.status == "closed")
    assert detail.status.text() == "Stage 2: Partly upheld"
    assert detail.detail.actions == ("escalate",) and detail.escalate.stage.count() == 2


def test_an_agent_logs_a_complaint_but_cannot_handle_it(qtbot, workspace, runner):
    page = make_page(qtbot, workspace, runner)
    form = page.form
    assert form.officer.isHidden()  # agents do not name officers
    page.log_complaint()
    type_into(qtbot, form.phone, "12345")
    type_into(qtbot, form.description, "Bins missed again")
    ctrl_enter(qtbot, form.description)
    qtbot.waitUntil(lambda: form.error.isVisible())
    for field in (form.name, form.phone, form.service):
        assert field.property("invalid") is True, field.objectName()
    assert "Name: is required" in form.messages["name"].error.text()
    assert "Phone: '12345' is missing its area code" in form.messages["phone"].error.text()
    assert form.description.toPlainText() == "Bins missed again"  # nothing typed is lost
    assert QApplication.focusWidget() is form.phone or QApplication.focusWidget() is form.name

    form.phone.clear()
    type_into(qtbot, form.name, "Ann Jones")
    choose(qtbot, form.service, "Streetpride")
    ctrl_enter(qtbot, form.name)
    qtbot.waitUntil(lambda: page.detail.detail is not None)
    assert not form.messages["phone"].invalid
    detail = page.detail
    assert detail.action.count() == 0 and not detail.panel_stack.isVisible()
    assert "Supervisors and administrators handle complaints" in detail.no_action.text()


def test_escape_leaves_the_form_and_a_case_on_screen_becomes_a_complaint(
        qtbot, ui_db_url, workspace, agent):
    reference = log_case(workspace)
    window = create_main_window(ui_db_url, agent.username, PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.open_case(reference)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    page = window.complaints
    assert window.tabs.currentWidget() is page and page.right.currentWidget() is page.form
    assert page.form.case_reference.text() == reference
    type_into(qtbot, page.form.description, "Reported twice; still there")
    ctrl_enter(qtbot, page.form.description)
    qtbot.waitUntil(lambda: page.detail.detail is not None)
    assert page.detail.detail.case_reference == reference
    assert page.detail.detail.complainant_name == "Ann Jones"  # the case's caller
    assert page.detail.detail.service == "Streetpride"
    window.log_complaint()
    type_into(qtbot, page.form.name, "Someone")
    qtbot.keyClick(page.form.name, Qt.Key.Key_Escape)
    assert page.right.currentWidget() is page.detail
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is window.findChild(QLineEdit, "complaintSearch")
    window.workspace.close()


def test_the_register_highlights_late_and_due_soon_and_filters(qtbot, runner, janet,
                                                               qtmodeltester):
    today = date.today()
    late = janet.complaints.log_complaint(ComplaintInput(
        complainant_name="Late Person", service="Housing", description="Old complaint",
        received_on=today - timedelta(days=40))).reference
    fresh = janet.complaints.log_complaint(ComplaintInput(
        complainant_name="New Person", service="Parking Services",
        description="New complaint")).reference
    page = make_page(qtbot, janet, runner)
    register = page.register
    qtbot.waitUntil(lambda: register.model.rowCount() == 2)
    model = register.model
    qtmodeltester.check(model)
    assert register_refs(page) == [late, fresh]  # the late one first
    assert model.index(0, model.COUNTDOWN).data().startswith("Acknowledge: ")
    assert model.index(0, model.COUNTDOWN).data().endswith("late")
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == LATE_BACKGROUND
    fresh_clock = register.register.rows[1].countdown
    expected = SOON_BACKGROUND if fresh_clock.urgency is Urgency.DUE_SOON else None
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) == expected
    assert "1 late" in register.count.text()

    register.overdue.setChecked(True)
    qtbot.waitUntil(lambda: register_refs(page) == [late])
    register.overdue.setChecked(False)
    choose(qtbot, register.service, "Parking Services")
    qtbot.waitUntil(lambda: register_refs(page) == [fresh])
    choose(qtbot, register.service, "Any service")
    type_into(qtbot, register.search, "old compl")
    register.apply_filters()
    qtbot.waitUntil(lambda: register_refs(page) == [late])
    # Enter on a row opens it.
    qtbot.keyClick(register.search, Qt.Key.Key_Down)
    qtbot.keyClick(register.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.detail.current_reference == late)
    qtbot.waitUntil(lambda: page.detail.countdown.text().endswith("late"))


def test_someone_elses_change_is_shown_and_what_was_typed_kept(qtbot, runner, janet, andrew):
    reference = janet.complaints.log_complaint(ComplaintInput(
        complainant_name="Ann Jones", service="Housing", description="Repair not done")).reference
    page = make_page(qtbot, janet, runner)
    page.open_complaint(reference)
    detail = page.detail
    qtbot.waitUntil(lambda: detail.detail is not None)
    andrew.complaints.assign_officer(reference, andrew.user.id)  # another desk
    detail.choose_action("extend")
    type_into(qtbot, detail.extend.reason, "Waiting for the contractor")
    ctrl_enter(qtbot, detail.extend.reason)
    qtbot.waitUntil(lambda: "Someone else changed" in detail.error.text())
    qtbot.waitUntil(lambda: detail.detail.current.officer == "Andrew Bramall")
    assert detail.extend.reason.text() == "Waiting for the contractor"
    assert detail.detail.current.extension_days == 0
    # Who changed what is listed; the person applies theirs anyway.
    dialog = detail.conflict_dialog
    assert dialog.isVisible() and not dialog.keep_note.isEnabled()  # complaints have no notes
    listed = dialog.findChild(QLabel, "conflictChanges").text()
    assert "Andrew Bramall" in listed and "Officer" in listed
    dialog.apply_mine.click()
    qtbot.waitUntil(lambda: detail.detail.current.extension_days == 10)
    assert janet.complaints.get_complaint(reference).current.officer == "Andrew Bramall"


def test_a_conflict_discarded_keeps_their_change_only(qtbot, runner, janet, andrew):
    reference = janet.complaints.log_complaint(ComplaintInput(
        complainant_name="Ann Jones", service="Housing", description="Repair not done")).reference
    page = make_page(qtbot, janet, runner)
    page.open_complaint(reference)
    detail = page.detail
    qtbot.waitUntil(lambda: detail.detail is not None)
    andrew.complaints.assign_officer(reference, andrew.user.id)
    detail.choose_action("extend")
    type_into(qtbot, detail.extend.reason, "Waiting for the contractor")
    ctrl_enter(qtbot, detail.extend.reason)
    qtbot.waitUntil(lambda: detail.conflict_dialog is not None
                    and detail.conflict_dialog.isVisible())
    detail.conflict_dialog.discard.click()
    assert detail.extend.reason.text() == ""
    assert janet.complaints.get_complaint(reference).current.extension_days == 0


def test_every_input_is_labelled_with_a_unique_alt_letter(qtbot, runner, janet):
    page = make_page(qtbot, janet, runner)
    tab_letters = ["c", "e", "q", "f", "r"]  # the main window's tabs

    def letters(root) -> list[str]:
        texts = [label.text() for label in root.findChildren(QLabel) if label.buddy()]
        texts += [button.text() for button in root.findChildren(QAbstractButton)]
        return [m.group(1).lower() for t in texts if (m := re.search(r"&(\w)", t))]

    register_keys = letters(page.register)
    assert sorted(register_keys) == ["d", "g", "l", "m", "o", "s", "t", "v"]
    for right in (page.form, *page.detail.panels):
        keys = register_keys + tab_letters + letters(right)
        if right is not page.form:
            keys.append("a")  # the Action list beside every panel
        assert len(keys) == len(set(keys)), (right.objectName(), sorted(keys))
    for root in (page.register, page.form, *page.detail.panels):
        for label in root.findChildren(QLabel):
            if label.buddy() is not None:
                assert label.buddy().accessibleName(), label.text()
