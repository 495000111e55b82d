"""The supervisor dashboard: today at a glance, calls by hour and by day, year to date,
queues and agents, under a service-level definition the supervisor can change.

Every figure comes from the call statistics service through the workspace, on the
task runner. Each kind of figure carries a generation number: a result that
arrives after a newer request of the same kind (the definition changed, the
timer fired again) is dropped, so slow answers never overwrite fresh ones.
While shown, the dashboard refreshes itself every minute; hidden, it does not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.call_metrics import BASIS_FORMULAS, Basis, Definition
from contactdesk.domain.permissions import Permission
from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.callbacks import KEPT_ON_TIME_DEFINITION
from contactdesk.dtos.changes import Changed, OpChanges
from contactdesk.dtos.stats import NO_DATA, StatsQuery

from .call_import import CallImporter
from .dashboard_charts import BarLineChart
from .dashboard_parts import (
    Tile,
    count,
    london_today,
    long_date,
    percent,
    seconds,
    threshold_text,
)
from .dashboard_sections import DashboardSections
from .ledger_panel import LedgerPanel

REFRESH_MS = 60_000
DAYS_CHARTED = 30
SECTIONS = {"today": "day shown", "days": f"last {DAYS_CHARTED} days", "ytd": "year to date"}
# Each tile and the figure (a key of CallFigures.as_dict) it shows.
TILE_FIGURES = {"offered": "offered", "answered": "answered", "abandoned": "abandoned",
                "service_level": "service_level", "abandon_rate": "abandon_rate",
                "asa": "asa_seconds", "longest_wait": "longest_wait_seconds"}


def _label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


class DashboardView(QWidget):
    def __init__(self, workspace, runner, parent: QWidget | None = None, *,
                 today: Callable[[], date] = london_today):
        super().__init__(parent)
        self.setObjectName("dashboard")
        self._workspace, self._runner, self._today = workspace, runner, today
        runner.follow_changes(workspace, self.on_operation_did_execute)
        self._generation: dict[str, int] = {}
        self._loading: set[str] = set()
        self._started = False
        self._shown_today = today()
        self._sources: dict[str, str] = {}
        self._unresolved = 0

        # -- the definition and the day --------------------------------------------
        self.day = QDateEdit(self)
        self.day.setObjectName("dashboardDay")
        self.day.setAccessibleName("Day shown")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.day.setDate(QDate(self._shown_today))
        self.today_button = QPushButton("T&oday", self)
        self.today_button.setObjectName("dashboardToday")
        self.threshold = QDoubleSpinBox(self)
        self.threshold.setObjectName("dashboardThreshold")
        self.threshold.setAccessibleName("Answered within threshold, seconds")
        self.threshold.setDecimals(0)
        self.threshold.setRange(0, 600)
        self.threshold.setSuffix(" s")
        self.threshold.setValue(Definition().threshold_seconds)
        self.threshold.setToolTip("T: a call answered after a wait of T seconds or less is within T")
        self.basis = QComboBox(self)
        self.basis.setObjectName("dashboardBasis")
        self.basis.setAccessibleName("Service level basis")
        for basis in Basis:
            self.basis.addItem(basis.value, basis)
            self.basis.setItemData(self.basis.count() - 1, f"{basis.value}: {BASIS_FORMULAS[basis]}",
                                   Qt.ItemDataRole.ToolTipRole)
        self.basis.setToolTip(self._basis_tooltip())
        # As wide as the longest basis name, so none is cut.
        self.basis.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.short_abandon = QDoubleSpinBox(self)
        self.short_abandon.setObjectName("dashboardShortAbandon")
        self.short_abandon.setAccessibleName("Short abandons: waits under, seconds")
        self.short_abandon.setDecimals(0)
        self.short_abandon.setRange(0, 120)
        self.short_abandon.setSuffix(" s")
        self.short_abandon.setSpecialValueText("none")
        self.short_abandon.setToolTip("Callers who hang up within this wait are not counted as "
                                      "abandoned (0: every abandon counts)")
        self.refresh_button = QPushButton("Refre&sh", self)
        self.refresh_button.setObjectName("dashboardRefresh")
        self.refresh_button.setToolTip("Refresh now (F5); the dashboard also refreshes every minute")
        self.import_button = QPushButton("&Import telephony log…", self)
        self.import_button.setObjectName("dashboardImport")
        if not workspace.may(Permission.IMPORT_CALLS):
            self.import_button.hide()

        controls = QHBoxLayout()
        for text, widget in (("&Day:", self.day), ("&Threshold:", self.threshold),
                             ("&Basis:", self.basis), ("Short abandons &under:", self.short_abandon)):
            controls.addWidget(_label(text, widget, self))
            controls.addWidget(widget)
            if widget is self.day:
                controls.addWidget(self.today_button)
                controls.addSpacing(12)
        controls.addStretch(1)

        # -- today at a glance -------------------------------------------------------
        self.heading = QLabel(self)
        self.heading.setObjectName("dashboardHeading")
        self.heading.setProperty("role", "heading")
        self.updated = QLabel(self)
        self.updated.setObjectName("dashboardUpdated")
        self.tiles = {name: Tile(name, title, tip, self) for name, title, tip in (
            ("offered", "Offered", "Queue attempts that reached an outcome"),
            ("answered", "Answered", "Answered by an agent"),
            ("abandoned", "Abandoned", "Caller hung up while waiting"),
            ("service_level", "Answered within T", "Service level on the chosen basis"),
            ("abandon_rate", "Abandon rate", "Abandoned calls as a share of offered, on the definition in use"),
            ("asa", "Average speed of answer", "Mean wait of answered calls, ring time included"),
            ("longest_wait", "Longest wait", "Longest wait of any call with an outcome"),
        )}
        tiles = QHBoxLayout()
        tiles.setSpacing(8)
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)
        # Callbacks kept on time, beside service level (services/callbacks.py).
        self.callbacks_tile = Tile("callbacks_kept", "Callbacks kept on time",
                                   KEPT_ON_TIME_DEFINITION, self)
        for pair in (self.tiles["service_level"], self.callbacks_tile):
            pair.title.setWordWrap(True)  # so eight tiles fit 1280 pixels at 150% too
        tiles.insertWidget(list(self.tiles).index("service_level") + 1, self.callbacks_tile, 1)
        self.gap_text = QLabel(self)  # why a tile reads "no data"
        self.gap_text.setObjectName("dashboardGaps")
        self.gap_text.setWordWrap(True)
        self.gap_text.setProperty("role", "warning")
        self.gap_text.hide()
        self.definition_text = QLabel(self)
        self.definition_text.setObjectName("dashboardDefinition")
        self.definition_text.setWordWrap(True)
        self.definition_text.setProperty("role", "note")
        self.source_text = QLabel(self)
        self.source_text.setObjectName("dashboardSource")
        self.source_text.setWordWrap(True)
        self.source_text.setProperty("role", "note")

        # -- charts and tables ---------------------------------------------------------
        self.hour_chart = BarLineChart("Calls by hour", ["Calls offered"], "Calls",
                                       line_name="% answered within T", right_title="", parent=self)
        self.hour_chart.setObjectName("hourChart")
        self.day_chart = BarLineChart(f"Calls by day, last {DAYS_CHARTED} days", ["Calls offered"],
                                      "Calls", line_name="% answered within T", parent=self)
        self.day_chart.setObjectName("dayChart")
        charts = QSplitter(Qt.Orientation.Vertical, self)
        charts.addWidget(self.hour_chart)
        charts.addWidget(self.day_chart)

        self.sections = DashboardSections(self)
        # The call-to-case ledger: a page of its own, loading its own figures.
        self.ledger = LedgerPanel(workspace, runner, self.sections)
        self.sections.addTab(self.ledger, "Call &ledger")
        # The parts the dashboard fills in, by their names.
        self.ytd_model, self.ytd_caption = self.sections.ytd_model, self.sections.ytd_caption
        self.queue_model, self.agent_model = self.sections.queue_model, self.sections.agent_model
        self.period, self.period_text = self.sections.period, self.sections.period_text
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(charts)
        lower.addWidget(self.sections)
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        self._lower = lower

        heading_row = QHBoxLayout()
        heading_row.addWidget(self.heading)
        heading_row.addStretch(1)
        heading_row.addWidget(self.updated)
        heading_row.addWidget(self.refresh_button)
        heading_row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(heading_row)
        layout.addLayout(tiles)
        layout.addWidget(self.gap_text)
        layout.addWidget(self.definition_text)
        layout.addWidget(self.source_text)
        layout.addWidget(lower, 1)

        self.importer = CallImporter(workspace, runner, self)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh_by_timer)
        self.today_button.clicked.connect(self.show_today)
        self.day.dateChanged.connect(self.refresh)
        self.threshold.valueChanged.connect(self.refresh)
        self.basis.currentIndexChanged.connect(self.refresh)
        self.short_abandon.valueChanged.connect(self.refresh)
        self.period.currentIndexChanged.connect(self._load_groups)
        self.refresh_button.clicked.connect(self.refresh)
        self.import_button.clicked.connect(self.importer.choose_and_import)
        refresh_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh_key.activated.connect(self.refresh)

    def on_operation_did_execute(self, changes: OpChanges) -> None:
        if changes.touches(Changed.TELEPHONY, Changed.CALLS):
            self.refresh()  # (does nothing until first shown)

    # -- public ------------------------------------------------------------------------
    def definition(self) -> Definition:
        return Definition(self.threshold.value(), self.basis.currentData(), self.short_abandon.value())

    def shown_day(self) -> date:
        return self.day.date().toPython()

    def show_today(self) -> None:
        self._shown_today = self._today()
        if self.shown_day() != self._shown_today:
            self.day.setDate(QDate(self._shown_today))  # which refreshes
        else:
            self.refresh()

    def import_file(self, path, fmt: str = "asterisk-queue-log", source: str | None = None) -> None:
        """Import a telephony log (what the import dialog does once a file is chosen)."""
        self.importer.start(path, fmt, source)

    def refresh(self) -> None:
        """Load every figure again for the day and definition shown."""
        if not self._started:
            return  # the first show loads them
        definition = self.definition()
        self._show_definition(definition)
        day = self.shown_day()
        stats = self._workspace.stats
        # Callbacks kept on time comes with the day's figures it sits beside.
        kept = self._workspace.callbacks.callbacks_kept_on_time
        self._load("today", lambda: (stats.call_stats(
            StatsQuery(day, day, definition, by="hour")), kept(day, day)), self._show_today)
        first = day - timedelta(days=DAYS_CHARTED - 1)
        self._load("days", lambda: stats.call_stats(StatsQuery(first, day, definition, by="day")),
                   lambda found: self._show_days(found, first))
        self._load("ytd", lambda: stats.year_to_date(day, definition), self._show_ytd)
        self._load_groups()
        self.ledger.show_day(day)

    def refresh_by_timer(self) -> None:
        """The minute's refresh: follow the clock past midnight; skip what is still loading."""
        today = self._today()
        if today != self._shown_today and self.shown_day() == self._shown_today:
            self.show_today()
            return
        if not self._loading:
            self.refresh()

    # -- loading -------------------------------------------------------------------------
    def _load(self, kind: str, work, show) -> None:
        generation = self._generation.get(kind, 0) + 1
        self._generation[kind] = generation
        self._loading.add(kind)

        def done(result) -> None:
            if self._generation.get(kind) != generation:
                return  # a newer request of this kind is on its way
            self._loading.discard(kind)
            show(result)

        def failed(exc: Exception) -> None:
            if self._generation.get(kind) == generation:
                self._loading.discard(kind)
                self.updated.setText(f"Could not load the figures: {exc}")

        self._runner.run(work, done, failed)

    def _load_groups(self) -> None:
        if not self._started:
            return
        definition, day = self.definition(), self.shown_day()
        first = self.sections.period_start(day)
        stats = self._workspace.stats

        def work():
            return (stats.call_stats(StatsQuery(first, day, definition, by="queue")),
                    stats.call_stats(StatsQuery(first, day, definition, by="agent")),
                    stats.agent_activity(first, day), stats.agent_names())

        self._load("groups", work, self._show_groups)

    # -- showing ---------------------------------------------------------------------------
    def _show_definition(self, definition: Definition) -> None:
        t = threshold_text(definition.threshold_seconds)
        self.definition_text.setText(f"Definition in use: {definition.describe()}")
        self.tiles["service_level"].set_title(f"Answered within {t} s")
        for chart in (self.hour_chart, self.day_chart):
            chart.line.setName(f"% answered within {t} s ({definition.basis.value})")
        self.basis.setToolTip(self._basis_tooltip())

    def _show_today(self, loaded) -> None:
        stats, kept = loaded
        self._show_callbacks(kept)
        figures, c = stats.figures, stats.figures.counts
        day = self.shown_day()
        self.heading.setText(f"Today at a glance: {long_date(day)}" if day == self._today()
                             else f"{long_date(day)} at a glance")
        self.updated.setText(f"Updated {datetime.now(LONDON):%H:%M:%S}")
        values = {
            "offered": count(c.offered), "answered": count(c.answered), "abandoned": count(c.abandoned),
            "service_level": percent(figures.service_level), "abandon_rate": percent(figures.abandon_rate),
            "asa": seconds(figures.asa_seconds), "longest_wait": seconds(c.longest_wait, 0),
        }
        when = "today" if day == self._today() else f"for {long_date(day)}"
        reasons: dict[str, list[str]] = {}  # reason -> the tiles it empties
        for name, text in values.items():
            reason = stats.gap(TILE_FIGURES[name], when)
            self.tiles[name].set_value(NO_DATA if reason else text, reason)
            if reason:
                reasons.setdefault(reason, []).append(self.tiles[name].title.text())
        self.gap_text.setText(" ".join(f"No data for {', '.join(titles)}: {reason}."
                                       for reason, titles in reasons.items()))
        self.gap_text.setVisible(bool(reasons))
        self._unresolved = c.unresolved
        self._show_source("today", stats)
        by_hour = {int(hour): f for hour, f in stats.groups}
        hours = list(range(min([8, *by_hour]), max([19, *by_hour]) + 1))
        self.hour_chart.set_data([f"{h:02d}" for h in hours],
                                 [[by_hour[h].counts.offered if h in by_hour else 0 for h in hours]],
                                 [self._level(stats, by_hour.get(h)) for h in hours],
                                 note=f"{day.day} {day:%b}, " + ("by the hour the call joined the queue"
                                                                 if c.offered else "no calls"))

    def _show_callbacks(self, figure) -> None:
        if figure.due:
            self.callbacks_tile.set_value(percent(figure.share),
                                          f"{figure.kept} of {figure.due} kept")
        else:
            self.callbacks_tile.set_value(NO_DATA, "no callback was due")

    def _show_days(self, stats, first: date) -> None:
        by_day = {_as_date(day): f for day, f in stats.groups}
        days = [first + timedelta(days=i) for i in range(DAYS_CHARTED)]
        self._show_source("days", stats)
        self.day_chart.set_data([f"{d:%d/%m}" for d in days],
                                [[by_day[d].counts.offered if d in by_day else 0 for d in days]],
                                [self._level(stats, by_day.get(d)) for d in days],
                                note=f"{days[0]:%d %b} to {days[-1]:%d %b}")

    @staticmethod
    def _level(stats, figures):
        """A group's service level for a chart line; a gap rather than a false 0%."""
        if figures is None or stats.gap("service_level", figures=figures):
            return None
        return figures.service_level

    def _show_ytd(self, ytd) -> None:
        self._show_source("ytd", ytd.this_year)
        self.sections.show_year_to_date(ytd)

    def _show_groups(self, loaded) -> None:
        queues, agents, activity, names = loaded
        self.sections.show_groups(queues, agents, self.definition().threshold_seconds, activity,
                                  dict(names))

    def _show_source(self, kind: str, stats) -> None:
        """Where the figures come from; in ``auto`` each span may come from a different source."""
        self._sources[kind] = stats.source_label
        labels = list(dict.fromkeys(self._sources[k] for k in SECTIONS if k in self._sources))
        if len(labels) == 1:
            text = f"Source: {labels[0]}"
        else:  # short names here, the full ones in the tooltip
            text = "Sources: " + "; ".join(
                f"{SECTIONS[k]}: {self._sources[k].split(' (')[0]}" for k in SECTIONS if k in self._sources)
        self.source_text.setToolTip("\n".join(labels))
        if self._unresolved:
            text += f". {self._unresolved} calls were still waiting when the log was last read."
        self.source_text.setText(text)

    def _basis_tooltip(self) -> str:
        lines = [f"{b.value}: {BASIS_FORMULAS[b]}" for b in Basis]
        return ("Service level basis (O offered, A answered, AB abandoned, _T within T, "
                "AB_S short abandons)\n" + "\n".join(lines))

    # -- visibility ------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            width = self._lower.width() or self.width()
            self._lower.setSizes([width * 2 // 5, width - width * 2 // 5])  # tables need more
            self.refresh()
        elif not self._loading:
            self.refresh()
        self._timer.start()

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
