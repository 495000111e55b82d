"""The report operations: who may run them, one snapshot per report, plain data to render."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import text

from contactdesk.domain.errors import PermissionDenied
from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.complaints_register import RegisterQuery
from contactdesk.services import reports
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.case_performance import case_handling, case_handling_compared
from contactdesk.services.complaint_register import complaint_report, search_register
from contactdesk.services.daily_summary import daily_summary

DAY = date(2024, 5, 13)


def test_the_renderers_need_neither_services_nor_the_database():
    code = ("import sys\n"
            "import contactdesk.reports.complaints, contactdesk.reports.daily, "
            "contactdesk.reports.performance\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' or "
            "m.startswith(('contactdesk.services', 'contactdesk.persistence')))\n"
            "print(' '.join(bad))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""


def test_reports_need_the_permission_to_run_them(make_ctx, tmp_path):
    telephony, out = make_ctx("telephony"), tmp_path / "out"
    out.mkdir()
    with pytest.raises(PermissionDenied):
        reports.daily_report(telephony, DAY, out / "daily.pdf")
    with pytest.raises(PermissionDenied):
        reports.performance_report(telephony, DAY, DAY, out / "performance.pdf")
    with pytest.raises(PermissionDenied):
        reports.complaints_report(telephony, DAY, DAY, out / "complaints.pdf")
    assert not list(out.iterdir())
    # Every desk prints the reports.
    assert reports.daily_report(make_ctx("agent"), DAY, out / "daily.pdf").is_file()


def test_the_figures_behind_the_reports_need_their_own_permissions(make_ctx):
    agent, telephony = make_ctx("agent"), make_ctx("telephony")
    for statistics in (lambda c: daily_summary(c, DAY), lambda c: case_handling(c, DAY, DAY),
                       lambda c: case_handling_compared(c, DAY, DAY)):
        with pytest.raises(PermissionDenied):
            statistics(agent)
    for complaints in (lambda c: search_register(c, RegisterQuery()),
                       lambda c: complaint_report(c, DAY, DAY)):
        with pytest.raises(PermissionDenied):
            complaints(telephony)
        assert complaints(agent) is not None  # agents read complaints
    supervisor = make_ctx("supervisor")
    assert daily_summary(supervisor, DAY).day == DAY
    assert case_handling(supervisor, DAY, DAY)[-1].service == "All services"


@pytest.mark.parametrize("run", ["daily", "performance", "complaints"])
def test_each_report_reads_in_one_read_only_snapshot(run, ctx, monkeypatch, tmp_path):
    seen: list[tuple[object, str | None, str | None]] = []

    def watched(function):
        def gather(session, *args, **kwargs):
            isolation = read_only = None
            if session.get_bind().dialect.name == "postgresql":
                isolation = session.scalar(text("SHOW transaction_isolation"))
                read_only = session.scalar(text("SHOW transaction_read_only"))
            seen.append((session, isolation, read_only))
            return function(session, *args, **kwargs)
        return gather

    for name in ("daily_summary_in", "complaint_report_in", "case_handling_compared_in",
                 "compare_with_year_earlier_in"):
        monkeypatch.setattr(reports, name, watched(getattr(reports, name)))
    operation = {"daily": lambda: reports.daily_report(ctx, DAY, tmp_path / "r.pdf"),
                 "performance": lambda: reports.performance_report(ctx, DAY, DAY,
                                                                   tmp_path / "r.pdf"),
                 "complaints": lambda: reports.complaints_report(ctx, DAY, DAY,
                                                                 tmp_path / "r.pdf")}[run]
    assert operation().is_file()

    assert len(seen) == {"daily": 2, "performance": 4, "complaints": 1}[run]
    assert len({id(session) for session, _, _ in seen}) == 1  # one unit of work
    if ctx.database.backend == "postgresql":
        assert {(isolation, read_only) for _, isolation, read_only in seen} == {
            ("repeatable read", "on")}
        with ctx.uow() as uow:  # the pooled connection is handed back as it was
            assert uow.session.scalar(text("SHOW transaction_isolation")) == "read committed"
            assert uow.session.scalar(text("SHOW transaction_read_only")) == "off"


def test_a_call_saved_while_the_daily_report_is_read_is_not_half_counted(
        ctx, make_ctx, monkeypatch, tmp_path):
    from contactdesk.services import daily_summary as summaries

    zoe = make_ctx("agent", "zoe", "Zoë Ng")
    today = ctx.now().astimezone(LONDON).date()
    read_overdue = summaries._overdue_at

    def save_a_call_then_read(session, moment):
        # Committed by another desk after the enquiries were counted, before the agents are.
        log_call(zoe, CallInput(caller_phone="01709 823456", caller_name="Ann Jones",
                                address="14 Wellgate", category="Council tax payment",
                                outcome="resolved_first_contact", description="Paid"))
        return read_overdue(session, moment)

    rendered = []
    render = reports.render_daily
    monkeypatch.setattr(summaries, "_overdue_at", save_a_call_then_read)
    monkeypatch.setattr(reports, "render_daily",
                        lambda data, out, **frame: rendered.append(data) or render(data, out,
                                                                                   **frame))
    reports.daily_report(ctx, today, tmp_path / "daily.pdf")
    monkeypatch.undo()

    summary = rendered[0].summary
    assert (summary.enquiries, summary.resolved_first_contact, summary.agents) == (0, 0, ())
    assert summary.calls.figures.counts.answered == 0
    # The call was saved: the next report counts it everywhere.
    later = daily_summary(ctx, today)
    assert (later.enquiries, later.resolved_first_contact) == (1, 1)
    assert [(a.name, a.calls) for a in later.agents] == [("Zoë Ng", 1)]
