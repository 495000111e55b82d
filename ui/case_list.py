"""Finding cases: a search box, filters and the paged case table.

Typing searches as you type (after a short pause); every filter change runs the
search again in the database. Enter or a double-click on a row opens the case
(``caseActivated``); Enter in the search box opens its first hit (once it has
arrived). Down in the search box moves to the table.

Caller and address, then phone, come first after the reference, so they show even
when the list is narrow beside an open case. Each person chooses the columns shown
(the Columns button, or the context menu of the table and its headings); the choice
is kept in their own data folder and applies to every list they open afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path

from platformdirs import user_data_dir
from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from contactdesk.config import APP_NAME
from contactdesk.domain.case_status import OPEN_STATUSES, CaseStatus
from contactdesk.dtos.cases import CaseQuery
from contactdesk.dtos.changes import Changed, OpChanges

from .case_format import DATETIME_SAMPLE
from .case_table_model import CaseTableModel

SEARCH_DELAY_MS = 200
_ACTIVATE_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

# The order the list shows the model's columns in: who and where before what and when.
COLUMN_ORDER = (CaseTableModel.REFERENCE, CaseTableModel.CALLER, CaseTableModel.LOCATION,
                CaseTableModel.POSTCODE, CaseTableModel.PHONE, CaseTableModel.STATUS,
                CaseTableModel.CATEGORY, CaseTableModel.RECEIVED, CaseTableModel.DUE,
                CaseTableModel.SERVICE)
HIDDEN_COLUMNS_KEY = "caseList/hiddenColumns"  # column titles, so a new column starts shown


def view_settings_path(username: str) -> Path:
    """The file keeping one person's choices about the screens (their own data folder)."""
    person = re.sub(r"[^A-Za-z0-9_.-]", "_", username)[:60]
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "view-settings" / f"{person}.ini"


