"""Working a case: status changes, notes, reassignment, duplicates, holds and the full record.

A case waiting for the caller is put on hold: its service clock stops (the
case has no due time while held) and on resuming the due time comes back
moved on by the opening time the hold covered. Finishing a held case ends
the hold the same way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from ..context import ServiceContext, operation
from ..domain import limits
from ..domain.case_status import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    CaseStatus,
    allowed_transitions,
    check_transition,
)
from ..domain.errors import ConflictError, NotFoundError, TransitionError, ValidationError
from ..domain.permissions import Permission
from ..domain.validation import Findings, clean_text
from ..domain.words import NOTE_VISIBILITY
from ..domain.working_days import due_after_holds
from ..dtos.cases import CaseDetail, CaseSummary, HoldInfo, NoteInfo
from ..dtos.changes import Changed
from ..persistence.models import (
    Call,
    CallCase,
    Caller,
    Case,
    CaseHold,
    CaseNote,
    CaseStatusChange,
    Category,
    Service,
    User,
)
from ..persistence.uow import UnitOfWork
from . import catalogue
from .calls import duplicate_window
from .record_history import history_of
from .settings import load_settings


def _summary_query():
    return (
        select(Case.id, Case.reference, Case.status, Category.name.label("category"),
               Service.name.label("service"), Case.received_at, Case.due_at, Case.location,
               Case.postcode, Case.version)
        .join(Category, Category.id == Case.category_id)
        .join(Service, Service.id == Case.service_id)
    )


def _summary(row) -> CaseSummary:
    return CaseSummary(row.id, row.reference, row.status, row.category, row.service,
                       row.received_at, row.due_at, row.location, row.postcode, row.version)


def _load(session: Session, reference: str) -> Case:
    case = session.scalar(select(Case).where(Case.reference == reference.strip().upper()))
    if case is None:
        raise NotFoundError(f"no case with reference {reference}")
    return case


def _load_for_change(session: Session, reference: str) -> Case:
    case = _load(session, reference)
    if case.anonymised_at is not None:
        raise TransitionError(
            f"{case.reference} was anonymised under the retention policy and can no longer be "
            "changed: log a new case if the problem is back")
    return case


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(
            f"{case.reference} was changed by someone else (now version {case.version}); "
            "reload it to see their change, your text is kept", current=case.version)


def _commit(uow: UnitOfWork, reference: str) -> None:
    try:
        uow.commit()
    except StaleDataError:
        raise ConflictError(f"{reference} was changed by someone else while you saved; "
                            "reload it, your text is kept") from None


@operation(Permission.WORK_CASES, changes=(Changed.CASES,))
def change_status(ctx: ServiceContext, reference: str, target: str, *,
                  expected_version: int | None = None, reason: str = "",
                  duplicate_of: str = "") -> CaseSummary:
    user_id = ctx.actor.user_id
    with ctx.uow(write=True) as uow:
        s = uow.session
        case = _load_for_change(s, reference)
        _check_version(case, expected_version)
        new_status = check_transition(case.status, target)
        findings = Findings()
        why = clean_text(reason, limits.REASON, findings, "reason")
        if new_status is CaseStatus.DUPLICATE:
            original = _duplicate_target(s, case, duplicate_of)
            case.duplicate_of_id = original.id
        elif case.duplicate_of_id is not None:
            case.duplicate_of_id = None
        findings.raise_if_errors()
        now = ctx.now()
        if new_status in FINISHED_STATUSES:
            _end_hold(s, case, user_id, now)
        s.add(CaseStatusChange(case_id=case.id, from_status=case.status,
                               to_status=new_status.value, reason=why, changed_by_id=user_id,
                               changed_at=now))
        case.status = new_status.value
        case.closed_at = now if new_status in FINISHED_STATUSES else None
        case.updated_at, case.updated_by_id = now, user_id
        _commit(uow, case.reference)
        return _summary(s.execute(_summary_query().where(Case.id == case.id)).one())


def _duplicate_target(session: Session, case: Case, reference: str) -> Case:
    if not reference.strip():
        raise ValidationError.single("duplicate_of", "give the reference of the original case")
    original = session.scalar(select(Case).where(Case.reference == reference.strip().upper()))
    if original is None:
        raise ValidationError.single("duplicate_of", f"no case {reference}")
    if original.id == case.id:
        raise ValidationError.single("duplicate_of", "a case cannot duplicate itself")
    if original.status == CaseStatus.DUPLICATE.value:
        raise ValidationError.single("duplicate_of", f"{original.reference} is itself a duplicate")
    return original


@operation(Permission.WORK_CASES, changes=(Changed.CASES,))
def add_note(ctx: ServiceContext, reference: str, body: str,
             visibility: str = "internal") -> NoteInfo:
    findings = Findings()
    text = clean_text(body, limits.NOTE, findings, "note", required=True)
    if visibility not in NOTE_VISIBILITY:
        findings.error("visibility", f"'{visibility}' is not one of {', '.join(NOTE_VISIBILITY)}")
    findings.raise_if_errors()
    with ctx.uow(write=True) as uow:
        s = uow.session
        case = _load_for_change(s, reference)
        note = CaseNote(case_id=case.id, author_id=ctx.actor.user_id, visibility=visibility,
                        body=text, created_at=ctx.now())
        s.add(note)
        uow.commit()
        # As get_case shows it: the author's name only when the note has a users row to name.
        author = ctx.actor.full_name if ctx.actor.user_id is not None else None
        return NoteInfo(note.id, author, visibility, text, note.created_at)


@operation(Permission.WORK_CASES, changes=(Changed.CASES,))
def reassign(ctx: ServiceContext, reference: str, service: str, reason: str, *,
             expected_version: int | None = None) -> CaseSummary:
    """Send a case to another service; a reason is required when leaving the default."""
    with ctx.uow(write=True) as uow:
        s = uow.session
        case = _load_for_change(s, reference)
        _check_version(case, expected_version)
        category = s.get(Category, case.category_id)
        target, why = catalogue.route(s, category, service, reason)
        if target.id != case.service_id:
            case.service_id, case.routing_reason = target.id, why
            case.updated_at, case.updated_by_id = ctx.now(), ctx.actor.user_id
            if case.status == CaseStatus.NEW.value:
                check_transition(case.status, CaseStatus.ROUTED)
        _commit(uow, case.reference)
        return _summary(s.execute(_summary_query().where(Case.id == case.id)).one())


@operation(Permission.WORK_CASES, changes=(Changed.CASES,))
def hold(ctx: ServiceContext, reference: str, reason: str, *,
         expected_version: int | None = None) -> CaseSummary:
    """Stop the case's clock while it waits for the caller (a reason is required)."""
    findings = Findings()
    why = clean_text(reason, limits.REASON, findings, "hold_reason", required=True)
    findings.raise_if_errors()
    user_id = ctx.actor.user_id
    with ctx.uow(write=True) as uow:
        s = uow.session
        case = _load_for_change(s, reference)
        _check_version(case, expected_version)
        if not CaseStatus(case.status).is_open:
            raise TransitionError(f"{case.reference} is {CaseStatus(case.status).label.lower()}: "
                                  "only an open case can wait for the caller")
        if _open_hold(s, case) is not None:
            raise TransitionError(f"{case.reference} is already waiting for the caller")
        now = ctx.now()
        s.add(CaseHold(case_id=case.id, started_at=now, reason=why, due_before=case.due_at,
                       started_by_id=user_id))
        case.due_at = None
        case.updated_at, case.updated_by_id = now, user_id
        _commit(uow, case.reference)
        return _summary(s.execute(_summary_query().where(Case.id == case.id)).one())


