"""The staffing view plans a day from the same weekday's history (the sample log, Monday 13 May 2024)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QDateEdit, QLabel

from contactdesk.domain.erlang import required_agents
from tests.ui.test_dashboard import SAMPLE, DeferredRunner
from ui.staffing_view import StaffingView

PLAN_DAY = date(2024, 5, 20)  # the Monday after the sample's
# The sample: 11 calls offered between 09:00 and 09:30; talk of the 5 answered averages 168.6 s.
AHT = 168.6 + 30


@pytest.fixture
def view(qtbot, supervisor, runner):
    supervisor.telephony.import_call_log(SAMPLE)
    view = StaffingView(supervisor, runner, today=lambda: date(2024, 5, 19))
    qtbot.addWidget(view)
    view.resize(1280, 700)
    view.show()
    return view


def row(view, r: int) -> list[str]:
    return [view.model.index(r, c).data() for c in range(view.model.columnCount())]


def test_plans_tomorrow_from_the_same_weekday_by_erlang_c(view, qtmodeltester):
    assert view.day.date().toPython() == PLAN_DAY  # tomorrow by default
    qtmodeltester.check(view.model)
    expected = required_agents(11, 1800, AHT, 21, 0.80, 0.85, 0.30)
    assert view.model.rowCount() == 1
    assert row(view, 0) == ["09:00", "11.0", "199 s", str(expected.agents),
                            str(expected.scheduled_agents), f"{expected.service_level:.2%}",
                            f"{expected.occupancy:.2%}"]
    assert (expected.agents, expected.scheduled_agents) == (3, 5)
    assert view.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "09:00 to 09:30"
    assert view.totals.text() == ("Monday 20 May 2024: 11 calls expected; peak 3 agents (5 scheduled); "
                                  "1.5 agent-hours (2.5 scheduled)")
    assert view.method.text().startswith("Method: Erlang C per half hour")
    assert "talk + 30 s wrap-up" in view.method.text()
    assert "Mondays averaged: 13 May; skipped, no calls: 8 Apr, 15 Apr, 22 Apr, 29 Apr, 6 May." \
        in view.history.text()
    assert view.message.isHidden()
    assert view.chart.accessibleDescription() == \
        "09:00: On the phones 3, Scheduled 5, Expected calls 11"


def test_the_inputs_change_the_plan(view):
    view.target.setValue(95)
    view.answer_within.setValue(10)
    view.shrinkage.setValue(0)
    view.wrap_up.setValue(0)
    view.calculate()  # what the short pause after typing does
    expected = required_agents(11, 1800, 168.6, 10, 0.95, 0.85, 0.0)
    assert row(view, 0)[2:5] == ["169 s", str(expected.agents), str(expected.agents)]
    assert expected.agents > 3
    assert "talk time as recorded" in view.method.text()


def test_inputs_recalculate_by_themselves_after_a_pause(qtbot, view):
    view.weeks.setValue(1)  # 13 May only: the same plan, and it says so
    qtbot.waitUntil(lambda: "skipped" not in view.history.text(), timeout=3000)
    assert "Mondays averaged: 13 May." in view.history.text()
    assert "with calls in the last week;" in view.method.text()


def test_no_history_is_said_plainly(view):
    view.day.setDate(date(2024, 5, 21))  # a Tuesday: the sample has no Tuesdays
    view.calculate()
    assert view.model.rowCount() == 0
    assert view.message.isVisible()
    assert view.message.text().startswith("No calls to plan from: neither the telephony logs nor the "
                                          "app's call timer has any on the 6 Tuesdays before 21 May 2024")
    assert view.totals.text() == "Tuesday 21 May 2024: no plan"
    assert view.chart.accessibleDescription() == "Agents needed by half hour: no figures"


def test_only_the_latest_plan_is_shown(qtbot, supervisor):
    supervisor.telephony.import_call_log(SAMPLE)
    runner = DeferredRunner()
    view = StaffingView(supervisor, runner, today=lambda: date(2024, 5, 19))
    qtbot.addWidget(view)
    view.show()
    view.day.setDate(date(2024, 5, 21))
    view.calculate()
    runner.finish(1)  # the Tuesday (no history) arrives first...
    runner.finish(0)  # ...the Monday asked for before it is dropped
    assert view.plan.query.day == date(2024, 5, 21) and view.model.rowCount() == 0


def test_every_input_has_a_label_with_a_mnemonic_and_a_name(view):
    inputs = view.findChildren(QAbstractSpinBox)
    assert len(inputs) == 7 and sum(isinstance(w, QDateEdit) for w in inputs) == 1
    buddies = {label.buddy(): label.text() for label in view.findChildren(QLabel) if label.buddy()}
    for widget in inputs:
        assert "&" in buddies[widget] and widget.accessibleName(), widget.objectName()
    letters = [re.search(r"&(\w)", t).group(1).lower()
               for t in list(buddies.values()) + [b.text() for b in view.findChildren(QAbstractButton)]
               if "&" in t] + ["c", "e", "q", "f", "r"]  # and the main window's tabs
    assert len(letters) == len(set(letters)), letters



def test_opens_on_the_next_open_day_with_its_plan_when_tomorrow_is_closed(qtbot, supervisor, runner):
    supervisor.telephony.import_call_log(SAMPLE)
    for friday_or_saturday in (date(2024, 5, 17), date(2024, 5, 18)):
        view = StaffingView(supervisor, runner, today=lambda d=friday_or_saturday: d)
        qtbot.addWidget(view)
        view.show()
        assert view.day.date().toPython() == PLAN_DAY  # Monday, not the closed weekend
        assert view.model.rowCount() == 1 and view.totals.text().startswith("Monday 20 May 2024: 11")


def test_up_and_down_step_across_closed_days(qtbot, view):
    view.day.setDate(date(2024, 5, 24))  # a Friday; Monday 27 May 2024 is a bank holiday
    view.day.setFocus()
    view.day.setCurrentSectionIndex(0)  # the weekday
    qtbot.keyClick(view.day, Qt.Key.Key_Up)
    assert view.day.date().toPython() == date(2024, 5, 28)
    qtbot.keyClick(view.day, Qt.Key.Key_Up)
    assert view.day.date().toPython() == date(2024, 5, 29)
    for expected in (date(2024, 5, 28), date(2024, 5, 24), date(2024, 5, 23)):
        qtbot.keyClick(view.day, Qt.Key.Key_Down)
        assert view.day.date().toPython() == expected
    view.day.setCurrentSectionIndex(1)  # the day of the month steps alike
    qtbot.keyClick(view.day, Qt.Key.Key_Up)
    assert view.day.date().toPython() == date(2024, 5, 24)
    view.day.setCurrentSectionIndex(2)  # the month steps as a month
    qtbot.keyClick(view.day, Qt.Key.Key_Up)
    assert view.day.date().toPython() == date(2024, 6, 24)
    view.calculate()
    assert view.totals.text().startswith("Monday 24 June 2024")
