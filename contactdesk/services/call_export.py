"""Export of calls to CSV or Excel: the calls logged in ContactDesk, and telephony attempts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..context import ServiceContext, operation
from ..domain.permissions import Permission
from ..domain.words import APP_SOURCE
from ..persistence.models import Call, CallAttempt, CallCase, Caller, Case, Category, User
from .access_log import record_export
from .case_export import check_span, in_span, phone_cell, streamed
from .table_export import check_output, write_table

CALL_COLUMNS = ("started_at", "answered_at", "ended_at", "agent", "caller_name", "caller_phone",
                "category", "outcome", "case_reference", "wait_seconds", "handle_seconds", "summary")
ATTEMPT_COLUMNS = ("source", "queue", "call_id", "day", "hour", "outcome", "wait_seconds",
                   "talk_seconds", "agent")


@operation(Permission.EXPORT_DATA)
def export_calls(ctx: ServiceContext, out: Path, date_from: date | None = None,
                 date_to: date | None = None) -> int:
    """The calls logged in the app that started between the dates (inclusive, UK dates)."""
    out = Path(out)
    check_span(date_from, date_to)
    check_output(out)
    reference = (select(Case.reference).join(CallCase, CallCase.case_id == Case.id)
                 .where(CallCase.call_id == Call.id).order_by(Case.id).limit(1)
                 .scalar_subquery())
    query = (
        select(Call.started_at, Call.answered_at, Call.ended_at, User.full_name, Caller.name,
               Caller.phone_e164, Category.name, Call.outcome, reference, Call.wait_seconds,
               Call.summary)
        .select_from(Call)
        .outerjoin(User, User.id == Call.agent_id)
        .outerjoin(Caller, Caller.id == Call.caller_id)
        .outerjoin(Category, Category.id == Call.category_id)
        .where(*in_span(Call.started_at, date_from, date_to))
        .order_by(Call.started_at, Call.id)
    )
    rows = ((started, answered, ended, agent, name, phone_cell(phone), category, outcome, ref,
             wait, _seconds(answered, ended), summary)
            for started, answered, ended, agent, name, phone, category, outcome, ref, wait, summary
            in streamed(ctx.uow, query))
    written = write_table(out, CALL_COLUMNS, rows, sheet="Calls")
    record_export(ctx, "calls_export", out, f"{written} calls, {date_from or 'start'} to "
                  f"{date_to or 'today'}")
    return written


@operation(Permission.EXPORT_DATA)
def export_attempts(ctx: ServiceContext, out: Path, date_from: date | None = None,
                    date_to: date | None = None) -> int:
    """Queue attempts from the telephony feeds, by UK day of queue entry."""
    out = Path(out)
    check_span(date_from, date_to)
    check_output(out)
    a = CallAttempt
    query = (select(a.source, a.queue, a.callid, a.local_day, a.local_hour, a.outcome,
                    a.wait_seconds, a.talk_seconds, a.agent)
             .where(a.source != APP_SOURCE)
             .order_by(a.entered_epoch, a.id))
    if date_from:
        query = query.where(a.local_day >= date_from)
    if date_to:
        query = query.where(a.local_day <= date_to)
    written = write_table(out, ATTEMPT_COLUMNS, streamed(ctx.uow, query), sheet="Queue attempts")
    record_export(ctx, "attempts_export", out, f"{written} queue attempts, "
                  f"{date_from or 'start'} to {date_to or 'today'}")
    return written


def _seconds(start, end) -> int | None:
    if start is None or end is None:
        return None
    return max(round((end - start).total_seconds()), 0)
