"""The complaints register: every complaint with its current stage, filtered in the database.

Late and due-soon are worked out against working days: the service turns
"due within the next 2 working days" into a date first, so the database only
compares dates. Open complaints come first, the most urgent at the top.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from ..domain.complaints import (
    DUE_SOON_WORKING_DAYS,
    Countdown,
    Outcome,
    Stage,
    Urgency,
    countdown,
    outcome_from,
    stage_from,
)
from ..domain.errors import ValidationError
from ..persistence.models import Complaint, ComplaintStage, Service, User
from ..persistence.uow import UnitOfWork
from .complaints import complaint_calendar, london_today

MAX_ROWS = 1000


@dataclass(frozen=True)
class RegisterQuery:
    text: str = ""  # part of a reference, the complainant's name or the description
    stage: str | None = None  # the current stage
    service_id: int | None = None
    outcome: str | None = None  # the latest stage's outcome; "open" for those awaiting one
    officer_id: int | None = None  # the current stage's officer
    overdue_only: bool = False  # an acknowledgement or answer is late
    due_soon_only: bool = False  # due today or within the next 2 working days, not late yet
    received_from: date | None = None
    received_to: date | None = None


@dataclass(frozen=True)
class RegisterRow:
    reference: str
    received_on: date
    complainant: str
    service: str
    stage: str
    stage_label: str
    officer: str | None
    status: str  # open or closed
    outcome: str | None
    outcome_label: str | None
    respond_by: date | None
    response_on: date | None
    countdown: Countdown | None  # open complaints only
    description: str


@dataclass(frozen=True)
class Register:
    rows: tuple[RegisterRow, ...]
    complete: bool  # False when more than MAX_ROWS matched
    today: date
    late: int  # of the rows shown
    due_soon: int


def search_register(engine: Engine, query: RegisterQuery = RegisterQuery(), *,
                    today: date | None = None) -> Register:
    today = today or london_today()
    with UnitOfWork(engine) as uow:
        s = uow.session
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

@dataclass(frozen=True)
class AnsweredStage:
    """One stage answered in the period: a line of the report's register table."""

    reference: str
    stage: str
    stage_label: str
    description: str
    lessons_learnt: str | None
    remedy: str | None
    service: str
    outcome: str
    outcome_label: str
    received_on: date
    opened_on: date
    response_on: date
    working_days: int
    calendar_days: int
    within_deadline: bool | None  # None: withdrawn, or no deadline of the council's


@dataclass(frozen=True)
class Tally:
    """Complaint figures for one group (a service, a stage, or all)."""

    name: str
    received: int = 0  # complaints received (by stage: stages opened) in the period
    closed: int = 0  # stages answered in the period, withdrawn included
    upheld: int = 0
    partly_upheld: int = 0
    not_upheld: int = 0
    withdrawn: int = 0
    working_days_total: int = 0  # over decisions (not withdrawn)
    with_deadline: int = 0  # decisions at a stage with a council deadline
    within_deadline: int = 0

    @property
    def decided(self) -> int:
        return self.upheld + self.partly_upheld + self.not_upheld

    def share(self, count: int) -> float | None:
        """``count`` as a fraction of the decisions (withdrawn complaints are not decided)."""
        return count / self.decided if self.decided else None

    @property
    def average_working_days(self) -> float | None:
        return self.working_days_total / self.decided if self.decided else None

    @property
    def within_deadline_share(self) -> float | None:
        return self.within_deadline / self.with_deadline if self.with_deadline else None

    def plus(self, answer: AnsweredStage) -> Tally:
        counts = {o: getattr(self, o) for o in ("upheld", "partly_upheld", "not_upheld",
                                                 "withdrawn")}
        counts[answer.outcome] += 1
        decided = answer.outcome != Outcome.WITHDRAWN
        return Tally(
            self.name, self.received, self.closed + 1, **counts,
            working_days_total=self.working_days_total + (answer.working_days if decided else 0),
            with_deadline=self.with_deadline + (answer.within_deadline is not None),
            within_deadline=self.within_deadline + bool(answer.within_deadline))


@dataclass(frozen=True)
class ComplaintReport:
    since: date
    until: date
    answered: tuple[AnsweredStage, ...]  # in the order answered
    total: Tally
    by_service: tuple[Tally, ...]
    by_stage: tuple[Tally, ...]
    open_at_end: int  # complaints still awaiting an answer at the end of the period


def complaint_report(engine: Engine, since: date, until: date) -> ComplaintReport:
    """Complaints received and stages answered from ``since`` to ``until`` (both included)."""
    if until < since:
        raise ValidationError.single("to", f"{until:%d/%m/%Y} is before {since:%d/%m/%Y}")
    c, st = Complaint, ComplaintStage
    with UnitOfWork(engine) as uow:
        s = uow.session
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
