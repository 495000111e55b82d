"""The case list as a lazily paged table model.

Rows come from ``workspace.cases.search_cases`` one keyset page at a time, always in
the background: ``set_query`` and ``sort`` start a fresh first page,
``fetchMore`` asks for the page after the last row shown and inserts it when it
arrives. Every load carries the generation it was asked for; a page from an
older query that arrives after a newer one started is dropped.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from contactdesk.dtos.cases import CaseCursor, CasePage, CaseQuery, CaseRow

from .case_format import local_time, phone_display, status_label
from .table_model import ROOT, FlatTableModel, Index

ReferenceRole = Qt.ItemDataRole.UserRole + 1
CaseRowRole = Qt.ItemDataRole.UserRole + 2

OVERDUE_FOREGROUND = QColor("#8b0000")
OVERDUE_BACKGROUND = QColor("#fde2e2")



class CaseTableModel(FlatTableModel):
    """Columns Reference .. Phone over CaseRow pages; see the module docstring for loading.

    Columns are numbered as the model has them; the list shows them in its own order.
    """

    COLUMNS = ("Reference", "Received", "Status", "Category", "Service", "Caller", "Location",
               "Postcode", "Due", "Phone")
    (REFERENCE, RECEIVED, STATUS, CATEGORY, SERVICE, CALLER, LOCATION, POSTCODE, DUE,
     PHONE) = range(10)
    # Columns the search can order by, and the CaseQuery.sort key for each.
    SORT_KEYS = {REFERENCE: "reference", RECEIVED: "received_at", STATUS: "status",
                 CATEGORY: "category", SERVICE: "service", DUE: "due_at"}

    _LONG_TEXT = frozenset({CATEGORY, SERVICE, CALLER, LOCATION})

    loadingChanged = Signal(bool)
    pageLoaded = Signal(int, bool)  # rows shown now, whether that is all of them
    loadFailed = Signal(str)

    def __init__(self, workspace, runner, *, page_size: int = 200, parent: QObject | None = None):
        super().__init__(parent)
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self._workspace = workspace
        self._runner = runner
        self._page_size = page_size
        self._query: CaseQuery | None = None
        self._rows: list[CaseRow] = []
        self._next: CaseCursor | None = None
        self._generation = 0
        self._loading = False
        self._complete = False
        default = CaseQuery()
        self._sort_key, self._descending = default.sort, default.descending

    # -- state -------------------------------------------------------------------
    @property
    def query(self) -> CaseQuery | None:
        return self._query

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def complete(self) -> bool:
        """True once the last page has arrived (the row count is exact)."""
        return self._complete

    def row(self, row: int) -> CaseRow:
        return self._rows[row]

    def reference_at(self, row: int) -> str | None:
        return self._rows[row].reference if 0 <= row < len(self._rows) else None

    def row_of(self, reference: str) -> int:
        """The row showing ``reference``, or -1 when it is not loaded."""
        for number, case in enumerate(self._rows):
            if case.reference == reference:
                return number
        return -1

    # -- loading -----------------------------------------------------------------
    def set_query(self, query: CaseQuery) -> None:
        """Show the cases matching ``query``: clears the table and loads the first page."""
        self._generation += 1
        self.beginResetModel()
        self._query = query
        self._sort_key, self._descending = query.sort, query.descending
        self._rows = []
        self._next = None
        self._complete = False
        self.endResetModel()
        self._request(None)

    def refresh(self) -> None:
        """Load the current query again (after a case changed)."""
        if self._query is not None:
            self.set_query(self._query)

    def canFetchMore(self, parent: Index = ROOT) -> bool:
        return (not parent.isValid() and not self._loading and self._next is not None)

    def fetchMore(self, parent: Index = ROOT) -> None:
        if self.canFetchMore(parent):
            self._request(self._next)

    def _request(self, after: CaseCursor | None) -> None:
        generation, query, limit = self._generation, self._query, self._page_size
        cases = self._workspace.cases
        self._set_loading(True)
        self._runner.run(lambda: cases.search_cases(query, after, limit),
                         lambda page: self._page_arrived(generation, page),
                         lambda exc: self._page_failed(generation, exc))

    def _page_arrived(self, generation: int, page: CasePage) -> None:
        if generation != self._generation:
            return  # an answer to a query the agent has since replaced
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self._next = page.next
        self._complete = page.next is None
        self._set_loading(False)
        self.pageLoaded.emit(len(self._rows), self._complete)

    def _page_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self.loadFailed.emit(str(exc) or type(exc).__name__)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loadingChanged.emit(loading)

    # -- sorting -----------------------------------------------------------------
    @property
    def sort_key(self) -> str:
        return self._sort_key

    @property
    def sort_descending(self) -> bool:
        return self._descending

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by ``column`` in the database; columns without a sort key are left alone.

        Before the first ``set_query`` this only remembers the order (see ``sort_key``).
        """
        key = self.SORT_KEYS.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._sort_key, self._descending) and self._query is not None:
            return
        self._sort_key, self._descending = key, descending
        if self._query is not None:
            self.set_query(replace(self._query, sort=key, descending=descending))

    def sort_column(self) -> int:
        """The column the rows are ordered by."""
        for column, name in self.SORT_KEYS.items():
            if name == self._sort_key:
                return column
        return self.RECEIVED

    # -- Qt model interface --------------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.COLUMNS) and section not in self.SORT_KEYS):
            return f"{self.COLUMNS[section]} (not sortable)"
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        case = self.row_at(index)
        if case is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(case, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in self._LONG_TEXT:
            return self._text(case, column) or None  # the whole text where the column cuts it
        if role == ReferenceRole:
            return case.reference
        if role == CaseRowRole:
            return case
        if case.overdue:
            if role == Qt.ItemDataRole.ForegroundRole:
                return OVERDUE_FOREGROUND
            if role == Qt.ItemDataRole.BackgroundRole:
                return OVERDUE_BACKGROUND
            if role == Qt.ItemDataRole.FontRole and column == self.DUE:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole and column == self.DUE:
                return "Overdue"
            if role == Qt.ItemDataRole.AccessibleTextRole and column == self.DUE:
                return f"{self._text(case, column)}, overdue"
        return None

    def _text(self, case: CaseRow, column: int) -> str:
        if column == self.REFERENCE:
            return case.reference
        if column == self.RECEIVED:
            return local_time(case.received_at)
        if column == self.STATUS:
            return status_label(case.status)
        if column == self.CATEGORY:
            return case.category
        if column == self.SERVICE:
            return case.service
        if column == self.CALLER:
            return case.caller_name or ""
        if column == self.LOCATION:
            return case.location or ""
        if column == self.POSTCODE:
            return case.postcode or ""
        if column == self.DUE:
            return local_time(case.due_at)
        if column == self.PHONE:
            return phone_display(case.caller_phone)
        return ""
