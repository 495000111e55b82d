"""The Reports screen: build, preview, print and save a report; export rows."""

from __future__ import annotations

import stat
from datetime import date

import openpyxl
import pytest
from PySide6.QtCore import QDate
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from ui.report_printing import PrintJob
from ui.reports_view import ReportsView
from ui.tasks import TaskRunner

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

    printer = QPrinter()  # "print to file" in the dialog
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    view.print_to(printer)
    assert f"Printed to the file {printed}" in view.status.text()
    assert page_count(printed) == view.document.pageCount()
    # The report itself, text and all, not a picture of its pages.
    assert "11 5 3 80.00% 27.27% 19.2 s 5 min 00 s" in pdf_rows(printed)
    assert "Daily call summary" in pdf_text(printed)
    assert printed.stat().st_size < 200_000

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


def test_the_export_covers_its_own_dates_not_the_reports(qtbot, supervisor, runner,
                                                          sample_loaded, tmp_path):
    view = make_view(qtbot, supervisor, runner)
    assert view.export_panel.isVisibleTo(view)
    assert view.export_period.text() == "Exports rows on Mon 13 May 2024."
    view.day.setDate(QDate(2024, 5, 10))  # the report's day changes; the export's does not
    out = tmp_path / "attempts.xlsx"
    view.export_to("attempts", out)
    assert view.status.text() == f"11 attempts on Mon 13 May 2024 written to {out}."
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) == 12 and rows[0][0] == "source"

    view.export_from.setDate(QDate(2024, 5, 14))
    view.export_to_day.setDate(QDate(2024, 5, 20))
    assert view.export_period.text() == "Exports rows from Tue 14 May 2024 to Mon 20 May 2024."
    view.export_to("attempts", out)
    assert view.status.text().startswith("0 attempts from Tue 14 May 2024 to Mon 20 May 2024")

    view.export_to_day.setDate(QDate(2024, 5, 1))
    assert not view.export_button.isEnabled() and "before the first" in view.export_period.text()
    view.export_to("attempts", out)
    assert "before its first" in view.status.text()


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


def fake_lp(folder, *, fails_with: str = ""):
    """A real program standing in for CUPS ``lp``: it keeps its arguments and copies the file."""
    script = folder / "lp"
    body = (f'echo "{fails_with}" >&2\nexit 1\n' if fails_with else
            'printf "%s\\n" "$@" > "$(dirname "$0")/lp-args.txt"\n'
            'for last; do :; done\ncp "$last" "$(dirname "$0")/spooled.pdf"\n')
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_printing_hands_the_report_pdf_to_the_spooler(qtbot, workspace, runner, sample_loaded,
                                                      tmp_path):
    view = make_view(qtbot, workspace, runner)
    view.preview_button.click()
    view.spooler = str(fake_lp(tmp_path))
    view.send_to_printer(PrintJob(view.current_pdf, "Daily call summary", "office-2", copies=2))
    assert view.status.text() == "Sent 2 copies to office-2."
    args = (tmp_path / "lp-args.txt").read_text().splitlines()
    assert args[args.index("-d") + 1] == "office-2" and args[args.index("-n") + 1] == "2"
    spooled = tmp_path / "spooled.pdf"
    assert spooled.read_bytes() == view.current_pdf.read_bytes()
    assert "11 5 3 80.00% 27.27% 19.2 s 5 min 00 s" in pdf_rows(spooled)
    assert view.print_button.isEnabled()


def test_a_print_that_cannot_happen_says_why(qtbot, workspace, runner, sample_loaded, tmp_path,
                                             monkeypatch):
    view = make_view(qtbot, workspace, runner)
    view.preview_button.click()
    job = PrintJob(view.current_pdf, "Daily call summary", "office-2")

    view.spooler = str(fake_lp(tmp_path, fails_with="lp: The printer or class does not exist."))
    view.send_to_printer(job)
    assert view.status.text() == ("Could not print to office-2: lp: The printer or class does "
                                  "not exist.")

    view.spooler = None  # found on the PATH, where there is none
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    view.send_to_printer(job)
    assert "no print spooler" in view.status.text() and "Save the PDF" in view.status.text()
    assert view.print_button.isEnabled()


def test_the_window_is_free_while_the_spooler_works(qtbot, workspace, runner, sample_loaded,
                                                    tmp_path):
    view = make_view(qtbot, workspace, runner)
    view.preview_button.click()
    script = fake_lp(tmp_path)
    script.write_text(script.read_text().replace("#!/bin/sh\n", "#!/bin/sh\nsleep 1\n", 1))
    view.spooler = str(script)
    view._runner = TaskRunner(synchronous=False)
    view.send_to_printer(PrintJob(view.current_pdf, "Daily call summary", "office-2"))
    # Back on the GUI thread at once; the spooler is still running.
    assert view.status.text() == "Sending the report to the printer…"
    assert not view.print_button.isEnabled() and not (tmp_path / "spooled.pdf").exists()
    qtbot.waitUntil(lambda: view.status.text() == "Sent the report to office-2.", timeout=10_000)
    assert view.print_button.isEnabled() and (tmp_path / "spooled.pdf").exists()
