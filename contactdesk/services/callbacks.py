"""Callbacks: a caller to ring back, the agents' list of them, each try and its outcome.

A callback is asked for from a call or a case with a number (checked as the call form checks
it), a reason and a due time: a time given, or "as soon as possible", which is due
``ASAP_WORKING_HOURS`` hours of opening time after it was asked for (the centre's opening
hours from settings; asked for after closing, it falls due two hours after the next opening).

Taking one claims it for the agent (``claimed_by_id``, under the row's version check), so two
agents never ring the same caller: the second is told who has it. A claim lapses after
``CLAIM_LAPSES_AFTER`` so a desk that crashed mid-call does not keep it for ever. The outcome
is recorded on the callback and as a note on its case: spoke to the caller closes it as done;
no answer and left a message count as failed attempts and keep it waiting, the third closes
it as failed; a wrong number closes it as failed at once (ringing again cannot help).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from ..context import ServiceContext, operation
from ..domain import limits
from ..domain.errors import ConflictError, NotFoundError, TransitionError, ValidationError
from ..domain.permissions import Permission
from ..domain.validation import Findings, clean_text, parse_phone
from ..domain.working_time import LONDON
from ..dtos.callbacks import (
    ASAP_WORKING_HOURS,
    CANCELLED,
    DONE,
    FAILED,
    LEFT_MESSAGE,
    MAX_FAILED_ATTEMPTS,
    NO_ANSWER,
    OUTCOME_WORDS,
    SPOKE,
    WAITING,
    WRONG_NUMBER,
    CallbackRequest,
    CallbackRow,
    DialPlan,
    KeptOnTime,
)
from ..dtos.changes import Changed
from ..persistence.models import Call, Callback, CallbackAttempt, Case, CaseNote, Setting, User
from .settings import load_settings

CLAIM_LAPSES_AFTER = timedelta(minutes=15)
# The dialplan context the desk's Originate dials the caller in (setting callback_dial_context).
DIAL_CONTEXT_SETTING = "callback_dial_context"
DEFAULT_DIAL_CONTEXT = "from-internal"
_FAILED_TRIES = (NO_ANSWER, LEFT_MESSAGE)


@operation(Permission.LOG_CALLS, changes=(Changed.CASES,))
def request_callback(ctx: ServiceContext, request: CallbackRequest) -> CallbackRow:
    """Store a callback to ring; ValidationError names each field at fault."""
    findings = Findings()
    phone = parse_phone(request.phone, findings, "phone")
    if phone is None and not findings.errors:
        findings.error("phone", "is required: the number to ring back")
    reason = clean_text(request.reason, limits.REASON, findings, "reason", required=True)
    now = ctx.now()
    if request.due_at is not None and request.due_at < now - timedelta(minutes=1):
        findings.error("due_at", "is in the past: give a time from now on, or as soon as "
                                 "possible")
    findings.raise_if_errors()
    with ctx.uow(write=True) as uow:
        s = uow.session
        case_id = _case_id(s, request.case_reference) if request.case_reference.strip() else None
        if request.call_id is not None and s.get(Call, request.call_id) is None:
            raise NotFoundError(f"no call numbered {request.call_id}")
        if request.due_at is None:
            due = load_settings(s).opening_hours.add_working_hours(now, ASAP_WORKING_HOURS)
        else:
            due = request.due_at
        callback = Callback(case_id=case_id, call_id=request.call_id, phone_e164=phone.e164,
                            reason=reason, as_soon_as_possible=request.due_at is None,
                            due_at=due, status=WAITING, failed_attempts=0,
                            requested_by_id=ctx.actor.user_id, requested_at=now)
        s.add(callback)
        s.flush()
        callback_id = callback.id
        uow.commit()
    return _row_by_id(ctx, callback_id)


@operation(Permission.READ_CASES)
def waiting_callbacks(ctx: ServiceContext) -> list[CallbackRow]:
    """The callbacks still to ring, soonest due first (the overdue ones lead)."""
    with ctx.uow() as uow:
        rows = uow.session.execute(_rows_query().where(Callback.status == WAITING)
                                   .order_by(Callback.due_at, Callback.id)).all()
        return [_row(r, ctx.now()) for r in rows]


@operation(Permission.READ_CASES)
def callbacks_of_case(ctx: ServiceContext, reference: str) -> list[CallbackRow]:
    with ctx.uow() as uow:
        case_id = _case_id(uow.session, reference)
        rows = uow.session.execute(_rows_query().where(Callback.case_id == case_id)
                                   .order_by(Callback.due_at, Callback.id)).all()
        return [_row(r, ctx.now()) for r in rows]


@operation(Permission.WORK_CASES, changes=(Changed.CASES,))
def claim_callback(ctx: ServiceContext, callback_id: int) -> CallbackRow:
    """Take a callback to ring it; ConflictError when another agent has it."""
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        s = uow.session
        callback = _load(s, callback_id)
        _still_waiting(callback)
        holder = callback.claimed_by_id
        if holder is not None and holder != ctx.actor.user_id and \
                callback.claimed_at is not None and callback.claimed_at > now - CLAIM_LAPSES_AFTER:
            raise ConflictError(f"{_name(s, holder)} is already ringing this caller: pick "
                                "another callback.")
        callback.claimed_by_id, callback.claimed_at = ctx.actor.user_id, now
        _commit(uow)
    return _row_by_id(ctx, callback_id)


@operation(Permission.WORK_CASES, changes=(Changed.CASES,))
def release_callback(ctx: ServiceContext, callback_id: int) -> None:
    """Give a claimed callback back without ringing it (the agent changed their mind)."""
    with ctx.uow(write=True) as uow:
        callback = _load(uow.session, callback_id)
        if callback.claimed_by_id == ctx.actor.user_id:
            callback.claimed_by_id = callback.claimed_at = None
            _commit(uow)


@operation(Permission.WORK_CASES, changes=(Changed.CASES,))
def record_outcome(ctx: ServiceContext, callback_id: int, outcome: str,
                   dial_result: str = "") -> CallbackRow:
    """Record a try: on the callback, as an attempt, and as a note on its case."""
    if outcome not in OUTCOME_WORDS:
        raise ValidationError.single("outcome", f"'{outcome}' is not one of "
                                                f"{', '.join(OUTCOME_WORDS)}")
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        s = uow.session
        callback = _load(s, callback_id)
        _still_waiting(callback)
        if callback.claimed_by_id not in (None, ctx.actor.user_id) and \
                callback.claimed_at is not None and callback.claimed_at > now - CLAIM_LAPSES_AFTER:
            raise ConflictError(f"{_name(s, callback.claimed_by_id)} is ringing this caller: "
                                "their outcome counts, not this one.")
        s.add(CallbackAttempt(callback_id=callback.id, at=now, agent_id=ctx.actor.user_id,
                              outcome=outcome, dial_result=dial_result[:limits.REASON] or None))
        if outcome in _FAILED_TRIES:
            callback.failed_attempts += 1
        if outcome == SPOKE:
            callback.status, callback.closed_at = DONE, now
        elif outcome == WRONG_NUMBER or callback.failed_attempts >= MAX_FAILED_ATTEMPTS:
            callback.status, callback.closed_at = FAILED, now
        callback.claimed_by_id = callback.claimed_at = None
        if callback.case_id is not None:
            s.add(CaseNote(case_id=callback.case_id, author_id=ctx.actor.user_id,
                           visibility="internal", body=_note(callback, outcome, dial_result),
                           created_at=now))
        _commit(uow)
    return _row_by_id(ctx, callback_id)


@operation(Permission.WORK_CASES, changes=(Changed.CASES,))
def cancel_callback(ctx: ServiceContext, callback_id: int) -> CallbackRow:
    """No longer needed (the caller rang in again, say): it leaves the list and the figure."""
    with ctx.uow(write=True) as uow:
        callback = _load(uow.session, callback_id)
        _still_waiting(callback)
        callback.status, callback.closed_at = CANCELLED, ctx.now()
        callback.claimed_by_id = callback.claimed_at = None
        _commit(uow)
    return _row_by_id(ctx, callback_id)


@operation(Permission.WORK_CASES)
def dial_plan(ctx: ServiceContext, callback_id: int, device: str) -> DialPlan:
    """The Originate's fields to ring ``device`` (the agent's phone) and then the caller.

    Exten is the number as national digits (07700900123), the form a UK dialplan's outbound
    pattern (``_0X.``) expects; Context is the setting ``callback_dial_context``, by default
    ``from-internal``, the context Asterisk's own phones dial out from.
    """
    with ctx.uow() as uow:
        s = uow.session
        row = s.execute(_rows_query().where(Callback.id == callback_id)).one_or_none()
        if row is None:
            raise NotFoundError(f"no callback numbered {callback_id}")
        context = s.scalar(select(Setting.value).where(Setting.key == DIAL_CONTEXT_SETTING))
        callback = _row(row, ctx.now())
    digits = "".join(c for c in callback.phone_national if c.isdigit())
    about = callback.case_reference or "callback"
    return DialPlan(device, digits, context or DEFAULT_DIAL_CONTEXT,
                    f'"Callback {about}" <{digits}>')


@operation(Permission.RUN_REPORTS)
def callbacks_kept_on_time(ctx: ServiceContext, first: date, last: date) -> KeptOnTime:
    """The figure for the days ``first`` to ``last`` (local), as KEPT_ON_TIME_DEFINITION says."""
    with ctx.uow() as uow:
        return kept_on_time(uow.session, first, last, ctx.now())


def kept_on_time(session: Session, first: date, last: date, now: datetime) -> KeptOnTime:
    """For reports already in a unit of work: callbacks due between the start of ``first``
    and the end of ``last``, cancelled ones left out, and of those not yet due at ``now``
    only the ones already closed; kept = spoken to by the due time."""
    start = datetime.combine(first, time(0), tzinfo=LONDON)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=LONDON)
    due = and_(Callback.due_at >= start, Callback.due_at < end, Callback.status != CANCELLED,
               or_(Callback.due_at <= now, Callback.closed_at.is_not(None)))
    kept = and_(Callback.status == DONE, Callback.closed_at <= Callback.due_at)
    total, on_time = session.execute(select(
        func.count(), func.coalesce(func.sum(_when(kept)), 0)).where(due)).one()
    return KeptOnTime(int(total or 0), int(on_time or 0))


def _when(condition):
    return case((condition, 1), else_=0)


# -- helpers ---------------------------------------------------------------------------------
def _rows_query():
    asker, holder = aliased(User), aliased(User)
    return (select(Callback, Case.reference, asker.full_name, holder.full_name)
            .outerjoin(Case, Case.id == Callback.case_id)
            .outerjoin(asker, asker.id == Callback.requested_by_id)
            .outerjoin(holder, holder.id == Callback.claimed_by_id))


def _row(result, now: datetime) -> CallbackRow:
    callback, reference, asker, holder = result
    phone = parse_phone(callback.phone_e164, Findings())
    claimed = holder if callback.claimed_at is not None and \
        callback.claimed_at > now - CLAIM_LAPSES_AFTER else None
    return CallbackRow(callback.id, callback.phone_e164,
                       phone.national if phone is not None else callback.phone_e164,
                       callback.reason, callback.due_at, callback.as_soon_as_possible,
                       callback.status, callback.failed_attempts, reference, asker, claimed,
                       callback.status == WAITING and callback.due_at < now)


def _row_by_id(ctx: ServiceContext, callback_id: int) -> CallbackRow:
    with ctx.uow() as uow:
        return _row(uow.session.execute(_rows_query().where(Callback.id == callback_id)).one(),
                    ctx.now())


def _load(session: Session, callback_id: int) -> Callback:
    callback = session.get(Callback, callback_id)
    if callback is None:
        raise NotFoundError(f"no callback numbered {callback_id}")
    return callback


def _still_waiting(callback: Callback) -> None:
    if callback.status != WAITING:
        raise TransitionError(f"this callback is already {callback.status}: nothing more to "
                              "ring.")


def _case_id(session: Session, reference: str) -> int:
    case_id = session.scalar(select(Case.id).where(Case.reference == reference.strip().upper()))
    if case_id is None:
        raise NotFoundError(f"no case with reference {reference}")
    return case_id


def _name(session: Session, user_id: int) -> str:
    return session.scalar(select(User.full_name).where(User.id == user_id)) or "another agent"


def _note(callback: Callback, outcome: str, dial_result: str) -> str:
    phone = parse_phone(callback.phone_e164, Findings())
    number = phone.national if phone is not None else callback.phone_e164
    text = f"Callback to {number}: {OUTCOME_WORDS[outcome]}"
    if outcome in _FAILED_TRIES:
        text += f" (failed attempt {callback.failed_attempts} of {MAX_FAILED_ATTEMPTS})"
    if callback.status == FAILED:
        text += "; closed as failed"
    if dial_result:
        text += f"; the phone system said: {dial_result}"
    return text + "."


def _commit(uow) -> None:
    try:
        uow.commit()
    except StaleDataError:
        raise ConflictError("Another agent took this callback at the same moment: pick another "
                            "one.") from None

