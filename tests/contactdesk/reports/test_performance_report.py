"""The performance report: this year to date beside last year's, read back from the PDF."""

from __future__ import annotations

from datetime import date, datetime

from contactdesk.domain.working_time import LONDON
from contactdesk.services.reports import performance_report
from contactdesk.telephony.importer import import_call_log

from ...helpers.pdf_text import pdf_rows, pdf_text
from ..telephony.test_sample_figures import SAMPLE

A_YEAR = 364 * 86400  # 13 May 2024 back to Monday 15 May 2023


def last_year_log(tmp_path):
    """The sample a year earlier, with the 48-second abandon answered instead."""
    lines = []
    for line in SAMPLE.read_text().splitlines():
        parts = line.split("|")
        parts[0] = str(int(parts[0]) - A_YEAR)
        if parts[1] == "1715587301.1006" and parts[4] == "ABANDON":
            parts[3:] = ["PJSIP/201", "CONNECT", "48", "x.1", "3"]
        lines.append("|".join(parts))
    path = tmp_path / "queue_log.2023"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_call_handling_year_to_date_in_the_house_style(ctx, tmp_path):
    import_call_log(ctx, SAMPLE)
    import_call_log(ctx, last_year_log(tmp_path))
    out = performance_report(ctx, date(2024, 4, 1), date(2024, 9, 30),
                             tmp_path / "performance.pdf")
    rows = pdf_rows(out)
    text = pdf_text(out)
    assert "1 April 2024 to 30 September 2024, compared with 1 April 2023 to 30 September 2023" in text
    assert "Indicator YTD at 30 Sep 2024 YTD at 30 Sep 2023 Difference" in rows
    # This year 4 of 5 answered within 21 s; last year 4 of 6 (the 48 s call was answered).
    level = next(r for r in rows if r.startswith("% of calls answered within 21 seconds"))
    assert level.endswith("80.00% 66.67% +13.33 pts better")
    assert "(higher performance is better)" in text and "(lower performance is better)" in text
    abandoned = next(r for r in rows if r.startswith("% of calls abandoned"))
    assert abandoned.endswith("27.27% 18.18% +9.09 pts worse")
    assert any(r.startswith("Calls offered 11 11 +0") for r in rows)


def test_case_handling_by_service(ctx, tmp_path):
    from contactdesk.services.calls import CallInput, log_call

    log_call(ctx, CallInput(caller_phone="01709 823456", address="14 Wellgate",
                            category="Fly tipping", description="Mattress"))
    today = datetime.now(LONDON).date()
    rows = pdf_rows(performance_report(ctx, date(today.year - 1, 4, 1), today,
                                       tmp_path / "p.pdf"))
    assert any(r.startswith("Streetpride 1 0 0 0") for r in rows)
    assert any(r.startswith("All services 1 0 0 0") for r in rows)


def test_complaints_this_year_against_last(make_ctx, tmp_path):
    from contactdesk.services.complaints import ComplaintInput, log_complaint, record_outcome

    sam = make_ctx("supervisor", "sup", "Sam Taylor")
    for received, answered, outcome in [(date(2025, 5, 6), date(2025, 5, 13), "not_upheld"),
                                        (date(2024, 5, 7), date(2024, 5, 28), "upheld"),
                                        (date(2024, 6, 3), date(2024, 6, 5), "not_upheld")]:
        saved = log_complaint(sam, ComplaintInput(
            complainant_name="Ann Jones", service="Streetpride", description="Bins missed",
            received_on=received, officer_id=sam.actor.user_id), today=received)
        record_outcome(sam, saved.reference, outcome, answered,
                       lessons_learnt="Crews briefed on the round", today=answered)
    rows = pdf_rows(performance_report(sam, date(2025, 4, 1), date(2025, 9, 30),
                                       tmp_path / "p.pdf"))
    assert any(r.startswith("Complaints received 1 2 -1") for r in rows)
    upheld = next(r for r in rows if r.startswith("% upheld (of decisions)"))
    assert upheld.endswith("0.00% 50.00% -50.00 pts better")
    days = next(r for r in rows if r.startswith("Average working days to answer"))
    # 6-13 May 2025: 5 working days; 7-28 May 2024: 14 (27 May a bank holiday); 3-5 June: 2.
    assert days.endswith("5.0 days 8.0 days -3.0 days better")


def test_a_case_resolved_in_time_and_closed_later_counts_within_target(ctx, tmp_path):
    from datetime import UTC, timedelta

    from sqlalchemy import update

    from contactdesk.persistence.models import Case
    from contactdesk.services.calls import CallInput, log_call
    from contactdesk.services.cases import change_status

    made = [log_call(ctx, CallInput(caller_phone="01709 823456", address="14 Wellgate",
                                    category="Fly tipping", description=text)).reference
            for text in ("Mattress", "Sofa", "Fridge")]
    change_status(ctx, made[0], "resolved")
    change_status(ctx, made[1], "duplicate", duplicate_of=made[0])
    with ctx.uow(write=True) as uow:  # due a minute after the resolution
        uow.session.execute(update(Case).where(Case.reference.in_(made[:2]))
                            .values(due_at=datetime.now(UTC) + timedelta(minutes=1)))
        uow.commit()
    with ctx.uow(write=True) as uow:  # ... and closed an hour after it was due
        uow.session.execute(update(Case).where(Case.reference == made[0])
                            .values(status="closed", closed_at=datetime.now(UTC) + timedelta(hours=1)))
        uow.commit()
    today = datetime.now(LONDON).date()
    rows = pdf_rows(performance_report(ctx, today - timedelta(days=30), today,
                                       tmp_path / "p.pdf"))
    # Created 3; finished 1 (the duplicate is not the service's work), within target 100%.
    assert any(r.startswith("Streetpride 3 0 1 0 100.00%") for r in rows), rows
    header = next(r for r in rows if r.startswith("Indicator "))
    assert "YTD" not in header and f"{today - timedelta(days=30):%d %b %Y} to" in header


def test_no_telephony_feed_prints_no_data_and_headers_keep_their_words(ctx, tmp_path):
    from contactdesk.services.calls import CallInput, log_call

    log_call(ctx, CallInput(caller_phone="01709 823456", address="14 Wellgate",
                            category="Fly tipping", description="Mattress"))
    today = datetime.now(LONDON).date()
    out = performance_report(ctx, date(today.year - 1, 4, 1), today, tmp_path / "p.pdf")
    rows, text = pdf_rows(out), pdf_text(out)
    level = next(r for r in rows if r.startswith("% of calls answered within 21 seconds"))
    assert level.endswith("no data no data –")
    abandoned = next(r for r in rows if r.startswith("% of calls abandoned"))
    assert abandoned.endswith("no data no data –")
    assert "0.00%" not in text.split()
    assert "no telephony feed imported for this period: import the queue_log" in text
    # The case table's head: every word whole on one line ("Finished", not "Finishe" / "d").
    head = rows.index("Service Created Created Finished Finished Within Within Difference")
    assert rows[head + 1].split()[:6] == [f"{today.year}", f"{today.year - 1}"] * 2 + ["target"] * 2
    words = set(text.split())
    assert "Finishe" not in words and "d" not in words
