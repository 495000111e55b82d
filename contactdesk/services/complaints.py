"""Complaints: logging one, then officer, acknowledgement, extension, outcome and escalation.

Anyone may log a complaint (from a call, or by converting a case); handling it
(assigning officers, acknowledging, extending, recording outcomes, escalating)
needs the handling permission (supervisors and administrators). Every change passes the version the
person saw: if someone else saved first, ConflictError, never last-write-wins.
Rules live in ``domain.complaints``; this module loads, checks and saves.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..context import ServiceContext, operation
from ..domain import limits
from ..domain.complaints import (
    Outcome,
    Stage,
    check_escalation,
    check_extension,
    check_officer,
    check_outcome,
    countdown,
    deadlines,
    outcome_from,
    stage_from,
    time_taken,
)
from ..domain.errors import ConflictError, NotFoundError, TransitionError, ValidationError
from ..domain.permissions import Permission
from ..domain.validation import (
    Findings,
    check_characters,
    check_email,
    clean_text,
    parse_phone,
)
from ..domain.words import CHANNELS, COMPLAINT_PREFIX
from ..domain.working_days import WorkingDays
from ..domain.working_time import LONDON
from ..dtos.changes import Changed
from ..dtos.complaints import ComplaintDetail, ComplaintInput, ComplaintSaved, StageInfo
from ..persistence.models import (
    AuditEntry,
    Call,
    Caller,
    Case,
    Complaint,
    ComplaintStage,
    Service,
    User,
)
from ..persistence.references import allocate_references
from ..persistence.restricted import record_stage_outcome
from . import catalogue
from .record_history import history_of
from .settings import load_settings


def london_today() -> date:
    return datetime.now(LONDON).date()


def _today(ctx: ServiceContext, today: date | None) -> date:
    """The day of the action in the UK, from the context's clock unless given."""
    return today or ctx.now().astimezone(LONDON).date()


def complaint_calendar(session: Session) -> WorkingDays:
    """Complaint deadlines count Monday to Friday, less the region's bank holidays."""
    return WorkingDays(region=load_settings(session).opening_hours.holiday_region)


# -- logging -------------------------------------------------------------------------------

