"""The printed reports: every figure read in one transaction, then rendered to PDF.

Each report gathers its data inside a single read-only unit of work so one PDF
never mixes two moments (a call saved between two of its queries would
otherwise count in one table and not the next). On PostgreSQL the transaction
runs REPEATABLE READ, one snapshot for all its statements; SQLite in WAL mode
gives a read transaction one snapshot already. The unit of work is closed
before the PDF is laid out, so no database transaction waits on reportlab.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain.call_metrics import Definition, year_earlier
from ..domain.errors import ValidationError
from ..domain.permissions import Permission
from ..domain.working_time import LONDON
from ..dtos.reports import ComplaintsReportData, DailyReportData, PerformanceReportData
from ..reports.complaints import render_complaints
from ..reports.daily import render_daily
from ..reports.performance import render_performance
from .access_log import record_export
from .call_ledger import ledger_compared_in, ledger_in
from .call_stats import compare_with_year_earlier_in
from .callbacks import kept_on_time
from .case_performance import case_handling_compared_in
from .complaint_register import complaint_report_in
from .daily_summary import daily_summary_in
from .settings import load_settings

if TYPE_CHECKING:
    from ..persistence.uow import UnitOfWork


@operation(Permission.RUN_REPORTS)
def daily_report(ctx: ServiceContext, day: date, out: Path | str,
                 definition: Definition | None = None) -> Path:
    """Write the day's call summary PDF at ``out``."""
    definition = definition or Definition()
    with ctx.uow() as uow:
        session = snapshot(uow)
        summary = daily_summary_in(session, day, definition)
        data = DailyReportData(council_name=summary.council_name, definition=definition,
                               summary=summary, complaints=complaint_report_in(session, day, day))
        ledger = ledger_in(session, day, day)
        callbacks = kept_on_time(session, day, day, ctx.now())
    written = render_daily(data, out, generated_at=_generated(ctx), ledger=ledger,
                           callbacks=callbacks)
    record_export(ctx, "daily_report", written, f"call summary for {day}")
    return written


@operation(Permission.RUN_REPORTS)
def performance_report(ctx: ServiceContext, date_from: date, date_to: date, out: Path | str,
                       definition: Definition | None = None) -> Path:
    """Write the performance report PDF: the span beside the same span a year earlier."""
    if date_to < date_from:
        raise ValidationError.single("to", "is before from")
    definition = definition or Definition()
    with ctx.uow() as uow:
        session = snapshot(uow)
        data = PerformanceReportData(
            council_name=load_settings(session).council_name, date_from=date_from,
            date_to=date_to, definition=definition,
            calls=compare_with_year_earlier_in(session, date_from, date_to, definition),
            cases=case_handling_compared_in(session, date_from, date_to),
            complaints=complaint_report_in(session, date_from, date_to),
            complaints_last_year=complaint_report_in(session, year_earlier(date_from),
                                                     year_earlier(date_to)))
        ledger = ledger_compared_in(session, date_from, date_to)
        callbacks = (kept_on_time(session, date_from, date_to, ctx.now()),
                     kept_on_time(session, year_earlier(date_from), year_earlier(date_to),
                                  ctx.now()))
    written = render_performance(data, out, generated_at=_generated(ctx), ledger=ledger,
                                 callbacks=callbacks)
    record_export(ctx, "performance_report", written, f"{date_from} to {date_to}")
    return written


@operation(Permission.RUN_REPORTS)
def complaints_report(ctx: ServiceContext, date_from: date, date_to: date,
                      out: Path | str) -> Path:
    """Write the complaints report PDF for ``date_from`` to ``date_to`` (both included)."""
    with ctx.uow() as uow:
        session = snapshot(uow)
        data = ComplaintsReportData(council_name=load_settings(session).council_name,
                                    complaints=complaint_report_in(session, date_from, date_to))
    written = render_complaints(data, out, generated_at=_generated(ctx))
    record_export(ctx, "complaints_report", written, f"{date_from} to {date_to}")
    return written


def snapshot(uow: UnitOfWork) -> Session:
    """The unit of work's session, its transaction reading one snapshot and writing nothing.

    Must be called before the session's first statement: PostgreSQL fixes the
    isolation level when the transaction begins.
    """
    session = uow.session
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ",
                                              "postgresql_readonly": True})
    return session


def _generated(ctx: ServiceContext) -> datetime:
    return ctx.now().astimezone(LONDON)
