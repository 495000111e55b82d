"""Retention (UK GDPR): how long closed cases keep their personal details, and removing them.

An administrator gives each category group a period in months, counted from a
case's closure (NULL keeps its cases indefinitely). A run anonymises every
closed case whose closure is at least its group's period before the run's date
(a London date): oldest first, each case in its own write transaction with the
audit rows about it pseudonymised in that same transaction, so an interrupted
run leaves each case either as it was or fully anonymised, and running again
carries on where it stopped. A case's callbacks go with it (anonymise.py).
Complaints are left alone: they have their own retention rules.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain.errors import ValidationError
from ..domain.permissions import Permission
from ..domain.working_time import LONDON
from ..dtos.changes import Changed
from ..dtos.retention import RetentionCase, RetentionPeriod, RetentionRun
from ..persistence.audit import record_access
from ..persistence.audit_redaction import redact_case_audit
from ..persistence.models import Case, Category, CategoryGroup
from .anonymise import anonymise_case, caller_outcome

# The range the database's CHECK constraint allows (a century).
MONTHS = (1, 1200)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_cutoff(as_of: date, months: int) -> datetime:
    """Cases closed before this instant are past ``months`` on ``as_of``: closed on or before
    the London date ``months`` months earlier."""
    last_day = months_before(as_of, months)
    return datetime.combine(last_day + timedelta(days=1), time(), LONDON).astimezone(UTC)


def _london_today(ctx: ServiceContext) -> date:
    return ctx.now().astimezone(LONDON).date()


def _past_retention(periods: dict[int, int], as_of: date) -> ColumnElement[bool]:
    """Closed, not yet anonymised cases of a group with a period, closed long enough ago."""
    if not periods:
        return false()
    return and_(Case.closed_at.is_not(None), Case.anonymised_at.is_(None),
                or_(*(and_(Category.group_id == group_id,
                           Case.closed_at < retention_cutoff(as_of, months))
                      for group_id, months in periods.items())))


def _periods(session: Session) -> dict[int, int]:
    return dict(session.execute(select(CategoryGroup.id, CategoryGroup.retention_months)
                                .where(CategoryGroup.retention_months.is_not(None))).all())


def _periods_in(session: Session, as_of: date) -> tuple[RetentionPeriod, ...]:
    counts = dict(session.execute(
        select(Category.group_id, func.count(Case.id))
        .join(Category, Category.id == Case.category_id)
        .where(_past_retention(_periods(session), as_of))
        .group_by(Category.group_id)).all())
    groups = session.scalars(select(CategoryGroup)
                             .order_by(CategoryGroup.sort_order, CategoryGroup.name))
    return tuple(RetentionPeriod(g.code, g.name, g.prefix, g.retention_months,
                                 int(counts.get(g.id, 0))) for g in groups)


@operation(Permission.MANAGE_RETENTION)
def retention_periods(ctx: ServiceContext, as_of: date | None = None
                      ) -> tuple[RetentionPeriod, ...]:
    """Each category group with its period and how many closed cases are past it
    on ``as_of`` (default: today in London)."""
    with ctx.uow() as uow:
        return _periods_in(uow.session, as_of or _london_today(ctx))


def _find_group(session: Session, code: str) -> CategoryGroup:
    wanted = code.strip()
    group = session.scalar(select(CategoryGroup).where(
        or_(func.lower(CategoryGroup.code) == wanted.lower(),
            CategoryGroup.prefix == wanted.upper())))
    if group is None:
        known = ", ".join(session.scalars(select(CategoryGroup.code)
                                          .order_by(CategoryGroup.sort_order)))
        raise ValidationError.single(
            "group", f"there is no category group '{wanted}': use one of {known}")
    return group


def check_months(months: object) -> int | None:
    """``months`` if it is a period the database accepts; a clear error otherwise."""
    low, high = MONTHS
    if months is None:
        return None
    if isinstance(months, bool) or not isinstance(months, int) or not low <= months <= high:
        raise ValidationError.single(
            "months", f"{months!r} is not a period: give a whole number of months from {low} to "
            f"{high}, or none to keep closed cases indefinitely")
    return months


@operation(Permission.MANAGE_RETENTION, changes=(Changed.CATALOGUE,))
def set_retention(ctx: ServiceContext, group_code: str, months: int | None) -> RetentionPeriod:
    """Keep the group's closed cases ``months`` months after closure, then anonymise them
    (``None``: keep them indefinitely). ``group_code`` is the group's code or prefix."""
    months = check_months(months)
    with ctx.uow(write=True) as uow:
        s = uow.session
        group = _find_group(s, group_code)
        group.retention_months = months  # category_groups is audited: the change is recorded
        period = next(p for p in _periods_in(s, _london_today(ctx)) if p.code == group.code)
        uow.commit()
        return period


