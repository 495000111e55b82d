"""Service deadlines: how each service and category stands against its targets.

Each category's target (working hours or working days within opening hours)
sets a case's due time when it is logged; a hold (waiting for the caller)
stops the clock. For every service, and each of its categories, this counts
the open cases now (on hold, due by the end of today, overdue) and, for the
period asked, the cases finished and the share finished by their due time.

"Finished" is the first time a case was resolved or closed (a later close of
a resolved case does not move it), for cases resolved or closed now; cases
that turned out duplicates or were withdrawn are not the service's work and
are left out. All counting happens in the database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select

from ..context import ServiceContext, operation
from ..domain.case_status import OPEN_STATUSES, CaseStatus
from ..domain.errors import ValidationError
from ..domain.permissions import Permission
from ..domain.working_time import LONDON, TargetUnit
from ..dtos.deadlines import DeadlineFigures, ServiceDeadlines
from ..persistence.models import Case, CaseHold, CaseStatusChange, Category, Service

DONE = (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)
OPEN = tuple(s.value for s in OPEN_STATUSES)


def target_text(amount: int, unit: str) -> str:
    noun = "working hour" if TargetUnit(unit) is TargetUnit.WORKING_HOURS else "working day"
    return f"{amount} {noun}{'' if amount == 1 else 's'}"


def first_finished():
    """A subquery of (case_id, finished_at): when each case was first resolved or closed."""
    return (select(CaseStatusChange.case_id,
                   func.min(CaseStatusChange.changed_at).label("finished_at"))
            .where(CaseStatusChange.to_status.in_(DONE))
            .group_by(CaseStatusChange.case_id).subquery())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), LONDON).astimezone(UTC)


@operation(Permission.VIEW_STATISTICS)
def service_deadlines(ctx: ServiceContext, since: date, until: date, *,
                      now: datetime | None = None) -> ServiceDeadlines:
    """Open cases as at ``now`` and cases finished from ``since`` to ``until`` (UK days)."""
    if until < since:
        raise ValidationError.single("to", f"{until:%d/%m/%Y} is before {since:%d/%m/%Y}")
    now = now or ctx.now()
    end_of_today = _midnight(now.astimezone(LONDON).date() + timedelta(days=1))
    start, end = _midnight(since), _midnight(until + timedelta(days=1))
    with ctx.uow() as uow:
        s = uow.session
        held = and_(CaseHold.case_id == Case.id, CaseHold.ended_at.is_(None))
        overdue = and_(Case.due_at.is_not(None), Case.due_at < now)
        due_today = and_(Case.due_at >= now, Case.due_at < end_of_today)
        open_rows = s.execute(
            select(Case.service_id, Case.category_id, func.count(Case.id),
                   _count_if(CaseHold.id.is_not(None)), _count_if(due_today), _count_if(overdue))
            .outerjoin(CaseHold, held)
            .where(Case.status.in_(OPEN))
            .group_by(Case.service_id, Case.category_id)).all()
        first_done = first_finished()
        done_rows = s.execute(
            select(Case.service_id, Case.category_id, func.count(Case.id),
                   _count_if(and_(Case.due_at.is_not(None),
                                  first_done.c.finished_at <= Case.due_at)))
            .join(first_done, first_done.c.case_id == Case.id)
            .where(Case.status.in_(DONE), first_done.c.finished_at >= start,
                   first_done.c.finished_at < end)
            .group_by(Case.service_id, Case.category_id)).all()
        services = {row.id: row.name for row in s.execute(select(Service.id, Service.name))}
        categories = {row.id: (row.name, target_text(row.target_amount, row.target_unit))
                      for row in s.execute(select(Category.id, Category.name,
                                                  Category.target_amount, Category.target_unit))}
    figures: dict[tuple[int, int], DeadlineFigures] = {}

    def entry(service_id: int, category_id: int) -> DeadlineFigures:
        key = (service_id, category_id)
        if key not in figures:
            name, target = categories[category_id]
            figures[key] = DeadlineFigures(name, service_id, category_id, target)
        return figures[key]

    for service_id, category_id, n, on_hold, today, late in open_rows:
        figures[(service_id, category_id)] = replace(
            entry(service_id, category_id), open=n, on_hold=int(on_hold or 0),
            due_today=int(today or 0), overdue=int(late or 0))
    for service_id, category_id, n, within in done_rows:
        figures[(service_id, category_id)] = replace(
            entry(service_id, category_id), finished=n, finished_within_target=int(within or 0))
    rows: list[DeadlineFigures] = []
    total = DeadlineFigures("All services", 0, None, None)
    for service_id in sorted({k[0] for k in figures}, key=lambda i: services[i].lower()):
        children = sorted((f for (sid, _), f in figures.items() if sid == service_id),
                          key=lambda f: f.name.lower())
        head = DeadlineFigures(services[service_id], service_id, None, None)
        for child in children:
            head = head.add(child)
        rows.append(head)
        rows.extend(children)
        total = total.add(head)
    return ServiceDeadlines(since, until, now, tuple(rows), total)


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))
