"""The daily call summary, generated on known data and read back from the PDF."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from contactdesk.domain.call_metrics import CallCounts, CallFigures, Definition
from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.complaints_register import ComplaintReport, Tally
from contactdesk.dtos.reports import AgentDay, DailyReportData, DailySummary
from contactdesk.dtos.stats import CallStats
from contactdesk.reports.daily import render_daily
from contactdesk.reports.pdf import ReportError
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.reports import daily_report
from contactdesk.telephony.importer import import_call_log

from ...helpers.pdf_text import embedded_fonts, page_count, pdf_rows, pdf_text
from ..telephony.test_sample_figures import DAY, SAMPLE


def test_call_handling_of_the_sample_day(ctx, make_ctx, tmp_path):
    import_call_log(ctx, SAMPLE)
    # 19:30 UTC is 20:30 in London in May: the foot prints UK time.
    evening = make_ctx("agent", "desk", clock=lambda: datetime(2024, 5, 13, 19, 30, tzinfo=UTC))
    out = daily_report(evening, DAY, tmp_path / "daily.pdf")
    rows = pdf_rows(out)
    assert "Monday 13 May 2024" in rows
    # Offered, answered, abandoned, % within 21 s, % abandoned, ASA, longest wait.
    assert "11 5 3 80.00% 27.27% 19.2 s 5 min 00 s" in rows
    assert "09:00-10:00 11 5 3 80.00% 27.27% 19.2 s" in rows  # the by-hour table, BST
    text = pdf_text(out)
    assert "Service level = A_T / A (basis 'answered'), T = 21 s" in text
    assert "telephony logs (all imported feeds)" in text
    assert "Generated 13 May 2024 20:30" in text and f"Page 1 of {page_count(out)}" in text
    assert any("DejaVuSans" in font for font in embedded_fonts(out))


def test_the_threshold_changes_the_figures_and_the_definition(ctx, tmp_path):
    import_call_log(ctx, SAMPLE)
    out = daily_report(ctx, DAY, tmp_path / "daily.pdf", Definition(20))
    rows = pdf_rows(out)
    assert "11 5 3 60.00% 27.27% 19.2 s 5 min 00 s" in rows
    assert "T = 20 s" in pdf_text(out)


def test_enquiries_cases_and_agents_logged_in_the_app(ctx, make_ctx, tmp_path):
    zoe = make_ctx("agent", "zoe", "Zoë Ng")  # a name beyond Latin-1 prints
    for category, outcome in [("Fly tipping", "case_created"), ("Fly tipping", "case_created"),
                              ("Council tax payment", "resolved_first_contact")]:
        log_call(zoe, CallInput(caller_phone="01709 823456", caller_name="Ann Jones",
                                address="14 Wellgate", category=category, outcome=outcome,
                                description=category))
    today = datetime.now(LONDON).date()
    rows = pdf_rows(daily_report(ctx, today, tmp_path / "today.pdf"))
    assert "Streetpride 2 66.67%" in rows and "Local Taxation 1 33.33%" in rows
    assert "Total 3 100.00%" in rows
    assert "Fly tipping 2 66.67%" in rows and "Council tax payment 1 33.33%" in rows
    assert "2 1 0" in rows  # cases created, resolved at first contact, overdue
    assert any(row.startswith("Zoë Ng 3 ") and row.endswith(" 2") for row in rows)
    # No telephony feed: the app's call timer is the source, and says so.
    assert "the app's call timer" in pdf_text(tmp_path / "today.pdf")


def test_a_day_with_no_data_says_so(ctx, tmp_path):
    out = daily_report(ctx, date(2024, 12, 25), tmp_path / "christmas.pdf")
    assert "No calls, enquiries or cases were recorded on this day." in pdf_text(out)
    assert page_count(out) == 1


def test_an_output_that_cannot_be_written_is_a_clear_error(ctx, tmp_path):
    with pytest.raises(ReportError, match="the folder .* does not exist"):
        daily_report(ctx, DAY, tmp_path / "missing" / "daily.pdf")
    with pytest.raises(ReportError, match="must end in .pdf"):
        daily_report(ctx, DAY, tmp_path / "daily.docx")
    with pytest.raises(ReportError, match="cannot write /proc/daily.pdf: .*choose a folder"):
        daily_report(ctx, DAY, "/proc/daily.pdf")  # refused even to root
    assert not list(tmp_path.glob("**/.report-*"))  # no half-written files left behind


def test_complaints_received_and_answered_that_day(make_ctx, tmp_path):
    from contactdesk.services.complaints import ComplaintInput, log_complaint, record_outcome

    sam = make_ctx("supervisor", "sup", "Sam Taylor")
    day = date(2026, 3, 10)
    for text in ("Bin missed three weeks running", "Rude reply to a letter"):
        log_complaint(sam, ComplaintInput(complainant_name="Ann Jones", service="Streetpride",
                                          description=text, received_on=day,
                                          officer_id=sam.actor.user_id), today=day)
    first = log_complaint(sam, ComplaintInput(complainant_name="Bob Lee", service="Streetpride",
                                              description="Fence damaged by the crew",
                                              received_on=date(2026, 3, 2),
                                              officer_id=sam.actor.user_id), today=day)
    record_outcome(sam, first.reference, "upheld", day,
                   lessons_learnt="Crews to photograph the site before and after", today=day)
    rows = pdf_rows(daily_report(sam, day, tmp_path / "complaints.pdf"))
    assert "Received Answered Upheld Partly upheld Not upheld Withdrawn" in rows
    assert "2 1 1 0 0 0" in rows


# -- rendered from plain data: no database --------------------------------------------------

def _figures(day: date, definition: Definition, **counts) -> CallFigures:
    return CallFigures(day, day, definition, CallCounts(**counts))


def test_the_report_renders_from_a_hand_built_data_object(tmp_path):
    day, definition = date(2025, 2, 3), Definition(20)
    # 10 offered: 8 answered (6 within 20 s, waits 96 s in all), 2 abandoned.
    counts = dict(offered=10, answered=8, answered_within=6, abandoned=2,
                  answered_wait_total=96, answered_wait_count=8, longest_wait=75)
    calls = CallStats(_figures(day, definition, **counts), "telephony", "a test switchboard",
                      ((9, _figures(day, definition, **counts)),))
    summary = DailySummary(
        day=day, council_name="Hand-built Borough Council", calls=calls,
        by_category=(("Fly tipping", 3), ("Missed bin", 1)),
        by_service=(("Streetpride", 4),), enquiries=4, cases_created=3,
        resolved_first_contact=1, overdue_at_close=2,
        agents=(AgentDay("Zoë Ng", 4, 150.0, 3),))
    complaints = ComplaintReport(day, day, (), Tally("All complaints", received=2), (), (), 5)
    data = DailyReportData("Hand-built Borough Council", definition, summary, complaints)

    out = render_daily(data, tmp_path / "plain.pdf",
                       generated_at=datetime(2025, 2, 3, 18, 5, tzinfo=UTC))
    rows = pdf_rows(out)
    text = pdf_text(out)
    assert "Monday 03 February 2025" in rows
    assert "10 8 2 75.00% 20.00% 12.0 s 1 min 15 s" in rows
    assert "09:00-10:00 10 8 2 75.00% 20.00% 12.0 s" in rows
    assert "Streetpride 4 100.00%" in rows and "Fly tipping 3 75.00%" in rows
    assert "3 1 2" in rows  # cases created, resolved at first contact, overdue
    assert "Zoë Ng 4 2 min 30 s 3" in rows
    assert "2 0 0 0 0 0" in rows  # complaints received, none answered
    assert "Hand-built Borough Council" in text and "a test switchboard" in text
    assert "T = 20 s" in text
    assert "Generated 03 February 2025 18:05" in text  # GMT in February: UTC as it is


def test_an_app_only_day_prints_no_data_not_zero(ctx, make_ctx, tmp_path):
    zoe = make_ctx("agent", "zoe", "Zoë Ng")
    log_call(zoe, CallInput(caller_phone="01709 823456", address="14 Wellgate",
                            category="Fly tipping", description="Mattress"))
    out = daily_report(ctx, datetime.now(LONDON).date(), tmp_path / "today.pdf")
    rows, text = pdf_rows(out), pdf_text(out)
    # Offered, answered, then abandoned, % within, % abandoned, ASA, longest wait: none known.
    assert "1 1 no data no data no data no data no data" in rows
    assert "0.00%" not in text.split()
    assert "no telephony feed imported for this day: import the queue_log" in text
