"""The Reports screen: build, preview, print and save a report; export rows."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from PySide6.QtCore import QDate
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from ui.reports_view import ReportsView

from ..contactdesk.telephony.test_sample_figures import SAMPLE
from ..helpers.pdf_text import page_count, pdf_rows, pdf_text


@pytest.fixture
def sample_loaded(supervisor):
    supervisor.telephony.import_call_log(SAMPLE)


def make_view(qtbot, workspace, runner):
    view = ReportsView(workspace, runner, today=lambda: date(2024, 5, 14))
    qtbot.addWidget(view)
    view.show()
    return view


def test_daily_summary_previewed_printed_and_saved(qtbot, workspace, runner, sample_loaded,
                                                   tmp_path):
    view = make_view(qtbot, workspace, runner)
    assert view.day.date() == QDate(2024, 5, 13)  # yesterday by default
    assert not view.print_button.isEnabled()
    view.preview_button.click()
    assert view.document.status() == QPdfDocument.Status.Ready and view.document.pageCount() >= 1
    assert "11 5 3 80.00% 27.27% 19.2 s 5 min 00 s" in pdf_rows(view.current_pdf)
    assert view.print_button.isEnabled() and "page" in view.status.text()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert view.print_to(printer) == view.document.pageCount()
    assert page_count(printed) == view.document.pageCount()

    saved = tmp_path / "summary.pdf"
    assert view.save_to(saved) and "Daily call summary" in pdf_text(saved)
    assert not view.save_to(tmp_path / "missing" / "x.pdf")
    assert "Could not save" in view.status.text() and "Choose a folder" in view.status.text()


def test_the_performance_report_takes_a_period(qtbot, workspace, runner, sample_loaded):
    view = make_view(qtbot, workspace, runner)
    view.kind.setCurrentIndex(view.kind.findData("performance"))
    assert view.date_from.isVisibleTo(view) and not view.day.isVisibleTo(view)
    assert view.date_from.date() == QDate(2024, 4, 1)
    view.threshold.setValue(20)
    view.preview_button.click()
    assert "% of calls answered within 20 seconds" in pdf_text(view.current_pdf)
    view.date_to.setDate(QDate(2024, 3, 1))
    view.preview_button.click()
    assert "before the first" in view.status.text()


def test_export_for_the_chosen_day(qtbot, supervisor, runner, sample_loaded, tmp_path):
    view = make_view(qtbot, supervisor, runner)
    assert view.export_panel.isVisibleTo(view)
    out = tmp_path / "attempts.xlsx"
    view.export_to("attempts", out)
    assert "11 attempts written" in view.status.text()
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) == 12 and rows[0][0] == "source"


def test_the_complaints_report_from_the_same_screen(qtbot, workspace, runner):
    view = make_view(qtbot, workspace, runner)
    view.kind.setCurrentIndex(view.kind.findData("complaints"))
    assert view.date_to.isVisibleTo(view)
    view.preview_button.click()
    assert view.current_pdf is not None and view.current_pdf.name.startswith("complaints-")
    assert view.document.pageCount() >= 1


def test_an_agent_is_offered_no_export(qtbot, workspace, runner):
    view = make_view(qtbot, workspace, runner)
    assert not view.export_panel.isVisibleTo(view) and not view.export_button.isVisible()
    assert view.preview_button.isVisible()  # the reports are still theirs to run
