"""Staffing: agents needed per half hour for a day, from its weekday's history, by Erlang C.

The supervisor sets the day, how many weeks of history to average, the service
level to meet and the allowances; the plan comes from the staffing plan service
through the workspace on the task runner and is shown as a table, a chart and
totals, with the method and the days it averaged spelt out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.errors import ContactDeskError
from contactdesk.domain.working_time import OpeningHours
from contactdesk.dtos.stats import DEFAULT_WRAP_UP_SECONDS, MAX_WEEKS, StaffingQuery

from .dashboard_charts import BarLineChart
from .dashboard_parts import DASH, NUMBER_ALIGN, london_today, long_date, percent
from .table_model import FlatTableModel, Index

RECALCULATE_DELAY_MS = 250


class StaffingTableModel(FlatTableModel):
    COLUMNS = ("Half hour", "Expected\ncalls", "AHT", "Agents", "Scheduled", "Service\nlevel",
               "Occupancy")


    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        slot = self.row_at(index)
        if slot is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(slot, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 4:
                return "Agents to roster so that enough are on the phones after shrinkage"
            if column == 0:
                return f"{slot.start:%H:%M} to {slot.end:%H:%M}"
            if column == 1:
                return f"{slot.expected_calls:.2f} calls on average; traffic {slot.traffic_erlangs:.2f} Erlangs"
            return self._text(slot, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return NUMBER_ALIGN
        return None

    @staticmethod
    def _text(slot, column: int) -> str:
        if column == 0:
            return f"{slot.start:%H:%M}"
        if column == 1:
            return f"{slot.expected_calls:.1f}"
        if column == 2:
            return DASH if slot.aht_seconds is None else f"{slot.aht_seconds:.0f} s"
        if column == 3:
            return str(slot.agents)
        if column == 4:
            return str(slot.scheduled_agents)
        if column == 5:
            return percent(slot.service_level)
        return percent(slot.occupancy)


class OpenDayEdit(QDateEdit):
    """A date whose Up and Down keys step to the next or previous open day, across weekends
    and bank holidays (Qt's own stepping of the weekday section stops at the week's end)."""

    def __init__(self, hours: OpeningHours, parent: QWidget | None = None):
        super().__init__(parent)
        self._hours = hours

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt's name)
        if self.currentSection() != QDateEdit.Section.DaySection:  # weekday or day of month
            super().stepBy(steps)
            return
        day = self.date().toPython()
        for _ in range(abs(steps)):
            day = next_open_day(self._hours, day, -1 if steps < 0 else 1)
        self.setDate(QDate(day))

    def stepEnabled(self):  # noqa: N802 (Qt's name)
        return (QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
                | QAbstractSpinBox.StepEnabledFlag.StepDownEnabled)


def next_open_day(hours: OpeningHours, day: date, direction: int = 1) -> date:
    """The first open day after ``day`` (before it, with a direction of -1)."""
    for _ in range(366):
        day += timedelta(days=direction)
        if hours.is_working_day(day):
            return day
    return day  # no open day in a year: opening hours always have one, this is a guard


def _spin(cls, name: str, accessible: str, low: float, high: float, value: float, suffix: str,
          parent: QWidget):
    spin = cls(parent)
    spin.setObjectName(name)
    spin.setAccessibleName(accessible)
    if isinstance(spin, QDoubleSpinBox):
        spin.setDecimals(0)
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


class StaffingView(QWidget):
    planShown = Signal(object)  # the StaffingPlan now on screen

    def __init__(self, workspace, runner, parent: QWidget | None = None, *,
                 today: Callable[[], date] = london_today):
        super().__init__(parent)
        self.setObjectName("staffingView")
        self._workspace, self._runner = workspace, runner
        self._generation = 0
        self._started = False
        self.plan = None

        # The next day the contact centre is open (Monday when today is Friday or Saturday).
        hours = OpeningHours()
        self.day = OpenDayEdit(hours, self)
        self.day.setObjectName("staffingDay")
        self.day.setAccessibleName("Day to plan")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.day.setToolTip("Up and Down step to the next and previous open day")
        self.day.setDate(QDate(next_open_day(hours, today())))
        self.weeks = _spin(QSpinBox, "staffingWeeks", "Weeks of history", 1, MAX_WEEKS, 6, "", self)
        self.weeks.setToolTip("Average the same weekday over this many weeks before the day")
        self.answer_within = _spin(QDoubleSpinBox, "staffingAnswerWithin", "Answer within, seconds",
                                   0, 600, 21, " s", self)
        self.target = _spin(QSpinBox, "staffingTarget", "Target, percent answered within",
                            1, 99, 80, " %", self)
        self.max_occupancy = _spin(QSpinBox, "staffingMaxOccupancy", "Maximum occupancy, percent",
                                   50, 100, 85, " %", self)
        self.max_occupancy.setToolTip("Share of their time agents may spend on calls (100%: no cap)")
        self.shrinkage = _spin(QSpinBox, "staffingShrinkage", "Shrinkage, percent", 0, 90, 30, " %", self)
        self.shrinkage.setToolTip("Paid time off the phones: breaks, training, meetings, absence")
        self.wrap_up = _spin(QSpinBox, "staffingWrapUp", "Wrap-up, seconds", -1, 600, -1, " s", self)
        self.wrap_up.setSpecialValueText("auto")
        self.wrap_up.setToolTip(f"After-call work added to talk time. auto: {DEFAULT_WRAP_UP_SECONDS} s "
                                "on telephony logs, none on the app's own timer (it includes wrap-up)")

        # Two rows: which history to plan from, then the service to plan for.
        rows = []
        for fields in ((("&Date:", self.day), ("&Weeks of history:", self.weeks), ("Wra&p-up:", self.wrap_up)),
                       (("&Answer within:", self.answer_within), ("&Target:", self.target),
                        ("Max &occupancy:", self.max_occupancy), ("S&hrinkage:", self.shrinkage))):
            row = QHBoxLayout()
            for text, widget in fields:
                label = QLabel(text, self)
                label.setBuddy(widget)
                row.addWidget(label)
                row.addWidget(widget)
                row.addSpacing(10)
            row.addStretch(1)
            rows.append(row)
        order = (self.day, self.weeks, self.wrap_up, self.answer_within, self.target,
                 self.max_occupancy, self.shrinkage)
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

        self.totals = QLabel(self)
        self.totals.setObjectName("staffingTotals")
        self.totals.setProperty("role", "heading")
        self.totals.setWordWrap(True)  # a long day's totals wrap rather than widen the window
        self.message = QLabel(self)
        self.message.setObjectName("staffingMessage")
        self.message.setWordWrap(True)
        self.method = QLabel(self)
        self.method.setObjectName("staffingMethod")
        self.method.setWordWrap(True)
        self.method.setProperty("role", "note")
        self.history = QLabel(self)
        self.history.setObjectName("staffingHistory")
        self.history.setWordWrap(True)
        self.history.setProperty("role", "note")

        self.model = StaffingTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("staffingTable")
        self.table.setAccessibleName("Agents needed per half hour")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.chart = BarLineChart("Agents needed by half hour", ["On the phones", "Scheduled"], "Agents",
                                  line_name="Expected calls", right_title="Calls",
                                  right_percent=False, parent=self)
        self.chart.setObjectName("staffingChart")
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self._split = split

        layout = QVBoxLayout(self)
        for row in rows:
            layout.addLayout(row)
        layout.addWidget(self.totals)
        layout.addWidget(self.message)
        layout.addWidget(self.method)
        layout.addWidget(self.history)
        layout.addWidget(split, 1)

        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(RECALCULATE_DELAY_MS)
        self._delay.timeout.connect(self.calculate)
        self.day.dateChanged.connect(self._delay.start)
        for spin in (self.weeks, self.answer_within, self.target, self.max_occupancy,
                     self.shrinkage, self.wrap_up):
            spin.valueChanged.connect(self._delay.start)

    # -- public ------------------------------------------------------------------------
    def query(self) -> StaffingQuery:
        """The plan the inputs ask for (raises ValidationError on a value the rules refuse)."""
        wrap_up = self.wrap_up.value()
        return StaffingQuery(
            day=self.day.date().toPython(), weeks=self.weeks.value(),
            answer_within_seconds=self.answer_within.value(), target=self.target.value() / 100,
            max_occupancy=self.max_occupancy.value() / 100, shrinkage=self.shrinkage.value() / 100,
            wrap_up_seconds=None if wrap_up < 0 else wrap_up)

    def calculate(self) -> None:
        """Plan the day again from the inputs (they also do this shortly after each change)."""
        self._delay.stop()
        self._generation += 1
        generation = self._generation
        try:
            query = self.query()
        except ContactDeskError as exc:
            self._show_message(str(exc), error=True)
            return
        stats = self._workspace.stats

        def done(plan) -> None:
            if generation == self._generation:
                self._show_plan(plan)

        def failed(exc: Exception) -> None:
            if generation == self._generation:
                self._show_message(f"Could not plan the day: {exc}", error=True)

        self.message.setText("Planning…")
        self._runner.run(lambda: stats.staffing_plan(query), done, failed)

    # -- showing -------------------------------------------------------------------------
    def _show_plan(self, plan) -> None:
        self.plan = plan
        self.model.set_rows(plan.slots)
        q = plan.query
        if plan.has_plan:
            self._show_message("")
            self.totals.setText(
                f"{long_date(q.day)}: {plan.expected_calls:,.0f} calls expected; "
                f"peak {plan.peak_agents} agents ({plan.peak_scheduled_agents} scheduled); "
                f"{plan.agent_hours:,.1f} agent-hours ({plan.scheduled_hours:,.1f} scheduled)")
            self.method.setText(f"Method: {plan.method()}")
        else:
            self._show_message(plan.message, error=False)
            self.totals.setText(f"{long_date(q.day)}: no plan")
            self.method.setText("Method: Erlang C per half hour, from the same weekday's history.")
        averaged = ", ".join(f"{d.day} {d:%b}" for d in plan.days_averaged) or "none"
        skipped = (f"; skipped, no calls: {', '.join(f'{d.day} {d:%b}' for d in plan.days_skipped)}"
                   if plan.days_skipped else "")
        self.history.setText(f"Source: {plan.source_label}. {q.day:%A}s averaged: {averaged}{skipped}.")
        self.chart.set_data([f"{s.start:%H:%M}" for s in plan.slots],
                            [[s.agents for s in plan.slots], [s.scheduled_agents for s in plan.slots]],
                            [s.expected_calls for s in plan.slots],
                            note=f"{q.day:%a %d %b %Y}" if plan.has_plan else "no history")
        self.planShown.emit(plan)

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.message.setProperty("role", "error" if error else "warning")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            width = self._split.width() or self.width()
            self._split.setSizes([width // 2, width - width // 2])
            self.calculate()
