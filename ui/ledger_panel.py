"""The dashboard's call-to-case ledger: what the agents did with the answered calls.

Headline figures as tiles (each definition in its tooltip), what the agents did in a
line beneath, and calls and agent minutes per case by category and by service. The
figures come from ``stats.call_ledger`` on the task runner; a period with nothing to
count reads "no data" with the reason, never 0%.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.call_metrics import financial_year_start
from contactdesk.dtos.ledger import (
    ACTION_LABELS,
    DEFINITIONS,
    NOTHING_LOGGED_TARGET,
    LedgerFigures,
)
from contactdesk.dtos.stats import NO_DATA

from .dashboard_parts import DASH, NUMBER_ALIGN, Tile, count, percent
from .table_model import FlatTableModel, Index
from .tables import read_only_table

PERIODS = (("Day shown", 0), ("Last 7 days", 7), ("Last 30 days", 30), ("Financial year to date", None))
TILES = (
    ("answered", "Answered calls", DEFINITIONS["answered"]),
    ("exact", "Linked exactly", DEFINITIONS["exact"]),
    ("by_time", "Matched by time", DEFINITIONS["by_time"]),
    ("nothing_logged", "Nothing logged", DEFINITIONS["nothing_logged"]),
    ("first_contact_resolution", "First-contact resolution", DEFINITIONS["first_contact_resolution"]),
    ("avoidable_contact", "Avoidable contact", DEFINITIONS["avoidable_contact"]),
)


class LedgerGroupModel(FlatTableModel):
    """Linked calls, agent minutes and cases of each category (or service)."""

    TOOLTIPS = ("", "Answered calls linked to a logged call", "Talk time of those calls, "
                "from the queue attempts", "Distinct cases the calls created or were added to",
                "Calls that touched a case, per case", "Their talk minutes, per case")

    def __init__(self, kind: str, parent: QObject | None = None):
        super().__init__(parent)
        self.COLUMNS = (kind, "Linked\ncalls", "Agent\nminutes", "Cases", "Calls per\ncase",
                        "Minutes\nper case")
        self.TOOLTIPS = (f"The {kind.lower()} of the call's case, else of the call",
                         *self.TOOLTIPS[1:4], DEFINITIONS["per_case"], DEFINITIONS["per_case"])

    def values(self, g) -> tuple[str, ...]:
        return (g.name, count(g.calls), f"{g.talk_seconds / 60:,.1f}", count(g.cases),
                DASH if g.calls_per_case is None else f"{g.calls_per_case:.2f}",
                DASH if g.minutes_per_case is None else f"{g.minutes_per_case:.1f}")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                    Qt.ItemDataRole.ToolTipRole):
            return self.values(row)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return NUMBER_ALIGN
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.TOOLTIPS)):
            return self.TOOLTIPS[section]
        return super().headerData(section, orientation, role)


def _table(name: str, accessible: str, model, parent: QWidget) -> QTableView:
    view = read_only_table(name, accessible, model, parent)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return view


class LedgerPanel(QWidget):
    """The "Call ledger" page of the dashboard's sections."""

    def __init__(self, workspace, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ledgerPanel")
        self._workspace, self._runner = workspace, runner
        self._generation = 0
        self._in_flight: tuple | None = None  # the span being read, if any
        self._day: date | None = None
        self._stale = False  # a day arrived while hidden: load it when first shown

        self.period = QComboBox(self)
        self.period.setObjectName("ledgerPeriod")
        self.period.setAccessibleName("Period for the call ledger")
        self.period.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for text, days in PERIODS:
            self.period.addItem(text, days)
        period_label = QLabel("Spa&n:", self)
        period_label.setBuddy(self.period)
        self.period_text = QLabel(self)
        self.period_text.setObjectName("ledgerPeriodText")
        row = QHBoxLayout()
        row.addWidget(period_label)
        row.addWidget(self.period)
        row.addWidget(self.period_text, 1)

        self.tiles = {name: Tile(f"ledger_{name}", title, tip, self) for name, title, tip in TILES}
        tiles = QGridLayout()
        tiles.setSpacing(6)
        for i, tile in enumerate(self.tiles.values()):
            # Figures keep their height; the tables below give way on a small screen.
            tile.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
            tiles.addWidget(tile, i // 3, i % 3)
        self.gap_text = QLabel(self)
        self.gap_text.setObjectName("ledgerGaps")
        self.gap_text.setWordWrap(True)
        self.gap_text.setProperty("role", "warning")
        self.gap_text.hide()
        self.actions_text = QLabel(self)
        self.actions_text.setObjectName("ledgerActions")
        self.actions_text.setWordWrap(True)
        self.actions_text.setToolTip("What the agents did with the linked calls. "
                                     + DEFINITIONS["avoidable_contact"])

        self.category_model = LedgerGroupModel("Category", self)
        self.service_model = LedgerGroupModel("Service", self)
        self.category_table = _table("ledgerCategoryTable", "Calls and minutes per case by category",
                                     self.category_model, self)
        self.service_table = _table("ledgerServiceTable", "Calls and minutes per case by service",
                                    self.service_model, self)
        tables = QTabWidget(self)
        tables.setObjectName("ledgerTables")
        tables.addTab(self.category_table, "By category")
        tables.addTab(self.service_table, "By service")
        self.tables = tables
        self.footnote = QLabel("Per case: calls that created or were added to a case, and their "
                               "talk minutes, per distinct case. Hover a figure or a column for "
                               "its definition.", self)
        self.footnote.setToolTip(DEFINITIONS["per_case"])
        self.footnote.setObjectName("ledgerFootnote")
        self.footnote.setWordWrap(True)
        self.footnote.setProperty("role", "note")

        # On a small or scaled screen the page scrolls rather than squeeze its figures.
        content = QWidget(self)
        scroll = QScrollArea(self)
        scroll.setObjectName("ledgerScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        tables.setMinimumHeight(200)
        layout = QVBoxLayout(content)
        layout.addLayout(row)
        layout.addLayout(tiles)
        layout.addWidget(self.gap_text)
        layout.addWidget(self.actions_text)
        layout.addWidget(tables, 1)
        layout.addWidget(self.footnote)
        self.period.currentIndexChanged.connect(self.reload)

    # -- loading -------------------------------------------------------------------------
    def show_day(self, day: date) -> None:
        """Load the ledger for the chosen period ending on ``day`` (once the page is shown:
        a year's ledger takes seconds, not worth reading for a page nobody looks at)."""
        self._day = day
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        for tile in self.tiles.values():
            # A quarter more than the labels' metrics ask: scaled 150% the large figures
            # draw taller than their metrics and were cut at the foot.
            tile.setMinimumHeight(round(tile.sizeHint().height() * 1.25))
        if self._stale:
            self.reload()

    def reload(self) -> None:
        if self._day is None:
            return
        self._stale = False
        last = self._day
        days = self.period.currentData()
        first = financial_year_start(last) if days is None else last - timedelta(days=max(days - 1, 0))
        self.period_text.setText(f"{first:%d %b %Y}" if first == last
                                 else f"{first:%d %b %Y} to {last:%d %b %Y}")
        if self._in_flight == (first, last):
            return  # the same figures are on their way (a year takes seconds at scale)
        self._in_flight = (first, last)
        self._generation += 1
        generation = self._generation
        stats = self._workspace.stats

        def done(ledger) -> None:
            if generation == self._generation:  # else a newer request is on its way
                self._in_flight = None
                self.show_ledger(ledger)

        def failed(exc: Exception) -> None:
            if generation == self._generation:
                self._in_flight = None
                self.gap_text.setText(f"Could not load the ledger: {exc}")
                self.gap_text.show()

        self._runner.run(lambda: stats.call_ledger(first, last), done, failed)

    # -- showing ---------------------------------------------------------------------------
    def show_ledger(self, ledger: LedgerFigures) -> None:
        reason = ledger.gap()
        answered = ledger.answered

        def share(part: int) -> str:
            return f"{count(part)} ({percent(part / answered)})" if answered else count(part)

        values = {"answered": count(answered), "exact": share(ledger.exact),
                  "by_time": share(ledger.by_time), "nothing_logged": share(ledger.nothing_logged),
                  "first_contact_resolution": percent(ledger.first_contact_resolution),
                  "avoidable_contact": percent(ledger.avoidable_contact)}
        for name, text in values.items():
            why = ledger.gap(name)
            self.tiles[name].set_value(NO_DATA if why else text, why)
        over = ledger.over_target
        # Said in words in the title (colour alone would not reach everyone).
        self.tiles["nothing_logged"].set_title(
            f"Nothing logged: over {NOTHING_LOGGED_TARGET:.0%} target" if over else "Nothing logged")
        notes = []
        if reason:
            notes.append(f"No data: {reason}.")
        if over:
            notes.append(f"Nothing logged is over the {NOTHING_LOGGED_TARGET:.0%} target.")
        if ledger.days_without_calls and not reason:
            notes.append(f"{ledger.days_without_calls} day(s) with answered calls but no call "
                         "logged in ContactDesk are left out.")
        self.gap_text.setText(" ".join(notes))
        self.gap_text.setVisible(bool(notes))
        linked = ledger.linked
        self.actions_text.setText(
            "What the agents did: " + "; ".join(
                f"{ACTION_LABELS[key].lower()} {count(n)}" for key, n in ledger.actions)
            + f" (of {count(linked)} linked calls)." if linked else "")
        self.actions_text.setVisible(bool(linked))
        self.category_model.set_rows([*ledger.by_category, *self._total(ledger)])
        self.service_model.set_rows([*ledger.by_service, *self._total(ledger)])

    @staticmethod
    def _total(ledger: LedgerFigures) -> list:
        return [ledger.total] if ledger.linked else []
