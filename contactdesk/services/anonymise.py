"""Anonymising one closed case: who it was about and what was said go, the facts stay.

Kept: category, service, status, priority, dates, outcome, the reference and
every id linking rows (so each statistic and report figure is unchanged).
Removed: the description, location, postcode and property, free text in notes,
reasons and holds, the summaries of calls that served only anonymised cases,
the number and reason of the case's callbacks (and of callbacks asked for on
those calls with no case) and what the phone system said on each try,
and the caller: their row is anonymised when this was their last live case
and they have no complaint, otherwise the case (and its calls) stop naming
them. The street (usrn) goes too: no report groups cases by street.

Changes go through the ORM so optimistic versions move on (a desk holding the
case open gets a conflict rather than writing the text back) and the search
word triggers drop the old name and location words. The caller commits.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, aliased

from ..dtos.callbacks import CANCELLED, WAITING
from ..dtos.retention import CALLER_ANONYMISED, CALLER_UNLINKED, NO_CALLER
from ..persistence.audit_redaction import REMOVED
from ..persistence.models import (
    Call,
    Callback,
    CallbackAttempt,
    CallCase,
    Caller,
    Case,
    CaseHold,
    CaseNote,
    CaseStatusChange,
    Complaint,
)


def caller_outcome(session: Session, case_id: int, caller_id: int | None,
                   already: Collection[int] = ()) -> str:
    """What anonymising the case does to its caller.

    ``already`` names cases taken as anonymised though they are not yet (a dry
    run's earlier cases), so a preview tells what the real run would do.
    """
    if caller_id is None:
        return NO_CALLER
    live = set(session.scalars(select(Case.id).where(
        Case.caller_id == caller_id, Case.id != case_id, Case.anonymised_at.is_(None))))
    complained = session.scalar(select(exists().where(Complaint.caller_id == caller_id)))
    if complained or live.difference(already):
        return CALLER_UNLINKED
    return CALLER_ANONYMISED


def anonymise_case(session: Session, case: Case, now: datetime) -> str:
    """Remove the personal details of ``case`` and its records; returns the caller's outcome."""
    outcome = caller_outcome(session, case.id, case.caller_id)
    case.description = REMOVED
    case.location = case.postcode = case.uprn = case.usrn = None
    if case.routing_reason is not None:  # typed by an agent: free text like the rest
        case.routing_reason = REMOVED
    for note in session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)):
        note.body = REMOVED
    for change in session.scalars(select(CaseStatusChange).where(
            CaseStatusChange.case_id == case.id, CaseStatusChange.reason.is_not(None))):
        change.reason = REMOVED
    for hold in session.scalars(select(CaseHold).where(CaseHold.case_id == case.id)):
        hold.reason = REMOVED
    if outcome == CALLER_ANONYMISED:
        anonymise_caller(session.get(Caller, case.caller_id), now)
    elif outcome == CALLER_UNLINKED:
        case.caller_id = None
    case.anonymised_at = now
    session.flush()  # the calls below are judged with this case anonymised
    cleared = _clear_calls(session, case.id)
    _clear_callbacks(session, case.id, cleared, now)
    return outcome


def anonymise_caller(caller: Caller, now: datetime) -> None:
    caller.name = caller.phone_e164 = caller.phone_raw = caller.email = None
    caller.address = caller.postcode = caller.uprn = None
    if caller.anonymised_at is None:
        caller.anonymised_at = now


def _clear_callbacks(session: Session, case_id: int, cleared_calls: list[int],
                     now: datetime) -> None:
    """The case's callbacks, and those asked for on its cleared calls without a case, lose
    the number and the reason; their tries lose what the phone system said. Status, times
    and outcomes of finished ones stay, so the kept-on-time figure is unchanged; one still
    waiting is cancelled (it has no number left to ring)."""
    about = Callback.case_id == case_id
    if cleared_calls:
        about = or_(about, Callback.case_id.is_(None) & Callback.call_id.in_(cleared_calls))
    callbacks = session.scalars(select(Callback).where(about)).all()
    for callback in callbacks:
        callback.phone_e164 = callback.reason = REMOVED
        if callback.status == WAITING:
            callback.status, callback.closed_at = CANCELLED, now
            callback.claimed_by_id = callback.claimed_at = None
    if callbacks:
        for attempt in session.scalars(select(CallbackAttempt).where(
                CallbackAttempt.callback_id.in_([c.id for c in callbacks]),
                CallbackAttempt.dial_result.is_not(None))):
            attempt.dial_result = REMOVED


def _clear_calls(session: Session, case_id: int) -> list[int]:
    """Calls that served only anonymised cases lose their summary, and stop naming a caller
    who is kept (otherwise the caller's history and the calls export would still tie
    them to the case)."""
    other = aliased(CallCase)
    live_case = (select(other.call_id)
                 .join(Case, Case.id == other.case_id)
                 .where(other.call_id == Call.id, Case.anonymised_at.is_(None))
                 .exists())
    calls = session.scalars(
        select(Call).join(CallCase, CallCase.call_id == Call.id)
        .where(CallCase.case_id == case_id, ~live_case)).all()
    for call in calls:
        call.summary = None
        if call.caller_id is not None:
            caller = session.get(Caller, call.caller_id)
            if caller is not None and caller.anonymised_at is None:
                call.caller_id = None
    return [call.id for call in calls]
