"""The complaints register: every complaint with its current stage, filtered in the database.

Late and due-soon are worked out against working days: the service turns
"due within the next 2 working days" into a date first, so the database only
compares dates. Open complaints come first, the most urgent at the top.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..context import ServiceContext, operation
from ..domain.complaints import (
    DUE_SOON_WORKING_DAYS,
    Outcome,
    Stage,
    Urgency,
    countdown,
    outcome_from,
    stage_from,
)
from ..domain.errors import ValidationError
from ..domain.permissions import Permission
from ..domain.working_time import LONDON
from ..dtos.complaints_register import (
    AnsweredStage,
    ComplaintReport,
    Register,
    RegisterQuery,
    RegisterRow,
    Tally,
)
from ..persistence.models import Complaint, ComplaintStage, Service, User
from .complaints import complaint_calendar

MAX_ROWS = 1000
EVERY_COMPLAINT = RegisterQuery()


@operation(Permission.READ_COMPLAINTS)
def search_register(ctx: ServiceContext, query: RegisterQuery = EVERY_COMPLAINT, *,
                    today: date | None = None) -> Register:
    today = today or ctx.now().astimezone(LONDON).date()
    with ctx.uow() as uow:
        return search_register_in(uow.session, query, today=today)


def search_register_in(s: Session, query: RegisterQuery, *, today: date) -> Register:
    calendar = complaint_calendar(s)
    soon = calendar.add(today, DUE_SOON_WORKING_DAYS)
    c, st, officer = Complaint, ComplaintStage, aliased(User)
    pending_ack = and_(st.acknowledge_by.is_not(None), st.acknowledged_on.is_(None))
    next_due = case((pending_ack, st.acknowledge_by), else_=st.respond_by)
    late = and_(c.status == "open", next_due < today)
    # Late acknowledgements count as late even when the answer is not due yet.
    late = or_(late, and_(c.status == "open", pending_ack, st.acknowledge_by < today))
    due_soon = and_(c.status == "open", next_due >= today, next_due <= soon)
    filters = _filters(query, late, due_soon)
    statement = (
        select(c.reference, c.received_on, c.complainant_name, Service.name.label("service"),
               st.stage, officer.full_name.label("officer"), c.status, st.outcome,
               st.acknowledge_by, st.acknowledged_on, st.respond_by, st.response_on,
               c.description)
        .join(st, and_(st.complaint_id == c.id, st.stage == c.current_stage))
        .join(Service, Service.id == c.service_id)
        .outerjoin(officer, officer.id == st.officer_id)
        .where(*filters)
        # Open ones by their next deadline (none last), then closed ones, latest first.
        .order_by(case((c.status == "open", 0), else_=1),
                  case((c.status == "open", next_due.is_(None)), else_=False),
                  case((c.status == "open", next_due), else_=None),
                  c.closed_on.desc(), c.received_on.desc(), c.id.desc())
        .limit(MAX_ROWS + 1))
    found = s.execute(statement).all()
    rows = tuple(_row(r, today, calendar) for r in found[:MAX_ROWS])
    return Register(rows, len(found) <= MAX_ROWS, today,
                    sum(1 for r in rows if r.countdown and r.countdown.urgency is Urgency.LATE),
                    sum(1 for r in rows if r.countdown and r.countdown.urgency is Urgency.DUE_SOON))


def _filters(query: RegisterQuery, late, due_soon) -> list:
    c, st = Complaint, ComplaintStage
    filters = []
    text = query.text.strip()
    if text:
        like = f"%{_escape_like(text.lower())}%"
        filters.append(or_(func.lower(c.reference).like(like, escape="\\"),
                           func.lower(c.complainant_name).like(like, escape="\\"),
                           func.lower(c.description).like(like, escape="\\")))
    if query.stage:
        filters.append(c.current_stage == stage_from(query.stage).value)
    if query.service_id is not None:
        filters.append(c.service_id == query.service_id)
    if query.outcome == "open":
        filters.append(c.status == "open")
    elif query.outcome:
        filters.append(st.outcome == outcome_from(query.outcome).value)
    if query.officer_id is not None:
        filters.append(st.officer_id == query.officer_id)
    if query.overdue_only and query.due_soon_only:
        filters.append(or_(late, due_soon))
    elif query.overdue_only:
        filters.append(late)
    elif query.due_soon_only:
        filters.append(and_(due_soon, ~late))
    if query.received_from and query.received_to and query.received_to < query.received_from:
        raise ValidationError.single("received_to", "is before the first day received")
    if query.received_from:
        filters.append(c.received_on >= query.received_from)
    if query.received_to:
        filters.append(c.received_on <= query.received_to)
    return filters


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _row(r, today: date, calendar) -> RegisterRow:
    clock = countdown(today, calendar, acknowledge_by=r.acknowledge_by,
                      acknowledged=r.acknowledged_on is not None,
                      respond_by=r.respond_by) if r.status == "open" else None
    return RegisterRow(
        reference=r.reference, received_on=r.received_on, complainant=r.complainant_name,
        service=r.service, stage=r.stage, stage_label=Stage(r.stage).label, officer=r.officer,
        status=r.status, outcome=r.outcome,
        outcome_label=Outcome(r.outcome).label if r.outcome else None, respond_by=r.respond_by,
        response_on=r.response_on, countdown=clock, description=r.description)


# -- the period report: stages answered in a span, and totals ---------------------------------

@operation(Permission.READ_COMPLAINTS)
def complaint_report(ctx: ServiceContext, since: date, until: date) -> ComplaintReport:
    """Complaints received and stages answered from ``since`` to ``until`` (both included)."""
    with ctx.uow() as uow:
        return complaint_report_in(uow.session, since, until)


def complaint_report_in(s: Session, since: date, until: date) -> ComplaintReport:
    if until < since:
        raise ValidationError.single("to", f"{until:%d/%m/%Y} is before {since:%d/%m/%Y}")
    c, st = Complaint, ComplaintStage
    calendar = complaint_calendar(s)
    received_by_service = dict(s.execute(
        select(Service.name, func.count(c.id)).join(Service, Service.id == c.service_id)
        .where(c.received_on.between(since, until)).group_by(Service.name)).all())
    opened_by_stage = dict(s.execute(
        select(st.stage, func.count(st.id)).where(st.opened_on.between(since, until))
        .group_by(st.stage)).all())
    rows = s.execute(
        select(c.reference, st.stage, c.description, st.lessons_learnt, st.remedy,
               Service.name.label("service"), st.outcome, c.received_on, st.opened_on,
               st.response_on, st.respond_by)
        .join(c, c.id == st.complaint_id).join(Service, Service.id == c.service_id)
        .where(st.response_on.between(since, until), st.outcome.is_not(None))
        .order_by(st.response_on, c.reference, st.id)).all()
    # Open at the end: the latest stage opened by then had no answer by then.
    latest = (select(func.max(st.id).label("id")).where(st.opened_on <= until)
              .group_by(st.complaint_id).subquery())
    open_at_end = s.scalar(
        select(func.count()).select_from(st).join(latest, latest.c.id == st.id)
        .where(or_(st.response_on.is_(None), st.response_on > until)))
    answered = tuple(_answered(r, calendar) for r in rows)
    total = Tally("All complaints", received=sum(received_by_service.values()))
    services: dict[str, Tally] = {name: Tally(name, received=n)
                                  for name, n in received_by_service.items()}
    stages: dict[str, Tally] = {stage.value: Tally(stage.label, received=opened_by_stage.get(stage, 0))
                                for stage in Stage}
    for answer in answered:
        total = total.plus(answer)
        services[answer.service] = services.get(answer.service, Tally(answer.service)).plus(answer)
        stages[answer.stage] = stages[answer.stage].plus(answer)
    return ComplaintReport(
        since, until, answered, total,
        tuple(services[name] for name in sorted(services)),
        tuple(t for t in stages.values() if t.received or t.closed), open_at_end or 0)


def _answered(r, calendar) -> AnsweredStage:
    outcome = Outcome(r.outcome)
    within = None
    if r.respond_by is not None and outcome.is_decision:
        within = r.response_on <= r.respond_by
    return AnsweredStage(
        reference=r.reference, stage=r.stage, stage_label=Stage(r.stage).label,
        description=r.description, lessons_learnt=r.lessons_learnt, remedy=r.remedy,
        service=r.service, outcome=outcome.value, outcome_label=outcome.label,
        received_on=r.received_on, opened_on=r.opened_on, response_on=r.response_on,
        working_days=calendar.count(r.opened_on, r.response_on),
        calendar_days=(r.response_on - r.opened_on).days, within_deadline=within)