@operation(Permission.LOG_COMPLAINTS, changes=(Changed.COMPLAINTS,))
def log_complaint(ctx: ServiceContext, data: ComplaintInput, *,
                  today: date | None = None) -> ComplaintSaved:
    """Save a new complaint at Stage 1; a retried save with the same key returns the first."""
    if data.officer_id is not None:  # naming the officer is handling it
        ctx.require(Permission.HANDLE_COMPLAINTS)
    today = _today(ctx, today)
    findings = Findings()
    phone = parse_phone(data.complainant_phone, findings, "complainant_phone")
    email = check_email(data.complainant_email, findings, "complainant_email")
    name = clean_text(data.complainant_name, limits.PERSON_NAME, findings, "complainant_name")
    address = clean_text(data.complainant_address, limits.ADDRESS, findings, "complainant_address")
    description = clean_text(data.description, limits.DESCRIPTION, findings, "description",
                             required=True)
    wants = clean_text(data.desired_outcome, limits.DESCRIPTION, findings, "desired_outcome")
    if data.channel not in CHANNELS:
        findings.error("channel",
                       f"'{data.channel}' is not a channel (one of: {', '.join(CHANNELS)})")
    received = data.received_on or today
    if received > today:
        findings.error("received_on", "cannot be in the future")
    if not data.case_reference.strip() and not data.service.strip():
        findings.error("service", "is required: which service is the complaint about?")
    looked_up = [check_characters(data.service, findings, "service"),
                 check_characters(data.case_reference, findings, "case_reference")]
    if not all(looked_up):  # never sent to the database to be looked up
        findings.raise_if_errors()
    user_id = ctx.actor.user_id
    with ctx.uow(write=True) as uow:
        s = uow.session
        earlier = s.scalar(select(Complaint.reference)
                           .where(Complaint.idempotency_key == data.idempotency_key))
        if earlier is not None:
            return ComplaintSaved(earlier, ())
        case = _case(s, data.case_reference, findings)
        service_id = case.service_id if case is not None else None
        if data.service.strip():
            try:
                service_id = catalogue.find_service(s, data.service).id
            except ValidationError as exc:
                findings.errors.extend(exc.issues)
        caller = _caller(s, case, phone.e164 if phone else None)
        if caller is not None:
            name = name or caller.name
            phone_e164 = phone.e164 if phone else caller.phone_e164
            email, address = email or caller.email, address or caller.address
        else:
            phone_e164 = phone.e164 if phone else None
        if not name and not any(i.field == "complainant_name" for i in findings.errors):
            findings.error("complainant_name", "is required: who is complaining?")
        if data.call_id is not None and s.get(Call, data.call_id) is None:
            findings.error("call", f"no call {data.call_id}")
        officer = _officer(s, data.officer_id) if data.officer_id is not None else None
        findings.raise_if_errors()
        now = ctx.now()
        (reference,) = allocate_references(s, COMPLAINT_PREFIX)
        complaint = Complaint(
            reference=reference, service_id=service_id, complainant_name=name,
            complainant_phone=phone_e164, complainant_email=email, complainant_address=address,
            caller_id=caller.id if caller else None, case_id=case.id if case else None,
            call_id=data.call_id, description=description, desired_outcome=wants,
            channel=data.channel, received_on=received, status="open",
            current_stage=Stage.STAGE_1.value, logged_by_id=user_id, created_at=now,
            updated_by_id=user_id, updated_at=now, idempotency_key=data.idempotency_key)
        s.add(complaint)
        s.flush()
        s.add(_new_stage(s, complaint, Stage.STAGE_1, received, officer, None))
        uow.commit()
        return ComplaintSaved(reference, tuple(findings.warnings))


def _case(session: Session, reference: str, findings: Findings) -> Case | None:
    if not reference.strip():
        return None
    case = session.scalar(select(Case).where(Case.reference == reference.strip().upper()))
    if case is None:
        findings.error("case_reference", f"no case {reference.strip().upper()}")
    return case


def _caller(session: Session, case: Case | None, e164: str | None) -> Caller | None:
    if case is not None and case.caller_id is not None:
        return session.get(Caller, case.caller_id)
    if e164:
        return session.scalar(select(Caller).where(Caller.phone_e164 == e164)
                              .order_by(Caller.updated_at.desc()).limit(1))
    return None


def _new_stage(session: Session, complaint: Complaint, stage: Stage, opened_on: date,
               officer: User | None, reason: str | None) -> ComplaintStage:
    due = deadlines(stage, opened_on, complaint_calendar(session))
    return ComplaintStage(
        complaint_id=complaint.id, stage=stage.value, officer_id=officer.id if officer else None,
        opened_on=opened_on, escalation_reason=reason, acknowledge_by=due.acknowledge_by,
        respond_by=due.respond_by, extension_days=0)


# -- handling ------------------------------------------------------------------------------

@operation(Permission.HANDLE_COMPLAINTS, changes=(Changed.COMPLAINTS,))
def assign_officer(ctx: ServiceContext, reference: str, officer_id: int, *,
                   expected_version: int | None = None) -> ComplaintDetail:
    """Name the officer handling the current stage (an independent stage needs a new one)."""
    with _handling(ctx, reference, expected_version) as (s, c, st):
        _require_open(st)
        officer = _officer(s, officer_id)
        check_officer(Stage(st.stage), officer.id, officer.full_name, _earlier(s, c, st))
        st.officer_id = officer.id
    return _read(ctx, reference, _today(ctx, None))


