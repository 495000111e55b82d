"""Reports: choose a report and its dates, preview its pages, print it or save the PDF.

The PDF is built by the core (the same as ``contactdesk report ...``) on the
task runner into a private temporary folder, then shown page by page with
Qt's PDF viewer. Printing renders those same pages through the system print
dialog, so what is printed is what was previewed. Spreadsheet exports of
calls, cases and queue attempts for the same dates sit below.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QPointF, QRectF, QSize, QTemporaryDir, Signal
from PySide6.QtGui import QPainter
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
        export_title = QLabel("Spreadsheet export")
        export_title.setProperty("role", "heading")
        export_note = QLabel("Calls, cases or queue attempts for the dates above, as CSV or Excel.",
                             wordWrap=True)
        export_row = QHBoxLayout()
        export_label = QLabel("&What:")
        export_label.setBuddy(self.export_what)
        export_row.addWidget(export_label)
        export_row.addWidget(self.export_what, 1)
        export_row.addWidget(self.export_button)
        self.export_panel = QWidget(self, objectName="exportPanel")
        export_layout = QVBoxLayout(self.export_panel)
        export_layout.setContentsMargins(0, 12, 0, 0)
        export_layout.addWidget(export_title)
        export_layout.addWidget(export_note)
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
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print report")
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Render the previewed pages on ``printer``; returns the number of pages printed."""
        pages = self.document.pageCount()
        if pages == 0:
            return 0
        painter = QPainter()
        if not painter.begin(printer):
            self.status.setText("The printer could not be started: check it in the print dialog.")
            return 0
        try:
            for page in range(pages):
                if page:
                    printer.newPage()
                target = painter.viewport()
                size = self.document.pagePointSize(page)
                scale = min(target.width() / size.width(), target.height() / size.height())
                image = self.document.render(
                    page, QSize(round(size.width() * scale), round(size.height() * scale)))
                painter.drawImage(QRectF(QPointF(0, 0), image.size().toSizeF()), image)
        finally:
            painter.end()
        self.status.setText(f"Sent {pages} page{'s' if pages != 1 else ''} to the printer.")
        return pages

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

    def export_to(self, what: str, path: Path) -> None:
        start, end = _day(self.date_from), _day(self.date_to)
        if not self._kind().spans_dates:
            start = end = _day(self.day)
        export = getattr(self._workspace.exports, f"export_{what}")
        self.status.setText(f"Exporting {what}…")
        self._runner.run(lambda: export(path, start, end),
                         lambda n: self.status.setText(f"{n} {what} written to {path}."),
                         lambda exc: self.status.setText(f"Could not export: {exc}"))
