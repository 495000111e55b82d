"""The complaints register: filters, the deadline countdown, late and due-soon highlighting.

Every filter change asks the register service again (in the background); the
search box waits for a short pause in typing. Enter or a double-click opens
the complaint (``complaintActivated``); Down in the search box moves to the
table. Late rows are red and rows due within two working days amber, with
the countdown spelling it out for anyone who cannot tell the colours apart.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.complaints import Outcome, Stage
from contactdesk.dtos.complaints_register import RegisterQuery

from .complaints_model import DATE_SAMPLE, ComplaintRegisterModel

SEARCH_DELAY_MS = 200
_OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _buddy(text: str, widget: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(widget)
    return label


class ComplaintsRegisterView(QWidget):
    complaintActivated = Signal(str)  # the reference to open
    logRequested = Signal()  # the "Log complaint" button
    registerShown = Signal(object)  # the Register now on screen

    def __init__(self, workspace, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("complaintsRegister")
        self._workspace, self._runner = workspace, runner
        self._user = workspace.user  # "Mine" are the signed-in person's complaints
        self._generation = 0
        self._query: RegisterQuery | None = None
        self._reselect: str | None = None
        self.register = None
        self.model = ComplaintRegisterModel(self)

        self.search = QLineEdit(self)
        self.search.setObjectName("complaintSearch")
        self.search.setAccessibleName("Search complaints")
        self.search.setPlaceholderText("Reference, complainant or words of the complaint")
        self.search.setClearButtonEnabled(True)
        self.log_button = QPushButton("&Log complaint…", self)
        self.log_button.setObjectName("logComplaintButton")
        self.log_button.setToolTip("Log a new complaint (Ctrl+Shift+N)")
        self.stage = self._combo("complaintStageFilter", "Stage filter",
                                 [("Any stage", None)] + [(s.label, s.value) for s in Stage])
        self.service = self._combo("complaintServiceFilter", "Service filter",
                                   [("Any service", None)])
        self.outcome = self._combo("complaintOutcomeFilter", "Outcome filter",
                                   [("Any", None), ("Open (no outcome yet)", "open")]
                                   + [(o.label, o.value) for o in Outcome])
        self.overdue = QCheckBox("Over&due", self)
        self.overdue.setObjectName("complaintOverdueFilter")
        self.overdue.setToolTip("Acknowledgement or answer past its deadline")
        self.due_soon = QCheckBox("Due s&oon", self)
        self.due_soon.setObjectName("complaintDueSoonFilter")
        self.due_soon.setToolTip("Due today or within the next 2 working days")
        self.mine = QCheckBox("Assigned to &me", self)
        self.mine.setObjectName("complaintMineFilter")
        self.count = QLabel(self)
        self.count.setObjectName("complaintCount")
        self.count.setAccessibleName("Complaints found")

        self.table = QTableView(self)
        self.table.setObjectName("complaintTable")
        self.table.setAccessibleName("Complaints register")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self._size_columns()
        self.table.installEventFilter(self)
        self.search.installEventFilter(self)
        self.table.doubleClicked.connect(self._activate)

        top = QHBoxLayout()
        top.addWidget(_buddy("&Search", self.search, self))
        top.addWidget(self.search, 1)
        top.addWidget(self.log_button)
        filters = QHBoxLayout()
        for text, combo in (("Sta&ge", self.stage), ("Ser&vice", self.service),
                            ("Ou&tcome", self.outcome)):
            filters.addWidget(_buddy(text, combo, self))
            filters.addWidget(combo, 1)
        checks = QHBoxLayout()
        for box in (self.overdue, self.due_soon, self.mine):
            checks.addWidget(box)
        checks.addStretch(1)
        legend = QLabel("Red: late. Amber: due today or within 2 working days.", self)
        legend.setObjectName("complaintLegend")
        legend.setProperty("role", "note")
        legend.setWordWrap(True)
        checks.addWidget(legend)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(checks)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        chain = (self.search, self.log_button, self.stage, self.service, self.outcome,
                 self.overdue, self.due_soon, self.mine, self.table)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self.apply_filters)
        for combo in (self.stage, self.service, self.outcome):
            combo.currentIndexChanged.connect(self.apply_filters)
        for box in (self.overdue, self.due_soon, self.mine):
            box.toggled.connect(self.apply_filters)
        self.log_button.clicked.connect(self.logRequested)
        runner.run(workspace.catalogue.list_services, self._fill_services,
                   lambda exc: self.count.setText(f"Could not load the services: {exc}"))
        self.apply_filters()

    def _combo(self, name: str, accessible: str, items) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        for text, value in items:
            combo.addItem(text, value)
        # Sized to a few letters, not the longest item, so the register fits half a screen.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(9)
        return combo

    # -- public ------------------------------------------------------------------
    def current_query(self) -> RegisterQuery:
        return RegisterQuery(
            text=self.search.text().strip(), stage=self.stage.currentData(),
            service_id=self.service.currentData(), outcome=self.outcome.currentData(),
            officer_id=self._user.id if self.mine.isChecked() else None,
            overdue_only=self.overdue.isChecked(), due_soon_only=self.due_soon.isChecked())

    def apply_filters(self) -> None:
        self._timer.stop()
        query = self.current_query()
        if query != self._query:
            self._query = query
            self._reselect = None
            self._load()

    def refresh(self, select: str | None = None) -> None:
        """Ask again with the same filters; keep (or move to) the selected complaint."""
        self._reselect = select or self.selected_reference()
        self._query = self.current_query()
        self._load()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def selected_reference(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.reference_at(index.row()) if index.isValid() else None

    # -- loading -----------------------------------------------------------------
    def _load(self) -> None:
        self._generation += 1
        generation, query, complaints = self._generation, self._query, self._workspace.complaints
        self.count.setText("Searching…")
        self._runner.run(lambda: complaints.search_register(query),
                         lambda found: self._loaded(generation, found),
                         lambda exc: self._failed(generation, exc))

    def _loaded(self, generation: int, register) -> None:
        if generation != self._generation:
            return
        self.register = register
        self.model.set_rows(register.rows)
        shown = len(register.rows)
        text = "No complaints match" if not shown else \
            f"{shown:,}{'' if register.complete else '+'} complaint{'s' if shown != 1 else ''}"
        if register.late or register.due_soon:
            text += f": {register.late} late, {register.due_soon} due soon"
        self.count.setText(text)
        if self._reselect:
            row = self.model.row_of(self._reselect)
            if row >= 0:
                self._select(row)
            self._reselect = None
        self.registerShown.emit(register)

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self.count.setText(f"Could not load the register: {exc}")

    def _fill_services(self, services) -> None:
        self.service.blockSignals(True)
        for service in services:
            self.service.addItem(service.name, service.id)
        self.service.blockSignals(False)

    # -- keys and rows -------------------------------------------------------------
    def _select(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _activate(self, index: QModelIndex) -> None:
        reference = self.model.reference_at(index.row()) if index.isValid() else None
        if reference:
            self.complaintActivated.emit(reference)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.table and event.key() in _OPEN_KEYS:
                self._activate(self.table.currentIndex())
                return True
            if watched is self.search and event.key() == Qt.Key.Key_Down:
                self.apply_filters()
                if self.model.rowCount():
                    current = self.table.currentIndex()
                    self._select(current.row() if current.isValid() else 0)
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)  # late countdowns are bold
        pad = 3 * metrics.horizontalAdvance("M")  # the stylesheet's cell padding, and a margin
        m = ComplaintRegisterModel
        widths = {m.REFERENCE: "CMP-2026-000000", m.RECEIVED: DATE_SAMPLE,
                  m.COMPLAINANT: "Margaret Richardson", m.SERVICE: "Revenues & Payments",
                  m.STAGE: "Ombudsman", m.OFFICER: "Andrew Bramall", m.DEADLINE: DATE_SAMPLE,
                  m.OUTCOME: "Partly upheld"}
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        for column, sample in widths.items():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + pad)
        header.resizeSection(m.COUNTDOWN, QFontMetrics(bold).horizontalAdvance(
            "Acknowledge: 10 working days late") + pad)
        header.setStretchLastSection(True)