@dataclass(frozen=True)
class _Due:
    case_id: int
    reference: str
    caller_id: int | None
    closed_at: datetime
    group_code: str
    group_name: str
    months: int

    def listed(self, caller: str) -> RetentionCase:
        return RetentionCase(self.reference, self.group_code,
                             self.closed_at.astimezone(LONDON).date(), self.months, caller)


def _due_cases(session: Session, as_of: date) -> list[_Due]:
    rows = session.execute(
        select(Case.id, Case.reference, Case.caller_id, Case.closed_at, CategoryGroup.code,
               CategoryGroup.name, CategoryGroup.retention_months)
        .join(Category, Category.id == Case.category_id)
        .join(CategoryGroup, CategoryGroup.id == Category.group_id)
        .where(_past_retention(_periods(session), as_of))
        .order_by(Case.closed_at, Case.id))
    return [_Due(*row) for row in rows]


@operation(Permission.MANAGE_RETENTION, changes=(Changed.CASES, Changed.CALLS))
def run_retention(ctx: ServiceContext, *, as_of: date | None = None, dry_run: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> RetentionRun:
    """Anonymise every closed case past its group's period on ``as_of`` (default: today in
    London), oldest closure first, each in its own transaction.

    With ``dry_run`` nothing changes: the result lists what a run would do.
    ``progress(done, total)`` is called after each case is committed; an exception
    from it stops the run there, every case before it staying anonymised.
    """
    day = as_of or _london_today(ctx)
    with ctx.uow() as uow:
        s = uow.session
        due = _due_cases(s, day)
        if dry_run:
            planned, already = [], set()
            for item in due:
                planned.append(item.listed(caller_outcome(s, item.case_id, item.caller_id,
                                                          already)))
                already.add(item.case_id)
            return RetentionRun(day, True, tuple(planned))
    done: list[RetentionCase] = []
    for number, item in enumerate(due, start=1):
        outcome = _anonymise_one(ctx, item, day)
        if outcome is not None:
            done.append(item.listed(outcome))
        if progress is not None:
            progress(number, len(due))
    with ctx.uow(write=True) as uow:
        record_access(uow.session, "anonymise", "retention_run", day.isoformat(),
                      f"{len(done)} cases anonymised")
        uow.commit()
    return RetentionRun(day, False, tuple(done))


def _anonymise_one(ctx: ServiceContext, item: _Due, as_of: date) -> str | None:
    """Anonymise one case and pseudonymise its audit rows, all or nothing; None when the
    case no longer qualifies (reopened or anonymised since the list was read)."""
    with ctx.uow(write=True) as uow:
        s = uow.session
        # Locked on PostgreSQL (SQLite's writer already holds the database).
        case = s.scalar(select(Case).where(Case.id == item.case_id).with_for_update())
        if (case is None or case.anonymised_at is not None or case.closed_at is None
                or case.closed_at >= retention_cutoff(as_of, item.months)):
            return None
        closed_on = case.closed_at.astimezone(LONDON).date()
        outcome = anonymise_case(s, case, ctx.now())
        redact_case_audit(s, case.id)
        record_access(s, "anonymise", "cases", str(case.id),
                      f"retention: {item.group_name}, closed {closed_on.isoformat()}, "
                      f"{item.months} months")
        uow.commit()
        return outcome
