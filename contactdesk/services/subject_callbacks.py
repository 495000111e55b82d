"""The callbacks in a subject access request: those to the person's number or on their
cases and calls, each with its tries, the reason redacted like other free text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..dtos.callbacks import OUTCOME_WORDS
from ..dtos.subject_access import REDACTED, CallbackAttemptRecord, CallbackRecord
from ..persistence.models import Callback, CallbackAttempt, Case, User
from .subject_mentions import Redactor, Subject

# Values per IN list, as for the person's other records.
CHUNK = 500


def _chunks(values: Iterable) -> Iterable[list]:
    ordered = sorted(values)
    return (ordered[start:start + CHUNK] for start in range(0, len(ordered), CHUNK))


def their_callback_ids(s: Session, subject: Subject, case_ids: set[int],
                       call_ids: set[int]) -> set[int]:
    """Callbacks to one of the person's numbers, or asked for on their cases or calls."""
    found: set[int] = set()
    for column, values in ((Callback.phone_e164, subject.phones), (Callback.case_id, case_ids),
                           (Callback.call_id, call_ids)):
        for chunk in _chunks(values):
            found.update(s.scalars(select(Callback.id).where(column.in_(chunk))))
    return found


def callback_records(s: Session, callback_ids: set[int], subject: Subject, case_ids: set[int],
                     redactor: Redactor) -> tuple[CallbackRecord, ...]:
    """The callbacks, oldest request first, other people's numbers and names redacted."""
    asker, staff = aliased(User), aliased(User)
    attempts: dict[int, list[CallbackAttemptRecord]] = defaultdict(list)
    rows = []
    for chunk in _chunks(callback_ids):
        rows += s.execute(select(Callback, Case.reference, asker.full_name)
                          .outerjoin(Case, Case.id == Callback.case_id)
                          .outerjoin(asker, asker.id == Callback.requested_by_id)
                          .where(Callback.id.in_(chunk))).all()
        for callback_id, at, by, outcome, said in s.execute(
                select(CallbackAttempt.callback_id, CallbackAttempt.at, staff.full_name,
                       CallbackAttempt.outcome, CallbackAttempt.dial_result)
                .outerjoin(staff, staff.id == CallbackAttempt.agent_id)
                .where(CallbackAttempt.callback_id.in_(chunk)).order_by(CallbackAttempt.id)):
            text, check = redactor.clean(said)
            attempts[callback_id].append(
                CallbackAttemptRecord(at, by, OUTCOME_WORDS.get(outcome, outcome), text, check))
    rows.sort(key=lambda row: (row[0].requested_at, row[0].id))
    return tuple(_record(row, subject, case_ids, redactor, attempts.get(row[0].id, []))
                 for row in rows)


def _record(row, subject: Subject, case_ids: set[int], redactor: Redactor,
            attempts: list[CallbackAttemptRecord]) -> CallbackRecord:
    callback, reference, asker = row
    own_number = callback.phone_e164 in subject.phones
    if own_number:
        relation = "a call back to your number"
    elif callback.case_id in case_ids:
        relation = "a call back about your case"
    else:
        relation = "a call back asked for on your call"
    reason, check = redactor.clean(callback.reason)
    return CallbackRecord(
        id=callback.id, relation=relation, requested_at=callback.requested_at,
        requested_by=asker, phone=callback.phone_e164 if own_number else REDACTED,
        reason=reason or "", due_at=callback.due_at,
        as_soon_as_possible=callback.as_soon_as_possible, status=callback.status,
        closed_at=callback.closed_at, case_reference=reference, call_id=callback.call_id,
        attempts=tuple(attempts), check=check)