@operation(Permission.HANDLE_COMPLAINTS, changes=(Changed.COMPLAINTS,))
def acknowledge(ctx: ServiceContext, reference: str, acknowledged_on: date | None, *,
                expected_version: int | None = None,
                today: date | None = None) -> ComplaintDetail:
    today = _today(ctx, today)
    with _handling(ctx, reference, expected_version) as (_s, _c, st):
        stage = Stage(st.stage)
        _require_open(st)
        if stage.rule.acknowledge_days is None:
            raise TransitionError(f"{stage.label} has no acknowledgement step")
        if st.acknowledged_on is not None:
            raise TransitionError(
                f"{stage.label} was acknowledged on {st.acknowledged_on:%d/%m/%Y}")
        day = acknowledged_on or today
        if day < st.opened_on:
            raise ValidationError.single("acknowledged_on", "cannot be before the complaint "
                                         f"arrived ({st.opened_on:%d/%m/%Y})")
        if day > today:
            raise ValidationError.single("acknowledged_on", "cannot be in the future")
        st.acknowledged_on = day
    return _read(ctx, reference, today)


@operation(Permission.HANDLE_COMPLAINTS, changes=(Changed.COMPLAINTS,))
def extend(ctx: ServiceContext, reference: str, days: int, reason: str, *,
           expected_version: int | None = None, today: date | None = None) -> ComplaintDetail:
    """Give the current stage more working days to answer, once, for a recorded reason,
    before its deadline has passed (a late extension would turn a late answer into one in time)."""
    today = _today(ctx, today)
    with _handling(ctx, reference, expected_version) as (s, _c, st):
        stage = Stage(st.stage)
        check_extension(stage, days, reason, already_extended=st.extension_days > 0,
                        answered=st.outcome is not None, respond_by=st.respond_by, today=today)
        st.extension_days = days
        st.extension_reason = reason.strip()
        st.respond_by = deadlines(stage, st.opened_on, complaint_calendar(s), days).respond_by
    return _read(ctx, reference, today)


@operation(Permission.HANDLE_COMPLAINTS, changes=(Changed.COMPLAINTS,))
def record_outcome(ctx: ServiceContext, reference: str, outcome: str, response_on: date | None,
                   *, lessons_learnt: str = "", remedy: str = "",
                   expected_version: int | None = None,
                   today: date | None = None) -> ComplaintDetail:
    """Close the current stage with its outcome; lessons learnt are required when upheld."""
    today = _today(ctx, today)
    with _handling(ctx, reference, expected_version) as (_s, c, st):
        _require_open(st)
        findings = Findings()
        result = outcome_from(outcome)
        lessons = clean_text(lessons_learnt, limits.DESCRIPTION, findings, "lessons_learnt")
        fix = clean_text(remedy, limits.DESCRIPTION, findings, "remedy")
        day = response_on or today
        findings.errors.extend(check_outcome(result, lessons, day, st.opened_on, today,
                                             has_officer=st.officer_id is not None))
        findings.raise_if_errors()
        # Whoever records the outcome handled the stage (Stage 2 needs someone else).
        record_stage_outcome(_s, st, result.value, lessons, fix, day, ctx.actor.user_id)
        c.status, c.closed_on = "closed", day
    return _read(ctx, reference, today)


