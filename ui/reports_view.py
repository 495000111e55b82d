"""Reports: choose a report and its dates, preview its pages, print it or save the PDF.

The PDF is built by the core (the same as ``contactdesk report ...``) on the
task runner into a private temporary folder, then shown page by page with
Qt's PDF viewer. Printing sends that same PDF, the one Save writes, to the
printer chosen in the print dialog (report_printing.py), in the background.
Spreadsheet exports of calls, cases and queue attempts sit below, with dates
of their own: an export covers exactly the days shown beside its button.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QTemporaryDir, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.call_metrics import BASIS_FORMULAS, Basis, Definition
from contactdesk.domain.permissions import Permission

from .dashboard_parts import london_today
from .report_printing import PrintingFailed, PrintJob, job_from_printer, print_dialog, send


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: str
    spans_dates: bool  # a from-to period; otherwise one day
    build: Callable  # (workspace.reports, date_from, date_to, out, definition) -> Path


REPORTS = [
    ReportKind("daily", "Daily call summary", False,
               lambda ops, day, _to, out, d: ops.daily_report(day, out, d)),
    ReportKind("performance", "Performance report (this year against last)", True,
               lambda ops, start, end, out, d: ops.performance_report(start, end, out, d)),
    ReportKind("complaints", "Complaints report (register and totals)", True,
               lambda ops, start, end, out, _d: ops.complaints_report(start, end, out)),
]
EXPORTS = [("calls", "Calls logged"), ("cases", "Cases"), ("attempts", "Queue attempts (telephony)")]


def _date_edit(name: str, day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd d MMM yyyy")
    return edit


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def _in_words(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _period_in_words(start: date, end: date) -> str:
    return f"on {_in_words(start)}" if start == end else f"from {_in_words(start)} to {_in_words(end)}"


class ReportsView(QWidget):
    reportReady = Signal(str)  # the path of the PDF now shown

    def __init__(self, workspace, runner, parent: QWidget | None = None, *,
                 today: Callable[[], date] = london_today):
        super().__init__(parent)
        self.setObjectName("reportsView")
        self._workspace, self._runner = workspace, runner
        self._folder = QTemporaryDir()
        self._serial = 0
        self.current_pdf: Path | None = None
        self.spooler: str | None = None  # the `lp` program; None: found on the PATH
        yesterday = today() - timedelta(days=1)

        self.kind = QComboBox(objectName="reportKind")
        for kind in REPORTS:
            self.kind.addItem(kind.label, kind.key)
        self.day = _date_edit("reportDay", yesterday)
        start = date(yesterday.year if yesterday.month >= 4 else yesterday.year - 1, 4, 1)
        self.date_from = _date_edit("reportFrom", start)
        self.date_to = _date_edit("reportTo", yesterday)
        self.threshold = QSpinBox(objectName="reportThreshold", minimum=0, maximum=600, value=21,
                                  suffix=" s")
        self.basis = QComboBox(objectName="reportBasis")
        for basis in Basis:
            self.basis.addItem(f"{basis.value}  ({BASIS_FORMULAS[basis]})", basis.value)
        for combo in (self.kind, self.basis):  # long entries must not push the labels off
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        form = QFormLayout()
        self._labels = {}
        for text, field, accessible in (
                ("&Kind of report:", self.kind, "Report"), ("&Day:", self.day, "Day of the summary"),
                ("Fro&m:", self.date_from, "First day of the period"),
                ("&To:", self.date_to, "Last day of the period"),
                ("T&hreshold:", self.threshold, "Answered within, seconds"),
                ("&Basis:", self.basis, "Service-level basis")):
            label = QLabel(text)
            label.setBuddy(field)
            field.setAccessibleName(accessible)
            form.addRow(label, field)
            self._labels[field] = label

        self.preview_button = QPushButton("&Preview", objectName="previewReport")
        self.print_button = QPushButton("Pri&nt…", objectName="printReport")
        self.save_button = QPushButton("&Save PDF…", objectName="saveReport")
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.save_button):
            buttons.addWidget(button)
        self.status = QLabel("", objectName="reportStatus", wordWrap=True)

        self.export_what = QComboBox(objectName="exportWhat")
        for key, text in EXPORTS:
            self.export_what.addItem(text, key)
        self.export_what.setAccessibleName("What to export")
        self.export_button = QPushButton("E&xport…", objectName="exportButton")
        self.export_from = _date_edit("exportFrom", yesterday)
        self.export_to_day = _date_edit("exportTo", yesterday)
        export_title = QLabel("Spreadsheet export")
        export_title.setProperty("role", "heading")
        export_note = QLabel("Calls, cases or queue attempts received on these days, as CSV or "
                             "Excel (its own dates, not the report's).", wordWrap=True)
        export_form = QFormLayout()
        for text, field, accessible in (
                ("&What:", self.export_what, "What to export"),
                ("F&irst day:", self.export_from, "First day to export"),
                ("&Last day:", self.export_to_day, "Last day to export")):
            label = QLabel(text)
            label.setBuddy(field)
            field.setAccessibleName(accessible)
            export_form.addRow(label, field)
            self._labels[field] = label
        # One label column for both forms, so the export's fields line up with the report's.
        widest = max(label.sizeHint().width() for label in self._labels.values())
        for label in self._labels.values():
            label.setMinimumWidth(widest)
        self.export_period = QLabel("", objectName="exportPeriod", wordWrap=True)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_period, 1)
        export_row.addWidget(self.export_button)
        self.export_panel = QWidget(self, objectName="exportPanel")
        export_layout = QVBoxLayout(self.export_panel)
        export_layout.setContentsMargins(0, 12, 0, 0)
        export_layout.addWidget(export_title)
        export_layout.addWidget(export_note)
        export_layout.addLayout(export_form)
        export_layout.addLayout(export_row)
        if not workspace.may(Permission.EXPORT_DATA):  # the export operations refuse them too
            self.export_panel.hide()

        controls = QVBoxLayout()
        controls.addLayout(form)
        controls.addLayout(buttons)
        controls.addWidget(self.status)
        controls.addWidget(self.export_panel)
        controls.addStretch(1)
        side = QWidget()
        side.setLayout(controls)
        side.setMaximumWidth(430)

        self.document = QPdfDocument(self)
        self.preview = QPdfView(self)
        self.preview.setObjectName("reportPreview")
        self.preview.setAccessibleName("Report preview")
        self.preview.setDocument(self.document)
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout = QHBoxLayout(self)
        layout.addWidget(side)
        layout.addWidget(self.preview, 1)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.preview_button.clicked.connect(self.build_report)
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.save_report)
        self.export_button.clicked.connect(self.export_rows)
        for edit in (self.export_from, self.export_to_day):
            edit.dateChanged.connect(self._export_dates_changed)
        self._export_dates_changed()
        self._kind_changed()
        self._set_ready(False)

    # -- choosing ------------------------------------------------------------------------

    def _kind(self) -> ReportKind:
        return REPORTS[self.kind.currentIndex()]

    def _kind_changed(self) -> None:
        spans = self._kind().spans_dates
        for field, shown in ((self.day, not spans), (self.date_from, spans), (self.date_to, spans)):
            field.setVisible(shown)
            self._labels[field].setVisible(shown)

    def _span(self) -> tuple[date, date]:
        if self._kind().spans_dates:
            return _day(self.date_from), _day(self.date_to)
        return _day(self.day), _day(self.day)

    def _set_ready(self, ready: bool) -> None:
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    # -- building and showing -------------------------------------------------------------

    def build_report(self) -> None:
        kind, (start, end) = self._kind(), self._span()
        if end < start:
            self.status.setText("The last day is before the first: change From or To.")
            return
        definition = Definition(self.threshold.value(), Basis(self.basis.currentData()))
        self._serial += 1
        serial = self._serial
        out = Path(self._folder.path()) / f"{kind.key}-{serial}.pdf"
        self.status.setText("Building the report…")
        reports = self._workspace.reports
        self._runner.run(lambda: kind.build(reports, start, end, out, definition),
                         lambda path: self._show(serial, path),
                         lambda exc: self._failed(serial, exc))

    def _show(self, serial: int, path: Path) -> None:
        if serial != self._serial:
            return  # a newer request is on its way
        self.document.load(str(path))
        if self.document.status() != QPdfDocument.Status.Ready:
            self._failed(serial, RuntimeError(f"the report {path.name} could not be opened"))
            return
        self.current_pdf = Path(path)
        pages = self.document.pageCount()
        self.status.setText(f"{self._kind().label}: {pages} page{'s' if pages != 1 else ''}. "
                            "Print it or save the PDF.")
        self._set_ready(True)
        self.reportReady.emit(str(path))

    def _failed(self, serial: int, exc: Exception) -> None:
        if serial == self._serial:
            self.status.setText(f"The report could not be built: {exc}")

    # -- printing and saving --------------------------------------------------------------

    def print_report(self) -> None:
        if self.current_pdf is None:
            return
        printer = QPrinter()
        if print_dialog(printer, self).exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print the current report as chosen in the dialog held by ``printer``."""
        self.send_to_printer(job_from_printer(printer, self.current_pdf, self._kind().label))

    def send_to_printer(self, job: PrintJob) -> None:
        """Hand ``job`` to the spooler in the background; the status line tells the outcome."""
        self.status.setText("Sending the report to the printer…")
        self.print_button.setEnabled(False)
        spooler = self.spooler
        self._runner.run(lambda: send(job, spooler), self._printed, self._print_failed)

    def _printed(self, sentence: str) -> None:
        self.print_button.setEnabled(self.current_pdf is not None)
        self.status.setText(sentence)

    def _print_failed(self, exc: Exception) -> None:
        self.print_button.setEnabled(self.current_pdf is not None)
        self.status.setText(str(exc) if isinstance(exc, PrintingFailed)
                            else f"Could not print: {exc}")

    def save_report(self) -> None:
        if self.current_pdf is None:
            return
        suggested = str(Path.home() / self.current_pdf.name.rsplit("-", 1)[0]) + ".pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Save report", suggested, "PDF (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            shutil.copyfile(self.current_pdf, path)
        except OSError as exc:
            self.status.setText(f"Could not save {path}: {exc.strerror or exc}. "
                                "Choose a folder you can write to.")
            return False
        self.status.setText(f"Saved {path}.")
        return True

    # -- spreadsheet export ---------------------------------------------------------------

    def export_rows(self) -> None:
        what = self.export_what.currentData()
        path, _ = QFileDialog.getSaveFileName(
            self, "Export", str(Path.home() / f"{what}.xlsx"), "Excel (*.xlsx);;CSV (*.csv)")
        if path:
            self.export_to(what, Path(path))

    def _export_span(self) -> tuple[date, date]:
        return _day(self.export_from), _day(self.export_to_day)

    def _export_dates_changed(self) -> None:
        start, end = self._export_span()
        if end < start:
            self.export_period.setText("The last day is before the first: change the dates.")
        else:
            self.export_period.setText(f"Exports rows {_period_in_words(start, end)}.")
        self.export_button.setEnabled(end >= start)

    def export_to(self, what: str, path: Path) -> None:
        start, end = self._export_span()
        if end < start:
            self.status.setText("The export's last day is before its first: change the dates.")
            return
        export = getattr(self._workspace.exports, f"export_{what}")
        period = _period_in_words(start, end)
        self.status.setText(f"Exporting {what} {period}…")
        self._runner.run(lambda: export(path, start, end),
                         lambda n: self.status.setText(f"{n} {what} {period} written to {path}."),
                         lambda exc: self.status.setText(f"Could not export: {exc}"))