@operation(Permission.WORK_CASES, changes=(Changed.CASES,))
def resume(ctx: ServiceContext, reference: str, *,
           expected_version: int | None = None) -> CaseSummary:
    """Start the clock again: the due time moves on by the opening time the case waited."""
    user_id = ctx.actor.user_id
    with ctx.uow(write=True) as uow:
        s = uow.session
        case = _load_for_change(s, reference)
        _check_version(case, expected_version)
        now = ctx.now()
        if not _end_hold(s, case, user_id, now):
            raise TransitionError(f"{case.reference} is not waiting for the caller")
        case.updated_at, case.updated_by_id = now, user_id
        _commit(uow, case.reference)
        return _summary(s.execute(_summary_query().where(Case.id == case.id)).one())


def _open_hold(session: Session, case: Case) -> CaseHold | None:
    return session.scalar(select(CaseHold).where(CaseHold.case_id == case.id,
                                                 CaseHold.ended_at.is_(None)))


def _end_hold(session: Session, case: Case, user_id: int | None, now: datetime) -> bool:
    """End the case's open hold, giving it back its due time moved on; False if none."""
    held = _open_hold(session, case)
    if held is None:
        return False
    held.ended_at, held.ended_by_id = now, user_id
    if held.due_before is not None:
        hours = load_settings(session).opening_hours
        held.due_after = due_after_holds(hours, held.due_before, [(held.started_at, now)])
    case.due_at = held.due_after
    return True


