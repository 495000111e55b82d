"""The retention panel: periods per group, a preview, and anonymising with confirmation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from PySide6.QtCore import QObject, QThread, Slot

from contactdesk.auth.credentials import Password
from contactdesk.dtos.calls import CallInput
from contactdesk.workspace import Workspace
from ui.retention_panel import RetentionPanel
from ui.tasks import TaskRunner

from .conftest import PASSWORD


@pytest.fixture
def old_cases(ui_db_url, agent):
    """Three Streetpride cases closed in 2023 by Priya, each for its own caller."""
    moments = (datetime(2023, 3, 1, 10, tzinfo=UTC) + timedelta(minutes=n) for n in count())
    desk = Workspace.open(ui_db_url, Password(agent.username, PASSWORD),
                          clock=lambda: next(moments))
    references = []
    try:
        for n in range(3):
            saved = desk.calls.log_call(CallInput(
                caller_name=f"Resident Number{n}", caller_phone=f"01709 82345{n}",
                category="Litter", address=f"{n} Wellgate", description=f"Bottles at {n}"))
            desk.cases.change_status(saved.reference, "resolved")
            desk.cases.change_status(saved.reference, "closed")
            references.append(saved.reference)
    finally:
        desk.close()
    return references


@pytest.fixture
def admin(signed_in):
    return signed_in("helen", "admin", "Helen Firth")


class ProgressSeen(QObject):
    """Receives the panel's progress as a GUI-thread object would (queued across threads)."""

    def __init__(self):
        super().__init__()
        self.seen = []

    @Slot(int, int)
    def record(self, done: int, total: int) -> None:
        self.seen.append((done, total, QThread.currentThread() == self.thread()))


def make_panel(qtbot, workspace, runner, answers=None):
    asked = []

    def confirm(question: str) -> bool:
        asked.append(question)
        return answers.pop(0) if answers else False

    panel = RetentionPanel(workspace, runner, confirm=confirm)
    qtbot.addWidget(panel)
    panel.show()
    panel.asked = asked
    return panel


def choose(panel, code: str) -> None:
    codes = [panel.model.period_at(row).code for row in range(panel.model.rowCount())]
    panel.table.selectRow(codes.index(code))


def test_periods_are_listed_and_saved(qtbot, admin, runner, old_cases, qtmodeltester):
    panel = make_panel(qtbot, admin, runner)
    qtmodeltester.check(panel.model)
    assert panel.model.rowCount() == 8
    assert panel.model.index(0, 2).data() == "kept indefinitely" and panel.keep.isChecked()
    assert not panel.months.isEnabled()

    choose(panel, "streetpride")
    panel.keep.setChecked(False)
    panel.months.setValue(12)
    panel.save_button.click()
    assert panel.message.text() == ("Streetpride: closed cases are kept 12 months after "
                                    "closure; 3 are past it today.")
    row = panel.table.currentIndex().row()
    assert panel.model.index(row, 2).data() == "12 months"
    assert panel.model.index(row, 3).data() == "3"
    assert panel.selected_period().code == "streetpride"  # the choice survives the reload

    panel.keep.setChecked(True)
    panel.save_button.click()
    assert panel.message.text() == "Streetpride: closed cases are kept indefinitely."
    assert admin.retention.retention_periods()[0].months is None


def test_preview_then_anonymise_after_confirmation(qtbot, admin, runner, old_cases):
    admin.retention.set_retention("streetpride", 12)
    panel = make_panel(qtbot, admin, runner, answers=[False, True])
    panel.preview_button.click()
    assert panel.message.text().startswith("Would anonymise 3 closed cases past retention")
    assert ", ".join(old_cases) in panel.message.text()

    panel.run_button.click()  # declined: nothing happens
    assert panel.asked[0].startswith("Anonymise 3 closed cases past retention?")
    assert panel.message.text() == "Nothing was anonymised."
    assert admin.cases.get_case(old_cases[0]).description == "Bottles at 0"

    panel.run_button.click()
    assert panel.message.text().startswith("Anonymised 3 closed cases past retention")
    assert "complaints are not touched" in panel.message.text()
    assert (panel.progress.value(), panel.progress.maximum()) == (3, 3)
    assert {admin.cases.get_case(ref).description for ref in old_cases} == {"[removed]"}
    assert panel.model.index(0, 3).data() == "0" and panel.run_button.isEnabled()

    panel.run_button.click()  # nothing left: no question asked
    assert len(panel.asked) == 2
    assert panel.message.text().startswith("Would anonymise 0 closed cases")


def test_the_run_works_off_the_gui_thread_with_progress(qtbot, admin, old_cases):
    admin.retention.set_retention("streetpride", 12)
    runner = TaskRunner()
    panel = make_panel(qtbot, admin, runner, answers=[True])
    qtbot.waitUntil(lambda: panel.model.rowCount() == 8)
    progress = ProgressSeen()
    panel.progressed.connect(progress.record)
    with qtbot.waitSignal(panel.runFinished, timeout=20_000) as finished:
        panel.run_button.click()
        assert not panel.preview_button.isEnabled()  # busy while the work runs
    assert finished.args[0].anonymised == 3
    assert progress.seen == [(1, 3, True), (2, 3, True), (3, 3, True)]
    assert panel.progress.value() == 3 and panel.preview_button.isEnabled()
    runner.wait_for_all()


def test_a_supervisor_sees_the_panel_but_cannot_use_it(qtbot, supervisor, runner):
    panel = make_panel(qtbot, supervisor, runner)
    assert panel.model.rowCount() == 0
    assert not panel.run_button.isEnabled() and not panel.preview_button.isEnabled()
    assert not panel.save_button.isEnabled()
    assert panel.message.text().startswith("Only an administrator")
