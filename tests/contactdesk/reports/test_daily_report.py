"""The daily call summary, generated on known data and read back from the PDF."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from contactdesk.domain.call_metrics import Definition
from contactdesk.domain.working_time import LONDON
from contactdesk.reports.daily import write_daily_report
from contactdesk.reports.pdf import ReportError
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.users import add_user
from contactdesk.telephony.importer import import_call_log

from ...helpers.pdf_text import embedded_fonts, page_count, pdf_rows, pdf_text
from ..telephony.test_sample_figures import DAY, SAMPLE


def test_call_handling_of_the_sample_day(engine, tmp_path):
    import_call_log(engine, SAMPLE)
    out = write_daily_report(engine, DAY, tmp_path / "daily.pdf",
                             now=datetime(2024, 5, 13, 20, 30, tzinfo=LONDON))
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


def test_the_threshold_changes_the_figures_and_the_definition(engine, tmp_path):
    import_call_log(engine, SAMPLE)
    out = write_daily_report(engine, DAY, tmp_path / "daily.pdf", Definition(20))
    rows = pdf_rows(out)
    assert "11 5 3 60.00% 27.27% 19.2 s 5 min 00 s" in rows
    assert "T = 20 s" in pdf_text(out)


def test_enquiries_cases_and_agents_logged_in_the_app(engine, tmp_path):
    agent = add_user(engine, "zoe", "agent", "Zoë Ng").id  # a name beyond Latin-1 prints
    for category, outcome in [("Fly tipping", "case_created"), ("Fly tipping", "case_created"),
                              ("Council tax payment", "resolved_first_contact")]:
        log_call(engine, CallInput(caller_phone="01709 823456", caller_name="Ann Jones",
                                   address="14 Wellgate", category=category, outcome=outcome,
                                   description=category), agent)
    today = datetime.now(LONDON).date()
    rows = pdf_rows(write_daily_report(engine, today, tmp_path / "today.pdf"))
    assert "Streetpride 2 66.67%" in rows and "Local Taxation 1 33.33%" in rows
    assert "Total 3 100.00%" in rows
    assert "Fly tipping 2 66.67%" in rows and "Council tax payment 1 33.33%" in rows
    assert "2 1 0" in rows  # cases created, resolved at first contact, overdue
    assert any(row.startswith("Zoë Ng 3 ") and row.endswith(" 2") for row in rows)
    # No telephony feed: the app's call timer is the source, and says so.
    assert "the app's call timer" in pdf_text(tmp_path / "today.pdf")


def test_a_day_with_no_data_says_so(engine, tmp_path):
    out = write_daily_report(engine, date(2024, 12, 25), tmp_path / "christmas.pdf")
    assert "No calls, enquiries or cases were recorded on this day." in pdf_text(out)
    assert page_count(out) == 1


def test_an_output_that_cannot_be_written_is_a_clear_error(engine, tmp_path):
    with pytest.raises(ReportError, match="the folder .* does not exist"):
        write_daily_report(engine, DAY, tmp_path / "missing" / "daily.pdf")
    with pytest.raises(ReportError, match="must end in .pdf"):
        write_daily_report(engine, DAY, tmp_path / "daily.docx")
    with pytest.raises(ReportError, match="cannot write /proc/daily.pdf: .*choose a folder"):
        write_daily_report(engine, DAY, "/proc/daily.pdf")  # refused even to root
    assert not list(tmp_path.glob("**/.report-*"))  # no half-written files left behind


def test_complaints_received_and_answered_that_day(engine, tmp_path):
    from contactdesk.services.complaints import ComplaintInput, log_complaint, record_outcome

    supervisor = add_user(engine, "sup", "supervisor", "Sam Taylor").id
    day = date(2026, 3, 10)
    for text in ("Bin missed three weeks running", "Rude reply to a letter"):
        log_complaint(engine, ComplaintInput(complainant_name="Ann Jones", service="Streetpride",
                                             description=text, received_on=day,
                                             officer_id=supervisor), supervisor, today=day)
    first = log_complaint(engine, ComplaintInput(complainant_name="Bob Lee", service="Streetpride",
                                                 description="Fence damaged by the crew",
                                                 received_on=date(2026, 3, 2),
                                                 officer_id=supervisor), supervisor, today=day)
    record_outcome(engine, first.reference, "upheld", day, supervisor,
                   lessons_learnt="Crews to photograph the site before and after", today=day)
    rows = pdf_rows(write_daily_report(engine, day, tmp_path / "complaints.pdf"))
    assert "Received Answered Upheld Partly upheld Not upheld Withdrawn" in rows
    assert "2 1 1 0 0 0" in rows