@operation(Permission.READ_CASES)
def find_duplicates(ctx: ServiceContext, category: str, *, usrn: int | None = None,
                    uprn: int | None = None, postcode: str | None = None) -> list[CaseSummary]:
    """Open cases in the same category at the same street or property, recent first."""
    if usrn is None and uprn is None and not postcode:
        return []
    with ctx.uow() as uow:
        s = uow.session
        found = catalogue.find_category(s, category)
        since = ctx.now() - duplicate_window(s)
        places = []
        if uprn is not None:
            places.append(Case.uprn == uprn)
        if usrn is not None:
            places.append(Case.usrn == usrn)
        if postcode and uprn is None and usrn is None:
            places.append(Case.postcode == postcode)
        query = (_summary_query()
                 .where(Case.category_id == found.id, Case.received_at >= since,
                        Case.status.in_([st.value for st in OPEN_STATUSES]), or_(*places))
                 .order_by(Case.received_at.desc()).limit(10))
        return [_summary(row) for row in s.execute(query)]


@operation(Permission.READ_CASES)
def get_case(ctx: ServiceContext, reference: str) -> CaseDetail:
    with ctx.uow() as uow:
        s = uow.session
        case = _load(s, reference)
        summary = _summary(s.execute(_summary_query().where(Case.id == case.id)).one())
        caller = s.get(Caller, case.caller_id) if case.caller_id else None
        original = aliased(Case)
        duplicate_of = s.scalar(
            select(original.reference).where(original.id == case.duplicate_of_id)
        ) if case.duplicate_of_id else None
        notes = tuple(
            NoteInfo(n.id, name, n.visibility, n.body, n.created_at)
            for n, name in s.execute(
                select(CaseNote, User.full_name).outerjoin(User, User.id == CaseNote.author_id)
                .where(CaseNote.case_id == case.id).order_by(CaseNote.created_at, CaseNote.id))
        )
        calls = tuple(
            (row.id, row.started_at, row.link) for row in s.execute(
                select(Call.id, Call.started_at, CallCase.link)
                .join(CallCase, CallCase.call_id == Call.id)
                .where(CallCase.case_id == case.id).order_by(Call.started_at))
        )
        history = history_of(s, [(Case.__tablename__, case.id)])
        held = _open_hold(s, case)
        hold_info = HoldInfo(held.started_at, held.reason,
                             s.scalar(select(User.full_name).where(User.id == held.started_by_id)),
                             held.due_before) if held is not None else None
        return CaseDetail(
            summary=summary, description=case.description, priority=case.priority,
            caller_name=caller.name if caller else None,
            caller_phone=caller.phone_e164 if caller else None,
            duplicate_of=duplicate_of, closed_at=case.closed_at,
            allowed_statuses=tuple(sorted(st.value for st in allowed_transitions(case.status))),
            notes=notes, calls=calls, history=history, hold=hold_info,
        )