class CaseListView(QWidget):
    caseActivated = Signal(str)  # the reference of the case to open

    def __init__(self, workspace, runner, parent: QWidget | None = None, *,
                 page_size: int = 200, settings: QSettings | None = None):
        super().__init__(parent)
        self.setObjectName("caseList")
        self._workspace = workspace
        self._runner = runner
        self._user = workspace.user  # "My cases" are the signed-in person's
        runner.follow_changes(workspace, self.on_operation_did_execute)
        self._reselect: str | None = None
        self._open_first_hit = False  # Enter pressed in the search box before its rows came
        self._settings = settings or QSettings(str(view_settings_path(self._user.username)),
                                               QSettings.Format.IniFormat, self)
        self.model = CaseTableModel(workspace, runner, page_size=page_size, parent=self)

        self.search = QLineEdit(self)
        self.search.setObjectName("caseSearch")
        self.search.setPlaceholderText("Reference, phone, name, street or postcode")
        self.search.setAccessibleName("Search cases")
        self.search.setClearButtonEnabled(True)
        search_label = QLabel("&Search", self)
        search_label.setBuddy(self.search)

        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.setAccessibleName("Status filter")
        self.status_filter.addItem("Any", ())
        self.status_filter.addItem("Open", tuple(s.value for s in CaseStatus if s in OPEN_STATUSES))
        for status in CaseStatus:
            self.status_filter.addItem(status.label, (status.value,))
        status_label = QLabel("S&tatus", self)
        status_label.setBuddy(self.status_filter)

        self.service_filter = QComboBox(self)
        self.service_filter.setObjectName("serviceFilter")
        self.service_filter.setAccessibleName("Service filter")
        self.service_filter.addItem("Any service", None)
        service_label = QLabel("Ser&vice", self)
        service_label.setBuddy(self.service_filter)

        self.category_filter = QComboBox(self)
        self.category_filter.setObjectName("categoryFilter")
        self.category_filter.setAccessibleName("Category filter")
        self.category_filter.addItem("Any category", None)
        for combo in (self.service_filter, self.category_filter):
            # Filled in the background after the first show: size to the names, within reason.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        category_label = QLabel("Categor&y", self)
        category_label.setBuddy(self.category_filter)

        self.overdue_filter = QCheckBox("&Overdue only", self)
        self.overdue_filter.setObjectName("overdueFilter")
        self.mine_filter = QCheckBox("&Mine", self)
        self.mine_filter.setObjectName("mineFilter")
        self.mine_filter.setToolTip("Cases I created or last updated")

        self.count = QLabel(self)
        self.count.setObjectName("caseCount")
        self.count.setAccessibleName("Cases found")

        self.columns_button = QToolButton(self)
        self.columns_button.setObjectName("caseColumns")
        # No Alt key left free beside the case view: Tab reaches it, and the Menu key in the table.
        self.columns_button.setText("Columns")
        self.columns_button.setAccessibleName("Choose the columns shown")
        self.columns_button.setToolTip("Choose the columns shown (also the context menu of the table)")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.table = QTableView(self)
        self.table.setObjectName("caseTable")
        self.table.setAccessibleName("Cases")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self._size_columns()
        self.columns_menu = self._build_columns_menu()
        self.columns_button.setMenu(self.columns_menu)
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_columns_menu)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_columns_menu_in_table)
        # The order the first search uses; enabling sorting applies it through model.sort.
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._keep_indicator_on_sortable)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(self._activate_index)
        self.search.installEventFilter(self)

        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.count)
        search_row.addWidget(self.columns_button)
        # Three short rows, so the list can be narrow beside the case it opened.
        filter_row, more_row = QHBoxLayout(), QHBoxLayout()
        for row, label, widget in ((filter_row, status_label, self.status_filter),
                                   (filter_row, service_label, self.service_filter),
                                   (more_row, category_label, self.category_filter)):
            row.addWidget(label)
            row.addWidget(widget, 1)
        more_row.addWidget(self.overdue_filter)
        more_row.addWidget(self.mine_filter)
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addLayout(filter_row)
        layout.addLayout(more_row)
        layout.addWidget(self.table, 1)
        for first, second in ((self.search, self.status_filter),
                              (self.status_filter, self.service_filter),
                              (self.service_filter, self.category_filter),
                              (self.category_filter, self.overdue_filter),
                              (self.overdue_filter, self.mine_filter),
                              (self.mine_filter, self.table),
                              (self.table, self.columns_button)):
            QWidget.setTabOrder(first, second)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.textChanged.connect(self._forget_first_hit)
        self.search.returnPressed.connect(self.open_first_hit)
        for combo in (self.status_filter, self.service_filter, self.category_filter):
            combo.currentIndexChanged.connect(self.apply_search)
        for box in (self.overdue_filter, self.mine_filter):
            box.toggled.connect(self.apply_search)
        self.model.loadingChanged.connect(self._show_count)
        self.model.pageLoaded.connect(self._page_loaded)
        self.model.loadFailed.connect(self._show_failure)
        self.model.modelReset.connect(self._show_count)

        catalogue = workspace.catalogue
        self._runner.run(lambda: (catalogue.list_services(), catalogue.list_categories()),
                         self._fill_catalogue, self._catalogue_failed)
        self.apply_search()

    # -- public ------------------------------------------------------------------
    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected (Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def on_operation_did_execute(self, changes: OpChanges) -> None:
        if changes.touches(Changed.CASES):
            self.refresh()

    def refresh(self) -> None:
        """Search again with the same terms, keeping the selected case selected if still listed."""
        self._reselect = self.selected_reference()
        self.model.refresh()

    def selected_reference(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.reference_at(index.row()) if index.isValid() else None

    def current_query(self) -> CaseQuery:
        """What the search box and filters ask for, in the table's current order."""
        return CaseQuery(
            text=self.search.text().strip(),
            statuses=tuple(self.status_filter.currentData() or ()),
            service_id=self.service_filter.currentData(),
            category_id=self.category_filter.currentData(),
            overdue_only=self.overdue_filter.isChecked(),
            mine_user_id=self._user.id if self.mine_filter.isChecked() else None,
            sort=self.model.sort_key,
            descending=self.model.sort_descending,
        )

    def apply_search(self) -> None:
        """Run the search now (the pause after typing ends here too)."""
        self._search_timer.stop()
        query = self.current_query()
        if query != self.model.query:
            self._reselect = None
            self._open_first_hit = False
            self.model.set_query(query)

    def open_first_hit(self) -> None:
        """Enter in the search box: search now and open the first case found (the only one,
        often), now or as soon as it arrives. With nothing typed Enter only searches."""
        self.apply_search()
        if not self.search.text().strip():
            return
        if self.model.loading and self.model.rowCount() == 0:
            self._open_first_hit = True  # the answer is on its way
        else:
            self._open_first_row()

    def shown_columns(self) -> list[str]:
        """The titles of the columns shown, in the order shown."""
        header = self.table.horizontalHeader()
        return [CaseTableModel.COLUMNS[header.logicalIndex(visual)]
                for visual in range(header.count())
                if not header.isSectionHidden(header.logicalIndex(visual))]

    def set_column_shown(self, column: int, shown: bool) -> None:
        """Show or hide a column (the reference always shows) and remember the choice."""
        if column == CaseTableModel.REFERENCE:
            return
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        if self._column_actions[column].isChecked() != shown:
            self._column_actions[column].setChecked(shown)  # which calls back here once
            return
        hidden = [title for number, title in enumerate(CaseTableModel.COLUMNS)
                  if self.table.horizontalHeader().isSectionHidden(number)]
        self._settings.setValue(HIDDEN_COLUMNS_KEY, ",".join(hidden))
        self._settings.sync()

    # -- slots -------------------------------------------------------------------
    def _fill_catalogue(self, loaded) -> None:
        services, categories = loaded
        for combo, items in ((self.service_filter, services), (self.category_filter, categories)):
            combo.blockSignals(True)  # filling in must not search again
            for item in items:
                combo.addItem(item.name, item.id)
            combo.blockSignals(False)
        for category in categories:
            row = self.category_filter.findData(category.id)
            self.category_filter.setItemData(row, category.group_name, Qt.ItemDataRole.ToolTipRole)

    def _catalogue_failed(self, exc: Exception) -> None:
        self.count.setText(f"Could not load services and categories: {exc}")

    def _page_loaded(self, rows: int, complete: bool) -> None:
        self._show_count()
        if self._open_first_hit:
            self._open_first_hit = False
            self._open_first_row()
            return
        if self._reselect is not None:
            row = self.model.row_of(self._reselect)
            if row >= 0:
                self._select_row(row)
            self._reselect = None

    def _show_count(self) -> None:
        rows = self.model.rowCount()
        if self.model.loading and rows == 0:
            text = "Searching…"
        elif not self.model.complete:
            text = f"{rows:,}+ cases"
        elif rows == 0:
            text = "No cases match"
        else:
            text = "1 case" if rows == 1 else f"{rows:,} cases"
        self.count.setText(text)

    def _show_failure(self, message: str) -> None:
        self._open_first_hit = False
        self.count.setText(f"Search failed: {message}")

    def _keep_indicator_on_sortable(self, column: int, order: Qt.SortOrder) -> None:
        if column not in CaseTableModel.SORT_KEYS:
            # The database cannot order by this column: leave the arrow where the rows are.
            wanted = (Qt.SortOrder.DescendingOrder if self.model.sort_descending
                      else Qt.SortOrder.AscendingOrder)
            self.table.horizontalHeader().setSortIndicator(self.model.sort_column(), wanted)

    def _forget_first_hit(self) -> None:
        self._open_first_hit = False  # typing on asks a new question

    def _open_first_row(self) -> None:
        if self.model.rowCount():
            self._select_row(0)
            self._activate_index(self.model.index(0, 0))

    def _build_columns_menu(self) -> QMenu:
        menu = QMenu("Columns", self)
        menu.setObjectName("caseColumnsMenu")
        hidden = set(filter(None, str(self._settings.value(HIDDEN_COLUMNS_KEY, "") or "")
                            .split(",")))
        header = self.table.horizontalHeader()
        self._column_actions: dict[int, QAction] = {}
        for column in COLUMN_ORDER:
            title = CaseTableModel.COLUMNS[column]
            action = menu.addAction(title)
            action.setCheckable(True)
            shown = column == CaseTableModel.REFERENCE or title not in hidden
            action.setChecked(shown)
            action.setEnabled(column != CaseTableModel.REFERENCE)  # a row needs its name
            header.setSectionHidden(column, not shown)
            action.toggled.connect(lambda on, c=column: self.set_column_shown(c, on))
            self._column_actions[column] = action
        return menu

    def _show_columns_menu(self, position: QPoint) -> None:
        self.columns_menu.popup(self.table.horizontalHeader().mapToGlobal(position))

    def _show_columns_menu_in_table(self, position: QPoint) -> None:
        self.columns_menu.popup(self.table.viewport().mapToGlobal(position))

    def _activate_index(self, index: QModelIndex) -> None:
        reference = self.model.reference_at(index.row()) if index.isValid() else None
        if reference:
            self.caseActivated.emit(reference)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.FontChange:
            self._fit_columns_to_font()
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.table and event.key() in _ACTIVATE_KEYS:
                self._activate_index(self.table.currentIndex())
                return True
            if watched is self.search and event.key() == Qt.Key.Key_Down:
                self.apply_search()
                if self.model.rowCount():
                    current = self.table.currentIndex()
                    self._select_row(current.row() if current.isValid() else 0)
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        self._fit_columns_to_font()
        for visual, column in enumerate(COLUMN_ORDER):
            header.moveSection(header.visualIndex(column), visual)
        # The last column shown takes what is left when few are shown.
        header.setStretchLastSection(True)

    def _fit_columns_to_font(self) -> None:
        """Widths for the longest usual values; again when a stylesheet changes the font."""
        metrics = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)  # as the stylesheets draw the headings
        titles = QFontMetrics(bold)
        padding = 2 * metrics.horizontalAdvance("M")  # snug: who and where fit beside a case
        arrow = metrics.horizontalAdvance("M")  # room for the sort arrow beside a heading
        samples = {
            CaseTableModel.REFERENCE: "BEN-2026-000000",
            CaseTableModel.RECEIVED: DATETIME_SAMPLE,
            CaseTableModel.STATUS: "In progress",
            CaseTableModel.CATEGORY: "Illegal or obstructive parking",
            CaseTableModel.SERVICE: "Housing repairs",
            CaseTableModel.CALLER: "Margaret Richardson",
            CaseTableModel.LOCATION: "12 Wentworth Road, Rawmarsh",
            CaseTableModel.POSTCODE: "S60 2AB",
            CaseTableModel.DUE: DATETIME_SAMPLE,
            CaseTableModel.PHONE: "01709 336003",
        }
        widths = {column: padding + max(metrics.horizontalAdvance(sample),
                                        titles.horizontalAdvance(CaseTableModel.COLUMNS[column])
                                        + arrow)
                  for column, sample in samples.items()}
        header = self.table.horizontalHeader()
        for column, width in widths.items():
            header.resizeSection(column, width)
