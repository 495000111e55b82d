"""Who is calling: the caller's open cases and previous contacts, beside the call form."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.validation import Findings, parse_phone
from contactdesk.dtos.calls import CallerHistory

from .case_format import short_time, status_label
from .table_model import FlatTableModel, Index

OUTCOME_LABELS = {
    "case_created": "Case created",
    "information_given": "Information given",
    "resolved_first_contact": "Resolved at first contact",
    "transferred": "Transferred",
}

REFERENCE_ROLE = Qt.ItemDataRole.UserRole + 1



class TextTableModel(FlatTableModel):
    """A read-only table of text with a case reference (or None) behind each row."""

    def __init__(self, headers: Sequence[str], parent=None):
        super().__init__(parent)
        self.COLUMNS = tuple(headers)
        self._references: list[str | None] = []

    def set_rows(self, rows: Sequence[tuple[str, ...]], references: Sequence[str | None]) -> None:
        self.beginResetModel()
        self._rows = [tuple(row) for row in rows]
        self._references = list(references)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()]
        if role == REFERENCE_ROLE:
            return self._references[index.row()]
        return None


def _table(name: str, accessible: str, model: TextTableModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the text that can give way
    return view


class CallerHistoryPanel(QWidget):
    """Shows a CallerHistory (or that there is none); Return on a row opens its case."""

    caseActivated = Signal(str)  # reference of a case the agent opened from the panel

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("callerHistory")
        self.setAccessibleName("Caller history")
        self.history: CallerHistory | None = None
        self.summary = QLabel(self)
        self.summary.setObjectName("callerSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.open_cases = TextTableModel(("Case", "Category", "Status"), self)
        self.contacts = TextTableModel(("When", "About", "Result"), self)
        self.open_view = _table("openCases", "Open cases of this caller", self.open_cases, self)
        self.contacts_view = _table("recentContacts", "Previous contacts of this caller",
                                    self.contacts, self)
        layout = QVBoxLayout(self)
        heading = QLabel("<b>Caller history</b>", self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        for text, view in (("T&heir open cases", self.open_view),
                           ("Previo&us contacts", self.contacts_view)):
            label = QLabel(text, self)
            label.setBuddy(view)
            layout.addWidget(label)
            layout.addWidget(view, 1)
        for view in (self.open_view, self.contacts_view):
            view.activated.connect(self._row_activated)
        # What a contact was about wraps rather than give way to its result in a narrow panel.
        self.contacts_view.setWordWrap(True)
        self.contacts_view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.contacts_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.show_history(None)

    # A typical row of the contacts table: the panel is never narrower, so no column is lost.
    _WIDEST_ROW = ("Sat 05 Dec 00:55", "Fly tipping", "SP-2026-000001")

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        metrics = self.contacts_view.fontMetrics()
        padding = 3 * 2 * metrics.averageCharWidth() + 2 * self.contacts_view.frameWidth()
        needed = sum(metrics.horizontalAdvance(text) for text in self._WIDEST_ROW) + padding
        margins = self.layout().contentsMargins()
        return QSize(max(hint.width(), needed + margins.left() + margins.right()), hint.height())

    def show_history(self, history: CallerHistory | None) -> None:
        self.history = history
        if history is None:
            self.summary.setText("No previous contacts to show.")
            self.open_cases.set_rows([], [])
            self.contacts.set_rows([], [])
            return
        caller = history.caller
        phone = parse_phone(caller.phone_e164 or "", Findings()) if caller.phone_e164 else None
        where = " ".join(part for part in (caller.address, caller.postcode) if part)
        place = history.last_case_place
        if not where and place is not None:
            where = " ".join(part for part in (place.address, place.postcode) if part) \
                + " (from their last case)"
        self.summary.setText("\n".join(part for part in (
            caller.name or "Name not known", phone.national if phone else "", where,
            f"{len(history.open_cases)} open case(s), {len(history.recent_calls)} recent contact(s)",
        ) if part))
        self.open_cases.set_rows([(ref, category, status_label(status))
                                  for ref, category, status in history.open_cases],
                                 [ref for ref, _, _ in history.open_cases])
        self.contacts.set_rows(
            [(short_time(c.started_at), c.category or "",
              c.reference or OUTCOME_LABELS.get(c.outcome, c.outcome)) for c in history.recent_calls],
            [c.reference for c in history.recent_calls])

    def _row_activated(self, index: QModelIndex) -> None:
        reference = index.data(REFERENCE_ROLE)
        if reference:
            self.caseActivated.emit(reference)