@operation(Permission.HANDLE_COMPLAINTS, changes=(Changed.COMPLAINTS,))
def escalate(ctx: ServiceContext, reference: str, officer_id: int | None, reason: str, *,
             stage: str = "", opened_on: date | None = None,
             expected_version: int | None = None, today: date | None = None) -> ComplaintDetail:
    """Open the next stage (Stage 2 by default after Stage 1) because the complainant asked.

    Stage 2 and the panel need an officer who handled no earlier stage.
    """
    today = _today(ctx, today)
    with _handling(ctx, reference, expected_version) as (s, c, st):
        current = Stage(st.stage)
        if stage:
            target = stage_from(stage)
        elif current.rule.next_stages:
            target = current.rule.next_stages[0]
        else:
            raise TransitionError(f"a complaint at {current.label} cannot be escalated further")
        check_escalation(current, target, Outcome(st.outcome) if st.outcome else None)
        findings = Findings()
        why = clean_text(reason, limits.REASON, findings, "escalation_reason", required=True)
        day = opened_on or today
        if st.response_on is not None and day < st.response_on:
            findings.error("opened_on", f"cannot be before the {current.label} answer "
                                        f"({st.response_on:%d/%m/%Y})")
        elif day > today:
            findings.error("opened_on", "cannot be in the future")
        officer = None
        if officer_id is None:
            if target.rule.independent:
                findings.error("officer", f"is required: name the officer who will handle "
                                          f"{target.label}")
        else:
            officer = _officer(s, officer_id)
            check_officer(target, officer.id, officer.full_name,
                          _earlier(s, c, None))
        findings.raise_if_errors()
        s.add(_new_stage(s, c, target, day, officer, why))
        c.current_stage, c.status, c.closed_on = target.value, "open", None
    return _read(ctx, reference, today)


# -- reading -------------------------------------------------------------------------------

@operation(Permission.READ_COMPLAINTS)
def get_complaint(ctx: ServiceContext, reference: str, *,
                  today: date | None = None) -> ComplaintDetail:
    return _read(ctx, reference, _today(ctx, today))


def _read(ctx: ServiceContext, reference: str, today: date) -> ComplaintDetail:
    """The complaint as saved, read in a unit of work of its own after a change committed."""
    with ctx.uow() as uow:
        return _detail(uow.session, _load(uow.session, reference), today)


def _detail(s: Session, c: Complaint, today: date) -> ComplaintDetail:
    calendar = complaint_calendar(s)
    names = {row.id: row.full_name for row in s.execute(select(User.id, User.full_name))}
    rows = s.scalars(select(ComplaintStage).where(ComplaintStage.complaint_id == c.id)
                     .order_by(ComplaintStage.id)).all()
    stages = tuple(_stage_info(row, names, calendar) for row in rows)
    current = rows[-1]
    stage = Stage(current.stage)
    open_now = current.outcome is None
    clock = countdown(today, calendar, acknowledge_by=current.acknowledge_by,
                      acknowledged=current.acknowledged_on is not None,
                      respond_by=current.respond_by) if open_now else None
    actions: list[str] = []
    next_stages: tuple[str, ...] = ()
    if open_now:
        actions.append("assign")
        if stage.rule.acknowledge_days is not None and current.acknowledged_on is None:
            actions.append("acknowledge")
        if stage.rule.max_extension_days and current.extension_days == 0:
            actions.append("extend")
        actions.append("respond")
    elif Outcome(current.outcome).is_decision and stage.rule.next_stages:
        actions.append("escalate")
        next_stages = tuple(n.value for n in stage.rule.next_stages)
    case_reference = s.scalar(select(Case.reference).where(Case.id == c.case_id)) \
        if c.case_id else None
    return ComplaintDetail(
        reference=c.reference, status=c.status, current_stage=c.current_stage,
        stage_label=stage.label, service=s.get(Service, c.service_id).name,
        complainant_name=c.complainant_name, complainant_phone=c.complainant_phone,
        complainant_email=c.complainant_email, complainant_address=c.complainant_address,
        description=c.description, desired_outcome=c.desired_outcome, channel=c.channel,
        received_on=c.received_on, closed_on=c.closed_on, case_reference=case_reference,
        call_id=c.call_id, logged_by=names.get(c.logged_by_id), version=c.version,
        stages=stages, countdown=clock, actions=tuple(actions), next_stages=next_stages,
        history=history_of(s, [(Complaint.__tablename__, c.id)]
                           + [(ComplaintStage.__tablename__, row.id) for row in rows]))


