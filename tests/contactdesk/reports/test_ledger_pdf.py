"""The call-to-case ledger in the printed reports, read back from the PDFs: the hand-checked
day, and the demo data, whose calls link to their queue attempts as at a real desk."""

from __future__ import annotations

import re
from datetime import date, timedelta

from contactdesk.demo.generator import generate_demo_data
from contactdesk.services.call_ledger import call_ledger
from contactdesk.services.reports import daily_report, performance_report

from ...helpers.pdf_text import pdf_rows, pdf_text
from ..services.test_call_ledger import DAY, seed_ledger_day

# A Friday: the demo's days are Monday 13 to Thursday 16 April, and its feed starts on
# 1 April 2025 (a year, not two as early in a financial year).
DEMO_TODAY = date(2026, 4, 17)


def test_the_daily_summary_prints_the_hand_checked_ledger(ctx, tmp_path):
    names = seed_ledger_day(ctx)
    rows = pdf_rows(daily_report(ctx, DAY, tmp_path / "daily.pdf"))
    # Answered, exact, by time, nothing logged, first-contact resolution, avoidable contact.
    assert "6 3 (50.00%) 2 (33.33%) 1 (16.67%) 20.00% 40.00%" in rows
    assert "Chaser (own open case) 1 20.00%" in rows
    assert "Repeat contact (another caller's case) 1 20.00%" in rows
    # The case's category: 3 calls, 10 minutes of talk, one case.
    assert any(row.startswith(names["x"]) and row.endswith("3 10.0 1 3.00 10.0") for row in rows)
    assert "All 5 17.3 1 3.00 10.0" in rows  # 1,040 s of talk is 17.3 minutes
    text = " ".join(pdf_text(tmp_path / "daily.pdf").split())
    assert "Nothing logged is over the 2% target" in text
    assert "First-contact resolution: linked calls whose outcome is resolved at first contact" in text
    assert "nearest to it within 120 s" in text


def test_the_performance_report_sets_the_ledger_against_last_year(ctx, tmp_path):
    seed_ledger_day(ctx)
    text = " ".join(pdf_text(performance_report(ctx, DAY, DAY, tmp_path / "perf.pdf")).split())
    assert "Call-to-case ledger" in text
    assert re.search(r"% first-contact resolution \(higher performance is better\) 20\.00% no data –",
                     text)
    assert "Calls per case (lower performance is better) 3.00 no data" in text
    assert ("No data: no telephony feed imported in the same period a year earlier: import the "
            "queue_log.") in text


def test_demo_calls_link_to_their_attempts_and_print(ctx, tmp_path):
    generate_demo_data(ctx, days=4, today=DEMO_TODAY)
    first, last = DEMO_TODAY - timedelta(days=4), DEMO_TODAY - timedelta(days=1)
    ledger = call_ledger(ctx, first, last)
    assert ledger.answered > 1000
    assert ledger.exact / ledger.answered > 0.85  # the screen pop
    assert 0.02 < ledger.by_time / ledger.answered < 0.1  # logged by hand, found by time
    assert 0 < ledger.nothing_logged_share < 0.02 and not ledger.over_target
    assert ledger.action("chaser") > 10 and ledger.action("repeat") > 0
    assert ledger.action("case_created") > ledger.action("chaser")
    assert 0.1 < ledger.first_contact_resolution < 0.5
    assert ledger.total.calls_per_case > 1  # chasers and repeats add calls to cases
    # Before the desk's first day the feed has answered calls but nothing was logged.
    before = call_ledger(ctx, first - timedelta(days=30), first - timedelta(days=10))
    assert before.answered == 0 and before.days_without_calls > 5

    out = daily_report(ctx, last, tmp_path / "demo-daily.pdf")
    day = call_ledger(ctx, last, last)
    rows = pdf_rows(out)
    headline = (f"{day.answered:,} {day.exact:,} (", f"{100 * day.first_contact_resolution:.2f}%")
    assert any(row.startswith(headline[0]) and headline[1] in row for row in rows), rows
    assert "Call-to-case ledger" in pdf_text(out)
