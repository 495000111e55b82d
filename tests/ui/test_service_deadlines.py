"""The service deadlines view: figures per service and category, overdue flagged, and a way
through to the cases behind them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from tests.ui.case_helpers import log_case, make_overdue, set_due
from tests.ui.conftest import PASSWORD
from ui.app import create_main_window
from ui.complaints_model import LATE_BACKGROUND, SOON_BACKGROUND
from ui.service_deadlines import DeadlinesModel, ServiceDeadlinesView


@pytest.fixture
def supervisor(signed_in):
    """The supervisor Janet Crookes, signed in: the deadlines are for supervisors."""
    return signed_in("janet", "supervisor", "Janet Crookes")


def rows(view) -> dict[str, list[str]]:
    model = view.model
    return {model.index(r, 0).data().strip(): [model.index(r, c).data()
                                               for c in range(model.columnCount())]
            for r in range(model.rowCount())}


def test_open_due_today_overdue_and_on_hold_per_service_and_category(
        qtbot, ui_db_url, workspace, runner, supervisor, qtmodeltester):
    overdue = log_case(workspace)
    today = log_case(workspace, category="Litter")
    held = log_case(workspace)
    make_overdue(ui_db_url, overdue)
    soon = datetime.now(UTC) + timedelta(minutes=30)
    if soon.date() == datetime.now(UTC).date():  # (a run just before midnight skips this check)
        set_due(ui_db_url, today, soon)
    workspace.cases.hold(held, "Waiting for photos from the caller")
    view = ServiceDeadlinesView(supervisor, runner)
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    qtbot.waitUntil(lambda: view.figures is not None)
    qtmodeltester.check(view.model)
    shown = rows(view)
    header = list(DeadlinesModel.COLUMNS)
    streetpride = dict(zip(header, shown["Streetpride"], strict=True))
    fly = dict(zip(header, shown["Fly tipping"], strict=True))
    assert (streetpride["Open"], streetpride["On hold"], streetpride["Overdue"]) == ("3", "1", "1")
    assert (fly["Open"], fly["On hold"], fly["Overdue"], fly["Target"]) == ("2", "1", "1",
                                                                            "3 working days")
    model = view.model
    service_row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Streetpride")
    assert model.index(service_row, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(service_row, model.OVERDUE).data(Qt.ItemDataRole.BackgroundRole) \
        == LATE_BACKGROUND
    if soon.date() == datetime.now(UTC).date():
        assert model.index(service_row, model.DUE_TODAY).data(Qt.ItemDataRole.BackgroundRole) \
            == SOON_BACKGROUND
    assert "3 open (1 on hold)" in view.summary.text() and "1 overdue" in view.summary.text()

    # Resuming gives the held case its due time back: on hold drops to 0.
    workspace.cases.resume(held)
    qtbot.keyClick(view.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: rows(view)["Fly tipping"][DeadlinesModel.ON_HOLD] == "0")


def test_the_tab_is_for_supervisors_and_leads_to_the_overdue_cases(qtbot, ui_db_url, workspace,
                                                                   agent, supervisor):
    overdue = log_case(workspace)
    log_case(workspace, category="Council tax payment", address="", postcode="")
    make_overdue(ui_db_url, overdue)
    agent_window = create_main_window(ui_db_url, agent.username, PASSWORD, synchronous=True)
    qtbot.addWidget(agent_window)
    assert agent_window.deadlines is None
    assert "Service deadlines" not in [agent_window.tabs.tabText(i)
                                       for i in range(agent_window.tabs.count())]
    assert "Complaints" in [agent_window.tabs.tabText(i) for i in range(agent_window.tabs.count())]
    agent_window.workspace.close()

    window = create_main_window(ui_db_url, supervisor.user.username, PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    view = window.deadlines
    assert window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.figures is not None and view.model.rowCount() > 0)
    row = next(r for r in range(view.model.rowCount())
               if view.model.index(r, 0).data() == "Streetpride")
    view.table.setCurrentIndex(view.model.index(row, 0))
    qtbot.mouseClick(view.overdue_button, Qt.MouseButton.LeftButton)
    cases = window.case_list
    assert window.tabs.currentIndex() == window.CASES_TAB
    assert cases.overdue_filter.isChecked() and cases.service_filter.currentText() == "Streetpride"
    qtbot.waitUntil(lambda: cases.model.rowCount() == 1)
    assert cases.model.reference_at(0) == overdue
    window.workspace.close()


def test_labels_alt_letters_and_a_1280_by_800_screen(qtbot, ui_db_url, supervisor):
    window = create_main_window(ui_db_url, supervisor.user.username, PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    tab_keys = [m.group(1).lower() for i in range(window.tabs.count())
                if (m := re.search(r"&(\w)", window.tabs.tabText(i)))]
    for page in (window.deadlines, window.complaints):
        window.tabs.setCurrentWidget(page)
        texts = [label.text() for label in page.findChildren(QLabel) if label.buddy()]
        texts += [b.text() for b in page.findChildren(QAbstractButton) if b.isVisibleTo(page)]
        keys = tab_keys + [m.group(1).lower() for t in texts if (m := re.search(r"&(\w)", t))]
        if page is window.deadlines:
            assert len(keys) == len(set(keys)), keys
        hint = window.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 760, (page.objectName(), hint)
    for label in window.deadlines.findChildren(QLabel):
        if label.buddy() is not None:
            assert label.buddy().accessibleName()
    window.workspace.close()