def _stage_info(row: ComplaintStage, names: dict[int, str], calendar: WorkingDays) -> StageInfo:
    taken = time_taken(row.opened_on, row.response_on, calendar) if row.response_on else None
    within = None
    if row.response_on is not None and row.respond_by is not None and row.outcome != "withdrawn":
        within = row.response_on <= row.respond_by
    return StageInfo(
        stage=row.stage, label=Stage(row.stage).label, officer_id=row.officer_id,
        officer=names.get(row.officer_id), opened_on=row.opened_on,
        escalation_reason=row.escalation_reason, acknowledge_by=row.acknowledge_by,
        acknowledged_on=row.acknowledged_on, respond_by=row.respond_by,
        extension_days=row.extension_days, extension_reason=row.extension_reason,
        outcome=row.outcome, outcome_label=Outcome(row.outcome).label if row.outcome else None,
        lessons_learnt=row.lessons_learnt, remedy=row.remedy, response_on=row.response_on,
        working_days_taken=taken.working_days if taken else None,
        calendar_days_taken=taken.calendar_days if taken else None, within_deadline=within)


# -- shared --------------------------------------------------------------------------------

@contextmanager
def _handling(ctx: ServiceContext, reference: str, expected_version: int | None):
    """One handling action: check the version, let the caller change, commit.

    The operation's decorator has already checked the actor may handle complaints.
    """
    with ctx.uow(write=True) as uow:
        s = uow.session
        complaint = _load(s, reference)
        if expected_version is not None and complaint.version != expected_version:
            raise ConflictError(
                f"{complaint.reference} was changed by someone else (now version "
                f"{complaint.version}); reload it to see their change, your text is kept",
                current=complaint.version)
        stage = s.scalar(select(ComplaintStage).where(
            ComplaintStage.complaint_id == complaint.id,
            ComplaintStage.stage == complaint.current_stage))
        yield s, complaint, stage
        # Bumps the version, so a stale copy elsewhere is refused.
        complaint.updated_at, complaint.updated_by_id = ctx.now(), ctx.actor.user_id
        try:
            uow.commit()
        except StaleDataError:
            raise ConflictError(f"{complaint.reference} was changed by someone else while you "
                                "saved; reload it, your text is kept") from None


def _load(session: Session, reference: str) -> Complaint:
    complaint = session.scalar(select(Complaint)
                               .where(Complaint.reference == reference.strip().upper()))
    if complaint is None:
        raise NotFoundError(f"no complaint with reference {reference.strip().upper()}")
    return complaint


def _require_open(stage: ComplaintStage) -> None:
    if stage.outcome is not None:
        raise TransitionError(f"{Stage(stage.stage).label} was answered on "
                              f"{stage.response_on:%d/%m/%Y}: escalate it to reopen it")


def _officer(session: Session, officer_id: int) -> User:
    officer = session.get(User, officer_id)
    if officer is None or not officer.active:
        raise ValidationError.single("officer", f"no active user with id {officer_id}")
    return officer


def _earlier(session: Session, complaint: Complaint,
             current: ComplaintStage | None) -> list[tuple[Stage, int | None]]:
    """The stages before ``current`` (all of them when None), once for each officer who
    handled them: every officer ever assigned (from the audit log) and whoever recorded
    the outcome, not only the officer named last."""
    rows = session.scalars(select(ComplaintStage)
                           .where(ComplaintStage.complaint_id == complaint.id)
                           .order_by(ComplaintStage.id)).all()
    earlier = [r for r in rows if current is None or r.id < current.id]
    handled: list[tuple[Stage, int | None]] = []
    for r in earlier:
        officers = {r.officer_id, r.recorded_by_id}
        for old_value, new_value in session.execute(
                select(AuditEntry.old_value, AuditEntry.new_value)
                .where(AuditEntry.entity == ComplaintStage.__tablename__,
                       AuditEntry.entity_id == str(r.id), AuditEntry.field == "officer_id")):
            officers |= {int(v) for v in (old_value, new_value) if v and v.isdigit()}
        handled += [(Stage(r.stage), officer) for officer in sorted(officers - {None})]
    return handled
