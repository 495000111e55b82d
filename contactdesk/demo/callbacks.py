"""Demo callbacks: a few of the run's phone calls ask to be rung back, as at a real desk.

Most are rung back in time (some after a first try with no answer), some late, some
fail after three tries or at once on a wrong number, a few are cancelled. Tries fall in
opening hours and, like everything else, before midnight at the start of ``today``: a
callback whose closing try would come later is still waiting. Those due today are left
waiting, except the last one or two asked for on the last day, rung back the same evening,
so "Callbacks kept on time" has a figure for today from the first minute.

Draws come from a generator of their own, so the calls and cases planned before stay
as they were.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.working_time import LONDON
from ..dtos.callbacks import (
    ASAP_WORKING_HOURS,
    CANCELLED,
    DONE,
    FAILED,
    LEFT_MESSAGE,
    MAX_FAILED_ATTEMPTS,
    NO_ANSWER,
    SPOKE,
    WAITING,
    WRONG_NUMBER,
)
from ..persistence.models import Call, Callback, CallbackAttempt, CallCase, Caller
from ..services.settings import load_settings

CALLBACK_SHARE = 0.05        # of the run's phone calls from a known number
AS_SOON_AS_POSSIBLE_SHARE = 0.7
RUNG_THE_SAME_EVENING = 2    # of the last day's callbacks due today
# Fates, by cumulative share: on time, late, failed after three tries, wrong number;
# the rest are cancelled (the caller rang in again).
ON_TIME, LATE, THREE_TRIES, WRONG = 0.74, 0.85, 0.95, 0.97
REASONS_ON_A_CASE = (
    "Wants an update on the case",
    "Wants to know when the crew will come",
    "Asked to be rung when the officer has visited",
    "Will be in after 2pm: ring to arrange access",
    "Asked for someone to explain what happens next",
)
REASONS = (
    "Asked for a call back about the letter they received",
    "Wants to set up a payment arrangement",
    "Asked for the team to ring back with an answer",
    "Could not stay on the line: ring back about their enquiry",
)


def add_demo_callbacks(session: Session, rng: random.Random, today: date, days: int) -> int:
    """Add callbacks to some of the run's phone calls; how many were added."""
    hours = load_settings(session).opening_hours
    first = datetime.combine(today - timedelta(days=days), time(), LONDON).astimezone(UTC)
    end = datetime.combine(today, time(), LONDON).astimezone(UTC)
    case_of = (select(func.min(CallCase.case_id)).where(CallCase.call_id == Call.id)
               .scalar_subquery())
    calls = session.execute(
        select(Call.id, Call.started_at, Call.ended_at, Call.agent_id, Caller.phone_e164,
               case_of)
        .join(Caller, Caller.id == Call.caller_id)
        .where(Call.channel == "phone", Call.started_at >= first, Call.started_at < end,
               Caller.phone_e164.is_not(None))
        .order_by(Call.started_at, Call.id)).all()
    chosen = [row for row in calls if rng.random() < CALLBACK_SHARE]
    planned = []
    for call_id, started, ended, agent_id, phone, case_id in chosen:
        requested = ended or started
        asap = rng.random() < AS_SOON_AS_POSSIBLE_SHARE
        span = ASAP_WORKING_HOURS if asap else rng.choice((3, 4, 6))
        due = hours.add_working_hours(requested, span)
        if not asap:  # a time agreed with the caller: on the quarter hour
            due += timedelta(minutes=-due.minute % 15, seconds=-due.second,
                             microseconds=-due.microsecond)
        tries = [(hours.add_working_hours(requested, offset), outcome)
                 for offset, outcome in _tries(rng, span)]
        reason = rng.choice(REASONS_ON_A_CASE if case_id is not None else REASONS)
        evening = requested + timedelta(minutes=rng.randint(5, 20))
        if due >= end:  # due today or later: nobody has rung yet
            tries = [(evening, SPOKE)] if evening < end else []
        planned.append((Callback(case_id=case_id, call_id=call_id, phone_e164=phone,
                                 reason=reason, as_soon_as_possible=asap, due_at=due,
                                 status=WAITING, failed_attempts=0, requested_by_id=agent_id,
                                 requested_at=requested), tries, agent_id))
    # Only the last few due today were rung the same evening; the rest wait for today.
    evenings = [tries for callback, tries, _agent in planned if callback.due_at >= end and tries]
    for tries in evenings[:-RUNG_THE_SAME_EVENING or None]:
        tries.clear()
    for callback, tries, agent_id in planned:
        session.add(callback)
        session.flush()
        _ring(session, callback, [(at, outcome) for at, outcome in tries if at < end], agent_id)
    return len(planned)


def _tries(rng: random.Random, span: float) -> list[tuple[float, str]]:
    """The tries of one callback as (working hours after the request, outcome)."""
    fate = rng.random()
    early = rng.uniform(0.1, 0.9) * span
    if fate < ON_TIME:
        first_missed = rng.random() < 0.3
        return ([(early * 0.5, NO_ANSWER)] if first_missed else []) + [(early, SPOKE)]
    if fate < LATE:
        return [(span + rng.uniform(0.3, 4.0), SPOKE)]
    if fate < THREE_TRIES:
        offsets = [early]
        for _ in range(MAX_FAILED_ATTEMPTS - 1):
            offsets.append(offsets[-1] + rng.uniform(1.0, 4.0))
        return [(at, rng.choice((NO_ANSWER, NO_ANSWER, LEFT_MESSAGE))) for at in offsets]
    if fate < WRONG:
        return [(early, WRONG_NUMBER)]
    return [(early, CANCELLED)]


def _ring(session: Session, callback: Callback, tries: list[tuple[datetime, str]],
          agent_id: int | None) -> None:
    """Apply the tries made before today, as the desk's record_outcome would."""
    for at, outcome in tries:
        if outcome == CANCELLED:
            callback.status, callback.closed_at = CANCELLED, at
            return
        session.add(CallbackAttempt(callback_id=callback.id, at=at, agent_id=agent_id,
                                    outcome=outcome))
        if outcome in (NO_ANSWER, LEFT_MESSAGE):
            callback.failed_attempts += 1
        if outcome == SPOKE:
            callback.status, callback.closed_at = DONE, at
        elif outcome == WRONG_NUMBER or callback.failed_attempts >= MAX_FAILED_ATTEMPTS:
            callback.status, callback.closed_at = FAILED, at
        if callback.status != WAITING:
            return

