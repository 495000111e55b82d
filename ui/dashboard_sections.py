"""The dashboard's lower right: the year-to-date comparison and figures by queue and agent.

The year to date is laid out as the council's performance report lays it out:
Indicator | YTD this year | YTD last year | Difference, each indicator noted
"(higher performance is better)" or "(lower performance is better)".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.call_metrics import Basis, Definition, financial_year_start, service_level
from contactdesk.dtos.stats import NO_DATA, figure_gap

from .dashboard_parts import DASH, NUMBER_ALIGN, count, percent, seconds, threshold_text
from .table_model import FlatTableModel, Index
from .tables import read_only_table

BETTER, WORSE = "#1b6e3a", "#a3261b"  # the colours of the PDF reports
PERIODS = (("Day shown", 0), ("Last 7 days", 7), ("Last 30 days", 30), ("Financial year to date", None))


class YearToDateModel(FlatTableModel):
    """Indicator | YTD this year | YTD last year | Difference, house style."""

    COLUMNS = ("Indicator", "YTD this year", "YTD last year", "Difference")
    NOTES = {"higher": "(higher performance is better)", "lower": "(lower performance is better)"}

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.gaps: dict[tuple[str, int], str] = {}  # (figure, column 1 or 2) -> why no data

    def set_year_to_date(self, ytd) -> None:
        self.gaps = {(c.key, column): reason for c in ytd.comparisons
                     for column, stats in ((1, ytd.this_year), (2, ytd.last_year))
                     if (reason := stats.gap(c.key))}
        self.set_rows(ytd.comparisons)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 3 and row.percentage:
                return "Percentage points, from the unrounded figures"
            if column == 0 and row.better:
                return f"{row.label} {self.NOTES[row.better]}"
            if (row.key, column) in self.gaps:
                return f"{NO_DATA}: {self.gaps[row.key, column]}"
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return NUMBER_ALIGN
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            verdict = self._verdict(row)
            return None if verdict is None else QColor(BETTER if verdict == "better" else WORSE)
        return None

    @staticmethod
    def _verdict(row) -> str | None:
        """"better" or "worse" where one direction is better and the figure moved."""
        if not row.better or not row.difference:
            return None
        return "better" if (row.difference > 0) == (row.better == "higher") else "worse"

    def _text(self, row, column: int) -> str:
        if column == 0:
            note = self.NOTES.get(row.better or "")
            return f"{row.label}\n{note}" if note else row.label
        if column in (1, 2):
            if (row.key, column) in self.gaps:
                return NO_DATA
            return self._value(row, row.this_year if column == 1 else row.last_year)
        difference = row.difference
        if difference is None or (row.key, 1) in self.gaps or (row.key, 2) in self.gaps:
            return DASH
        if row.percentage:
            text = f"{difference:+.2f} pp"
        elif row.key.endswith("_seconds"):
            text = f"{difference:+,.1f} s"
        else:
            text = f"{difference:+,.0f}"
        verdict = self._verdict(row)
        return f"{text} {verdict}" if verdict else text

    @staticmethod
    def _value(row, value) -> str:
        if row.percentage:
            return percent(value)
        if row.key.endswith("_seconds"):
            return seconds(value, 0 if row.key.startswith("longest") else 1)
        return count(value)


class GroupFiguresModel(FlatTableModel):
    """Figures per group for a span, from (name, CallFigures) rows; subclasses pick the columns.

    ``{t}`` in a header becomes the threshold in use.
    """

    HEADERS: tuple[str, ...] = ()
    TOOLTIPS: tuple[str, ...] = ()
    FIGURES: tuple[str | None, ...] = ()  # the figure (CallFigures.as_dict key) of each column

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.COLUMNS = self._headers(Definition().threshold_seconds)
        self.source = ""  # where the figures come from: a "no data" depends on it

    def _headers(self, threshold_seconds: float) -> tuple[str, ...]:
        t = threshold_text(threshold_seconds)
        return tuple(header.format(t=t) for header in self.HEADERS)

    def set_groups(self, groups, threshold_seconds: float, source: str = "") -> None:
        self.beginResetModel()
        self.source = source
        self._rows = [group for group in groups if self.keep(group)]
        self.COLUMNS = self._headers(threshold_seconds)
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)

    def keep(self, group) -> bool:
        return True

    def figure(self, figures, key: str, text: str) -> str:
        """``text``, or "no data" where the source has nothing behind the figure."""
        return NO_DATA if figure_gap(self.source, figures, key) else text

    def reason(self, figures, column: int) -> str | None:
        key = self.FIGURES[column] if column < len(self.FIGURES) else None
        return key and figure_gap(self.source, figures, key)

    def values(self, name, figures) -> tuple[str, ...]:
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole:
            reason = self.reason(row[1], column)
            text = self.values(*row)[column]
            return f"{text}: {reason}" if reason else text
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.values(*row)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return NUMBER_ALIGN
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.TOOLTIPS)):
            return self.TOOLTIPS[section]
        return super().headerData(section, orientation, role)


class QueueFiguresModel(GroupFiguresModel):
    HEADERS = ("Queue", "Offered", "Answered", "Abandoned", "% within\n{t} s", "%\nabandoned",
               "ASA", "Longest\nwait")
    TOOLTIPS = ("Queue name in the telephony log", "Attempts that reached an outcome",
                "Answered by an agent", "Caller hung up while waiting",
                "Service level on the chosen basis", "Abandon rate on the chosen definition",
                "Average speed of answer", "Longest wait of any call with an outcome")

    FIGURES = (None, "offered", "answered", "abandoned", "service_level", "abandon_rate",
               "asa_seconds", "longest_wait_seconds")

    def values(self, name, figures) -> tuple[str, ...]:
        c, f = figures.counts, self.figure
        return ("(no queue)" if name is None else str(name), count(c.offered), count(c.answered),
                f(figures, "abandoned", count(c.abandoned)),
                f(figures, "service_level", percent(figures.service_level)),
                f(figures, "abandon_rate", percent(figures.abandon_rate)),
                f(figures, "asa_seconds", seconds(figures.asa_seconds)),
                f(figures, "longest_wait_seconds", seconds(c.longest_wait, 0)))


class AgentFiguresModel(GroupFiguresModel):
    """Calls each agent answered; unanswered calls have no agent and are left to the queues.

    Signed-in time and occupancy come from the queue log's member and pause events;
    without them the cells say so rather than show a false "0 h 00". People who log
    calls in the app are named by username there, and shown by their full name.
    """

    FIGURES = (None, None, None, "service_level", "asa_seconds", None, None, None)

    HEADERS = ("Agent", "Answered", "Within\n{t} s", "% answered\nwithin {t} s", "ASA",
               "Average\ntalk", "Signed\nin", "Occupancy")
    TOOLTIPS = ("Agent (member) in the telephony log", "Calls the agent answered",
                "Of those, answered after a wait of T seconds or less",
                "Answered within T as a share of the agent's answered calls (A_T / A)",
                "Average speed of answer of the agent's calls", "Average talk time, hold included",
                "Time signed in to a queue (member added or logged in), pauses included",
                "Talk time over time available (signed in and not paused)")

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.activity: dict[str, object] = {}  # agent -> AgentActivity
        self.names: dict[str, str] = {}  # username -> full name

    def keep(self, group) -> bool:
        return group[0] is not None

    def values(self, name, figures) -> tuple[str, ...]:
        c = figures.counts
        activity = self.activity.get(name)
        if activity is None:
            signed_in, occupancy = NO_AGENT_EVENTS, "not known"
        else:
            signed_in = hours(activity.signed_in_seconds)
            occupancy = "never available" if activity.occupancy is None else percent(activity.occupancy)
        full_name = self.names.get(str(name))
        shown = f"{full_name} ({name})" if full_name and full_name != name else str(name)
        # The agent's own share within T is on the answered basis, whatever basis is chosen.
        answered = replace(figures, definition=replace(figures.definition, basis=Basis.ANSWERED))
        level = self.figure(answered, "service_level", percent(service_level(c, Basis.ANSWERED)))
        within = NO_DATA if level == NO_DATA else count(c.answered_within)
        return (shown, count(c.answered), within, level,
                self.figure(figures, "asa_seconds", seconds(figures.asa_seconds)),
                seconds(figures.average_talk_seconds), signed_in, occupancy)


NO_AGENT_EVENTS = "no agent events"
NO_AGENT_EVENTS_TEXT = ("Signed-in time and occupancy: no agent events (queue logins, logoffs, "
                        "pauses) were imported for this period, so they are not known.")


def hours(total_seconds: int) -> str:
    """Signed-in time as hours and minutes: "6 h 05"."""
    minutes = round(total_seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d}"


def _table(name: str, accessible: str, model, parent: QWidget) -> QTableView:
    view = read_only_table(name, accessible, model, parent)
    view.setWordWrap(True)
    return view


def span_text(first: date, last: date) -> str:
    if first == last:
        return f"{first:%d %b %Y}"
    return f"{first:%d %b %Y} to {last:%d %b %Y}"


class DashboardSections(QTabWidget):
    """Two pages: "Year to date" and "Queues and agents" (with its period)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dashboardSections")

        self.ytd_model = YearToDateModel(self)
        self.ytd_caption = QLabel(self)
        self.ytd_caption.setObjectName("ytdCaption")
        self.ytd_caption.setWordWrap(True)
        self.ytd_table = _table("ytdTable", "Year to date comparison", self.ytd_model, self)
        header = self.ytd_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.ytd_model.modelReset.connect(self.ytd_table.resizeRowsToContents)
        ytd_page = QWidget(self)
        ytd_layout = QVBoxLayout(ytd_page)
        ytd_layout.addWidget(self.ytd_caption)
        ytd_layout.addWidget(self.ytd_table, 1)

        self.period = QComboBox(self)
        self.period.setObjectName("dashboardPeriod")
        self.period.setAccessibleName("Period for queues and agents")
        self.period.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for text, days in PERIODS:
            self.period.addItem(text, days)
        self.period_text = QLabel(self)
        self.period_text.setObjectName("dashboardPeriodText")
        self.queue_model = QueueFiguresModel(self)
        self.agent_model = AgentFiguresModel(self)
        self.queue_table = _table("queueTable", "Figures by queue", self.queue_model, self)
        self.agent_table = _table("agentTable", "Figures by agent", self.agent_model, self)
        for view in (self.queue_table, self.agent_table):
            # Every column as wide as its longest text, names included (a narrow pane scrolls
            # rather than cut a name); the last column takes what is left.
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(True)
            view.setTextElideMode(Qt.TextElideMode.ElideNone)
        groups_page = QWidget(self)
        groups = QGridLayout(groups_page)
        period_label = QLabel("&Period:", groups_page)
        period_label.setBuddy(self.period)
        groups.addWidget(period_label, 0, 0)
        groups.addWidget(self.period, 0, 1)
        groups.addWidget(self.period_text, 0, 2)
        groups.setColumnStretch(2, 1)
        groups.addWidget(self.queue_table, 1, 0, 1, 3)
        self.agent_note = QLabel(groups_page)  # says plainly when there are no agent events
        self.agent_note.setObjectName("agentTableNote")
        self.agent_note.setWordWrap(True)
        self.agent_note.setProperty("role", "note")
        self.agent_note.hide()
        groups.addWidget(self.agent_note, 2, 0, 1, 3)
        groups.addWidget(self.agent_table, 3, 0, 1, 3)
        groups.setRowStretch(1, 1)
        groups.setRowStretch(3, 1)

        self.addTab(ytd_page, "&Year to date")
        self.addTab(groups_page, "Queues and a&gents")

    def period_start(self, day: date) -> date:
        """The first day of the chosen period ending on ``day``, also shown beside the choice."""
        days = self.period.currentData()
        first = financial_year_start(day) if days is None else day - timedelta(days=max(days - 1, 0))
        self.period_text.setText(span_text(first, day))
        return first

    def show_year_to_date(self, ytd) -> None:
        this, last = ytd.this_year.figures, ytd.last_year.figures
        self.ytd_caption.setText(
            f"Financial year to date, {span_text(this.date_from, this.date_to)}, against the same "
            f"span a year earlier, {span_text(last.date_from, last.date_to)}. Differences in "
            "percentage points (pp), from unrounded figures.")
        self.ytd_model.set_year_to_date(ytd)

    def show_groups(self, queues, agents, threshold_seconds: float, activity=(),
                    names: dict[str, str] | None = None) -> None:
        self.queue_model.set_groups(queues.groups, threshold_seconds, queues.source)
        self.agent_model.activity = {a.agent: a for a in activity}
        self.agent_model.names = names or {}
        self.agent_model.set_groups(agents.groups, threshold_seconds, agents.source)
        self.agent_note.setText(NO_AGENT_EVENTS_TEXT if self.agent_model.rowCount() and not activity
                                else "")
        self.agent_note.setVisible(bool(self.agent_note.text()))
        # With no agent events at all the sentence says it once, instead of two empty columns.
        for column in (6, 7):
            self.agent_table.setColumnHidden(column, bool(self.agent_note.text()))
