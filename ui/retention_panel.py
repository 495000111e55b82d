"""Retention: each category group's period, a preview of what is due, and anonymising it.

The table lists the groups with their period and the closed cases already past
it. Choosing a row fills the period below, where it can be changed (or set to
keep indefinitely) and saved. "Preview" is a dry run: it lists what would be
anonymised and changes nothing. "Anonymise now" previews first, asks for
confirmation naming how many cases, then runs on the task runner's writer
thread, showing progress case by case; every case before an interruption stays
anonymised and running again carries on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.errors import ContactDeskError
from contactdesk.domain.permissions import Permission
from contactdesk.dtos.retention import RetentionPeriod, RetentionRun

from .dashboard_parts import NUMBER_ALIGN
from .table_model import FlatTableModel, Index

# References the message names before "and N more".
LISTED = 12


class PeriodsModel(FlatTableModel):
    COLUMNS = ("Category group", "Prefix", "Kept after closure", "Closed cases past it")
    NAME, PREFIX, PERIOD, PAST = range(4)

    def period_at(self, row: int) -> RetentionPeriod | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        period = self.row_at(index)
        if period is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (period.name, period.prefix, period.period_text,
                    f"{period.past_retention:,}")[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.PAST:
            return NUMBER_ALIGN
        return None


def _ask(parent: QWidget) -> Callable[[str], bool]:
    def confirm(question: str) -> bool:
        answer = QMessageBox.question(
            parent, "Anonymise closed cases", question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
    return confirm


def _listed(run: RetentionRun) -> str:
    if not run.cases:
        return ""
    names = ", ".join(case.reference for case in run.cases[:LISTED])
    more = f" and {run.total - LISTED} more" if run.total > LISTED else ""
    return f"\nCases: {names}{more}."


class RetentionPanel(QWidget):
    # (done, total) after each case is committed; emitted on the writer thread and
    # delivered on the GUI thread.
    progressed = Signal(int, int)
    runFinished = Signal(object)  # the RetentionRun shown

    def __init__(self, workspace, runner, parent: QWidget | None = None, *,
                 confirm: Callable[[str], bool] | None = None):
        super().__init__(parent)
        self.setObjectName("retentionPanel")
        self._workspace, self._runner = workspace, runner
        self._confirm = confirm or _ask(self)
        self.model = PeriodsModel(self)

        heading = QLabel("Retention of closed cases", self)
        heading.setProperty("role", "heading")
        note = QLabel(
            "Each category group keeps its closed cases for a number of months after closure; "
            "then the caller's name, phone and address and everything typed are removed. "
            "Category, service, dates, status and outcome stay, so figures and reports do not "
            "change. Complaints are not touched: they have their own retention rules.", self)
        note.setWordWrap(True)
        note.setProperty("role", "note")

        self.table = QTableView(self)
        self.table.setObjectName("retentionTable")
        self.table.setAccessibleName("Retention period of each category group")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PeriodsModel.NAME, QHeaderView.ResizeMode.Stretch)

        self.months = QSpinBox(self, objectName="retentionMonths", minimum=1, maximum=1200,
                               value=72, suffix=" months")
        self.months.setAccessibleName("Months kept after closure")
        self.keep = QCheckBox("&Keep indefinitely", self, objectName="retentionKeep")
        self.save_button = QPushButton("&Save period", self, objectName="retentionSave")
        self.preview_button = QPushButton("&Preview", self, objectName="retentionPreview")
        self.preview_button.setToolTip("List what would be anonymised today; changes nothing")
        self.run_button = QPushButton("&Anonymise now…", self, objectName="retentionRun")
        self.progress = QProgressBar(self, objectName="retentionProgress")
        self.progress.setAccessibleName("Cases anonymised")
        self.progress.hide()
        self.message = QLabel("", self, objectName="retentionMessage", wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        period_row = QHBoxLayout()
        months_label = QLabel("&Months after closure:", self)
        months_label.setBuddy(self.months)
        for widget in (months_label, self.months, self.keep, self.save_button):
            period_row.addWidget(widget)
        period_row.addStretch(1)
        run_row = QHBoxLayout()
        run_row.addWidget(self.preview_button)
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(period_row)
        layout.addLayout(run_row)
        layout.addWidget(self.message)
        chain = (self.table, self.months, self.keep, self.save_button, self.preview_button,
                 self.run_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.keep.toggled.connect(lambda keep: self.months.setEnabled(not keep))
        self.save_button.clicked.connect(self.save_period)
        self.preview_button.clicked.connect(self.preview)
        self.run_button.clicked.connect(self.anonymise_now)
        self.progressed.connect(self._show_progress)

        self._allowed = workspace.may(Permission.MANAGE_RETENTION)
        if not self._allowed:  # the operations refuse them too
            self._set_busy(True)
            self.message.setText("Only an administrator may set retention periods or "
                                 "anonymise closed cases.")
            return
        self.refresh()

    # -- the periods ---------------------------------------------------------------------

    def refresh(self) -> None:
        ops = self._workspace.retention
        self._runner.run(ops.retention_periods, self._show_periods, self._failed)

    def _show_periods(self, periods) -> None:
        chosen = self.selected_period()
        self.model.set_rows(periods)
        codes = [p.code for p in periods]
        row = codes.index(chosen.code) if chosen and chosen.code in codes else 0
        if periods:
            self.table.selectRow(row)
            self._row_chosen()

    def selected_period(self) -> RetentionPeriod | None:
        return self.model.period_at(self.table.currentIndex().row())

    def _row_chosen(self, *_args) -> None:
        period = self.selected_period()
        if period is None:
            return
        self.keep.setChecked(period.months is None)
        if period.months is not None:
            self.months.setValue(period.months)

    def save_period(self) -> None:
        period = self.selected_period()
        if period is None:
            self.message.setText("Choose a category group in the table first.")
            return
        months = None if self.keep.isChecked() else self.months.value()
        ops = self._workspace.retention
        self._runner.run(lambda: ops.set_retention(period.code, months), self._saved,
                         self._failed, write=True)

    def _saved(self, period: RetentionPeriod) -> None:
        if period.months is None:
            self.message.setText(f"{period.name}: closed cases are kept indefinitely.")
        else:
            self.message.setText(
                f"{period.name}: closed cases are kept {period.period_text} after closure; "
                f"{period.past_retention} are past it today.")
        self.refresh()

    # -- previewing and running ---------------------------------------------------------

    def preview(self) -> None:
        self.message.setText("Looking for closed cases past retention…")
        ops = self._workspace.retention
        self._runner.run(lambda: ops.run_retention(dry_run=True),
                         lambda run: self.message.setText(run.summary() + _listed(run)),
                         self._failed)

    def anonymise_now(self) -> None:
        self._set_busy(True)
        self.message.setText("Looking for closed cases past retention…")
        ops = self._workspace.retention
        self._runner.run(lambda: ops.run_retention(dry_run=True), self._confirm_run,
                         self._failed)

    def _confirm_run(self, preview: RetentionRun) -> None:
        if not preview.cases:
            self._set_busy(False)
            self.message.setText(preview.summary())
            return
        question = (f"Anonymise {preview.total} closed case{'s' if preview.total != 1 else ''} "
                    f"past retention? Callers' names, phones and addresses and everything "
                    f"typed on {'them' if preview.total != 1 else 'it'} are removed for good.")
        if not self._confirm(question):
            self._set_busy(False)
            self.message.setText("Nothing was anonymised.")
            return
        self.progress.setRange(0, preview.total)
        self.progress.setValue(0)
        self.progress.show()
        self.message.setText(f"Anonymising {preview.total} closed cases…")
        ops, report = self._workspace.retention, self.progressed.emit
        self._runner.run(lambda: ops.run_retention(progress=report), self._run_done,
                         self._run_failed, write=True)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _run_done(self, run: RetentionRun) -> None:
        self._set_busy(False)
        self.message.setText(run.summary())
        self.runFinished.emit(run)
        self.refresh()

    def _run_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        done = max(self.progress.value(), 0)
        self.message.setText(
            f"The run stopped after {done} case{'s' if done != 1 else ''}. {self._reason(exc)} "
            "The cases anonymised before it stay anonymised: run it again to carry on.")
        self.refresh()

    # -- state ---------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.save_button, self.preview_button, self.run_button, self.months,
                       self.keep):
            widget.setEnabled(not busy)
        if not busy:
            self.months.setEnabled(not self.keep.isChecked())

    def _failed(self, exc: Exception) -> None:
        self._set_busy(not self._allowed)
        self.message.setText(self._reason(exc))

    @staticmethod
    def _reason(exc: Exception) -> str:
        if isinstance(exc, ContactDeskError):
            text = str(exc)
            text = text[:1].upper() + text[1:]
            return text if text.endswith(".") else text + "."
        return (f"An unexpected error ({type(exc).__name__}) got in the way: try again, and "
                "tell IT support if it happens again.")
