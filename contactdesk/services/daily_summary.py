"""The figures of one day's call summary, gathered by SQL aggregates.

Call handling comes from ``call_stats`` (telephony feeds, else the app's call
timer); enquiries, cases and agents' work from what agents logged in the app
that day (Europe/London).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from ..context import ServiceContext, operation
from ..domain.call_metrics import Definition
from ..domain.permissions import Permission
from ..domain.working_time import LONDON
from ..dtos.reports import AgentDay, DailySummary
from ..dtos.stats import StatsQuery
from ..persistence.models import Call, CallCase, Case, CaseStatusChange, Category, Service, User
from .call_stats import stats_in
from .service_deadlines import DONE
from .settings import load_settings


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a London day starts and ends (23, 24 or 25 hours apart)."""
    start = datetime.combine(day, time(), LONDON).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), LONDON).astimezone(UTC)
    return start, end


@operation(Permission.VIEW_STATISTICS)
def daily_summary(ctx: ServiceContext, day: date,
                  definition: Definition | None = None) -> DailySummary:
    with ctx.uow() as uow:
        return daily_summary_in(uow.session, day, definition)


def daily_summary_in(s: Session, day: date, definition: Definition | None = None) -> DailySummary:
    definition = definition or Definition()
    calls = stats_in(s, StatsQuery(day, day, definition, by="hour"))
    start, end = day_bounds(day)
    by_category, by_service = _enquiries(s, start, end)
    return DailySummary(
        day=day, council_name=load_settings(s).council_name, calls=calls,
        by_category=by_category, by_service=by_service,
        enquiries=sum(n for _, n in by_category),
        cases_created=s.scalar(select(func.count()).select_from(Case)
                               .where(Case.received_at >= start, Case.received_at < end)),
        resolved_first_contact=s.scalar(
            select(func.count()).select_from(Call)
            .where(Call.started_at >= start, Call.started_at < end,
                   Call.outcome == "resolved_first_contact")),
        overdue_at_close=_overdue_at(s, end),
        agents=_agents(s, start, end),
    )


def _enquiries(s: Session, start: datetime, end: datetime):
    in_day = and_(Call.started_at >= start, Call.started_at < end)
    categories = s.execute(
        select(Category.name, func.count()).select_from(Call)
        .join(Category, Category.id == Call.category_id)
        .where(in_day).group_by(Category.name).order_by(func.count().desc(), Category.name)).all()
    # The service a call went to: its case's, else its category's default. The day's calls
    # lead and reach their cases by key: joined to a list of every call's case, the database
    # built that list first (1.2 s at a million cases).
    service_id = func.coalesce(Case.service_id, Category.default_service_id)
    services = s.execute(
        select(Service.name, func.count())
        .select_from(Call).join(Category, Category.id == Call.category_id)
        .outerjoin(CallCase, CallCase.call_id == Call.id)
        .outerjoin(Case, Case.id == CallCase.case_id)
        .join(Service, Service.id == service_id)
        .where(in_day).group_by(Service.name).order_by(func.count().desc(), Service.name)).all()
    return tuple(map(tuple, categories)), tuple(map(tuple, services))


def _overdue_at(s: Session, moment: datetime) -> int:
    """Cases received before ``moment``, due before it, and neither finished (first resolved
    or closed, as on the Service deadlines tab) nor set aside (duplicate, withdrawn) by then.

    Only cases still open at ``moment`` can count: ``closed_at`` is empty while a case is
    open and otherwise the time of its latest status change, into a finished or set-aside
    status, so a case closed before ``moment`` was either set aside or finished by then. That
    range on ``ix_cases_closed_at`` (the backlog and the cases closed since) replaces a scan
    of every case ever received; the status history is then read only for those cases.
    SQLite plans without statistics, so there the other ranges are kept off their indexes.
    """
    finished_before = (select(CaseStatusChange.id).where(
        CaseStatusChange.case_id == Case.id, CaseStatusChange.to_status.in_(DONE),
        CaseStatusChange.changed_at < moment).exists())
    return s.scalar(select(func.count()).select_from(Case).where(
        or_(Case.closed_at.is_(None), Case.closed_at >= moment),
        _off_index(s, Case.received_at) < moment, _off_index(s, Case.due_at) < moment,
        ~finished_before))


def _off_index(s: Session, column):
    """``+column`` on SQLite (its documented way to keep a term off an index)."""
    if s.get_bind().dialect.name != "sqlite":
        return column
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _agents(s: Session, start: datetime, end: datetime) -> tuple[AgentDay, ...]:
    handle = func.avg(_seconds_between(s, Call.answered_at, Call.ended_at))
    calls = s.execute(
        select(User.full_name, func.count(), handle).select_from(Call)
        .join(User, User.id == Call.agent_id)
        .where(Call.started_at >= start, Call.started_at < end)
        .group_by(User.full_name)).all()
    cases = dict(s.execute(
        select(User.full_name, func.count()).select_from(Case)
        .join(User, User.id == Case.created_by_id)
        .where(Case.received_at >= start, Case.received_at < end).group_by(User.full_name)).all())
    rows = [AgentDay(name, n, None if avg is None else float(avg), cases.get(name, 0))
            for name, n, avg in calls]
    return tuple(sorted(rows, key=lambda a: (-a.calls, a.name)))


def _seconds_between(s: Session, earlier, later):
    if s.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)
