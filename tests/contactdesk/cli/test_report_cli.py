"""`contactdesk report` and `contactdesk export calls` as a scheduled task or a manager runs them."""

from __future__ import annotations

from datetime import datetime

import openpyxl

from contactdesk.dtos.calls import CallInput
from contactdesk.persistence.database import Database
from contactdesk.services.calls import log_call

from ...helpers.contexts import context_for
from ...helpers.pdf_text import pdf_text
from ..telephony.test_sample_figures import SAMPLE
from .helpers import one_line_error, run_cli


def test_daily_summary_for_yesterday_unattended(fresh_database_url, tmp_path):
    url = fresh_database_url("sqlite")
    out = tmp_path / "daily.pdf"
    done = run_cli("report", "daily", "--date", "yesterday", "--out", str(out), db=url)
    assert done.code == 0, done.err
    assert "written to" in done.out and "No calls, enquiries or cases" in pdf_text(out)
    bad = run_cli("report", "daily", "--date", "yesterday", "--out", str(tmp_path / "no" / "x.pdf"),
                  db=url)
    assert bad.code == 2 and "does not exist" in one_line_error(bad)


def test_performance_report_from_the_command_line(fresh_database_url, tmp_path):
    url = fresh_database_url("sqlite")
    assert run_cli("import-calls", str(SAMPLE), db=url).code == 0
    out = tmp_path / "performance.pdf"
    done = run_cli("report", "performance", "--from", "2024-04-01", "--to", "2024-06-30",
                   "--threshold", "20", "--out", str(out), db=url)
    assert done.code == 0, done.err
    assert "% of calls answered within 20 seconds" in pdf_text(out)


def test_calls_exported_to_excel_with_real_dates_and_no_formulas(fresh_database_url, tmp_path):
    url = fresh_database_url("sqlite")
    database = Database.open(url)
    try:
        log_call(context_for(database, "agent"),
                 CallInput(caller_phone="01709 823456", caller_name="=HYPERLINK(\"x\")",
                           outcome="information_given", category="Litter",
                           description="+SUM(A1:A9) asked about bins"))
    finally:
        database.dispose()
    out = tmp_path / "calls.xlsx"
    done = run_cli("export", "calls", "--out", str(out), db=url)
    assert done.code == 0 and "1 calls written" in done.out
    sheet = openpyxl.load_workbook(out).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    values = dict(zip(header, row, strict=True))
    assert isinstance(values["started_at"], datetime)
    assert values["caller_phone"] == "+441709823456"
    assert values["caller_name"].startswith("'=") and values["summary"].startswith("'+")
    assert sheet["E2"].data_type == "s"  # text, not a formula
    csv_out = tmp_path / "calls.csv"
    assert run_cli("export", "calls", "--out", str(csv_out), db=url).code == 0
    assert "'=HYPERLINK" in csv_out.read_text()


def test_complaints_report_is_a_report_kind(fresh_database_url, tmp_path):
    out = tmp_path / "complaints.pdf"
    done = run_cli("report", "complaints", "--from", "2026-04-01", "--to", "2026-06-30",
                   "--out", str(out), db=fresh_database_url("sqlite"))
    assert done.code == 0, done.err
    assert out.stat().st_size > 0
