"""Service deadlines: open, on hold, due today and overdue cases per service and category,
and the share finished within target over a chosen period.

Each service's row comes first (bold), its categories below it. The figures come
from the service deadlines service on the task runner, fresh each time the tab is
shown or the dates change. Enter on a row (or the buttons) asks the main window
to show those cases in the case list (``showCases``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.changes import Changed, OpChanges
from contactdesk.dtos.deadlines import DeadlineFigures

from .complaints_model import LATE_BACKGROUND, LATE_FOREGROUND, SOON_BACKGROUND, SOON_FOREGROUND
from .dashboard_parts import DASH, NUMBER_ALIGN, london_today, percent
from .table_model import FlatTableModel, Index

DEFAULT_DAYS = 28


class DeadlinesModel(FlatTableModel):
    COLUMNS = ("Service / category", "Target", "Open", "On hold", "Due today", "Overdue",
               "Finished", "Within target", "% within target")
    NAME, TARGET, OPEN, ON_HOLD, DUE_TODAY, OVERDUE, FINISHED, WITHIN, SHARE = range(9)


    def figures_at(self, row: int) -> DeadlineFigures | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column, role == Qt.ItemDataRole.AccessibleTextRole)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= self.OPEN:
            return NUMBER_ALIGN
        if role == Qt.ItemDataRole.FontRole and row.category_id is None:
            font = QFont()
            font.setBold(True)
            return font
        if column == self.OVERDUE and row.overdue:
            return self._colour(role, LATE_FOREGROUND, LATE_BACKGROUND)
        if column == self.DUE_TODAY and row.due_today:
            return self._colour(role, SOON_FOREGROUND, SOON_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(column)
        return None

    @staticmethod
    def _colour(role: int, foreground, background):
        if role == Qt.ItemDataRole.ForegroundRole:
            return foreground
        if role == Qt.ItemDataRole.BackgroundRole:
            return background
        return None

    def _text(self, row: DeadlineFigures, column: int, spoken: bool) -> str:
        if column == self.NAME:
            if row.category_id is None:
                return row.name
            return row.name if spoken else f"    {row.name}"
        if column == self.TARGET:
            return row.target or ""
        if column == self.SHARE:
            return percent(row.within_target_share) if row.finished else DASH
        value = {self.OPEN: row.open, self.ON_HOLD: row.on_hold, self.DUE_TODAY: row.due_today,
                 self.OVERDUE: row.overdue, self.FINISHED: row.finished,
                 self.WITHIN: row.finished_within_target}[column]
        return f"{value:,}"

    def _tip(self, column: int) -> str | None:
        return {
            self.ON_HOLD: "Waiting for the caller: the clock is stopped and no due time runs",
            self.DUE_TODAY: "Open, not yet overdue, due before midnight tonight",
            self.OVERDUE: "Open and past the due time",
            self.FINISHED: "Resolved or closed in the period (first time resolved counts)",
            self.WITHIN: "Finished by the due time (holds included)",
        }.get(column)


class ServiceDeadlinesView(QWidget):
    showCases = Signal(object, object, bool)  # service id, category id (or None), overdue only
    figuresShown = Signal(object)  # the ServiceDeadlines now on screen

    def __init__(self, workspace, runner, parent: QWidget | None = None, *,
                 today: Callable[[], date] = london_today):
        super().__init__(parent)
        self.setObjectName("serviceDeadlines")
        self._workspace, self._runner, self._today = workspace, runner, today
        runner.follow_changes(workspace, self.on_operation_did_execute)
        self._generation = 0
        self.figures = None
        self.model = DeadlinesModel(self)

        start = today()
        self.since = self._date("deadlinesFrom", "Finished from", start - timedelta(DEFAULT_DAYS))
        self.until = self._date("deadlinesTo", "Finished up to", start)
        self.reload_button = QPushButton("Re&load", self)
        self.reload_button.setObjectName("deadlinesReload")
        self.reload_button.setToolTip("Count again now (F5)")
        self.overdue_button = QPushButton("Show o&verdue cases", self)
        self.overdue_button.setObjectName("deadlinesShowOverdue")
        self.open_button = QPushButton("Show &all open cases", self)
        self.open_button.setObjectName("deadlinesShowOpen")
        self.heading = QLabel(self)
        self.heading.setObjectName("deadlinesHeading")
        self.heading.setProperty("role", "heading")
        self.summary = QLabel(self)
        self.summary.setObjectName("deadlinesSummary")
        self.summary.setWordWrap(True)
        note = QLabel("Due times follow each category's target in working hours or days within "
                      "opening hours, skipping weekends and bank holidays. A case waiting for "
                      "the caller is on hold: its clock stops and starts again when it resumes.",
                      self)
        note.setObjectName("deadlinesNote")
        note.setWordWrap(True)
        note.setProperty("role", "note")

        self.table = QTableView(self)
        self.table.setObjectName("deadlinesTable")
        self.table.setAccessibleName("Service deadlines by service and category")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DeadlinesModel.NAME, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.show_selected(False))

        controls = QHBoxLayout()
        for text, widget in (("Finished fro&m:", self.since), ("&To:", self.until)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            controls.addWidget(label)
            controls.addWidget(widget)
        controls.addWidget(self.reload_button)
        controls.addStretch(1)
        controls.addWidget(self.overdue_button)
        controls.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        chain = (self.since, self.until, self.reload_button, self.table, self.overdue_button,
                 self.open_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.refresh)
        self.reload_button.clicked.connect(self.refresh)
        self.overdue_button.clicked.connect(lambda: self.show_selected(True))
        self.open_button.clicked.connect(lambda: self.show_selected(False))
        for keys in (QKeySequence(QKeySequence.StandardKey.Refresh),):
            QShortcut(keys, self, self.refresh,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, lambda: self.show_selected(False),
                      context=Qt.ShortcutContext.WidgetShortcut)

    def _date(self, name: str, accessible: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day), self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd d MMM yyyy")
        return edit

    @staticmethod
    def _day(edit: QDateEdit) -> date:
        value = edit.date()
        return date(value.year(), value.month(), value.day())

    def on_operation_did_execute(self, changes: OpChanges) -> None:
        if changes.touches(Changed.CASES) and self.isVisible():
            self.refresh()

    # -- loading -----------------------------------------------------------------
    def refresh(self) -> None:
        self._generation += 1
        generation, stats = self._generation, self._workspace.stats
        since, until = self._day(self.since), self._day(self.until)
        self.summary.setText("Counting…")
        self._runner.run(lambda: stats.service_deadlines(since, until),
                         lambda figures: self._shown(generation, figures),
                         lambda exc: self._failed(generation, exc))

    def _shown(self, generation: int, figures) -> None:
        if generation != self._generation:
            return
        self.figures = figures
        self.model.set_rows(figures.rows)
        self.heading.setText(f"Service deadlines as at {figures.as_at.astimezone(LONDON):%H:%M}"
                             f", finished {figures.since:%d %b} to {figures.until:%d %b %Y}")
        t = figures.total
        share = percent(t.within_target_share) if t.finished else DASH
        self.summary.setText(
            f"All services: {t.open:,} open ({t.on_hold:,} on hold), {t.due_today:,} due today, "
            f"{t.overdue:,} overdue; {t.finished:,} finished in the period, {share} within "
            "target.")
        self.figuresShown.emit(figures)

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self.summary.setText(f"Could not count the cases: {exc}")

    def show_selected(self, overdue_only: bool) -> None:
        index = self.table.currentIndex()
        figures = self.model.figures_at(index.row()) if index.isValid() else None
        service = figures.service_id if figures else None
        category = figures.category_id if figures else None
        self.showCases.emit(service, category, overdue_only)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()
