"""Case handling per service over a span: created, finished, and finished within target.

A case counts as created in the span its received time falls in. "Finished"
is as on the Service deadlines tab: the first time a case was resolved or
closed (a later close of a resolved case does not move it), for cases resolved
or closed now, duplicates and withdrawn cases left out; it was finished within
target when that was no later than its due time. Days are Europe/London days.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain.call_metrics import year_earlier
from ..domain.permissions import Permission
from ..dtos.reports import CaseComparison, ServiceCases
from ..persistence.models import Case, Service
from .daily_summary import day_bounds
from .service_deadlines import DONE, first_finished


@operation(Permission.VIEW_STATISTICS)
def case_handling(ctx: ServiceContext, date_from: date, date_to: date) -> tuple[ServiceCases, ...]:
    """One row per service (all services, busiest first), then a row "All services"."""
    with ctx.uow() as uow:
        return case_handling_in(uow.session, date_from, date_to)


@operation(Permission.VIEW_STATISTICS)
def case_handling_compared(ctx: ServiceContext, date_from: date,
                           date_to: date) -> tuple[CaseComparison, ...]:
    """Each service's case handling in the span beside the same span a year earlier."""
    with ctx.uow() as uow:
        return case_handling_compared_in(uow.session, date_from, date_to)


def case_handling_in(session: Session, date_from: date, date_to: date) -> tuple[ServiceCases, ...]:
    start, _ = day_bounds(date_from)
    _, end = day_bounds(date_to)
    received = and_(Case.received_at >= start, Case.received_at < end)
    done = first_finished()
    finished = and_(Case.status.in_(DONE), done.c.finished_at >= start, done.c.finished_at < end)
    rows = session.execute(
        select(Service.name,
               func.coalesce(func.sum(case((received, 1), else_=0)), 0),
               func.coalesce(func.sum(case((finished, 1), else_=0)), 0),
               func.coalesce(func.sum(case((and_(finished, done.c.finished_at <= Case.due_at),
                                           1), else_=0)), 0))
        .select_from(Service).outerjoin(Case, Case.service_id == Service.id)
        .outerjoin(done, done.c.case_id == Case.id)
        .where(Service.active.is_(True) | Case.id.is_not(None))
        .group_by(Service.name)).all()
    services = sorted((ServiceCases(name, int(a), int(b), int(c)) for name, a, b, c in rows),
                      key=lambda s: (-s.created, s.service))
    total = ServiceCases("All services", sum(s.created for s in services),
                         sum(s.closed for s in services),
                         sum(s.closed_within_target for s in services))
    return (*services, total)


def case_handling_compared_in(session: Session, date_from: date,
                              date_to: date) -> tuple[CaseComparison, ...]:
    this = case_handling_in(session, date_from, date_to)
    last = {s.service: s for s in case_handling_in(session, year_earlier(date_from),
                                                   year_earlier(date_to))}
    return tuple(CaseComparison(s.service, s, last.get(s.service, ServiceCases(s.service, 0, 0, 0)))
                 for s in this)
