"""How the demo's calls join their cases and their queue attempts, as at a real desk.

* Chasers: of the enquiries from a caller with an open case of their own, about half
  ask how it is going, and the agent adds the call to that case.
* Repeat reports: a few enquiries report a street problem someone else reported in the
  last week and is still open; the agent adds the call to that case.
* Screen pop: a phone call carries the callid of its answered queue attempt, except a
  few logged by hand (the desk phone was not followed), which only a match by agent and
  time finds.
* Nothing logged: ``UNLOGGED_SHARE`` of the telephony model's own answered callers stay
  in the feed with no call logged for them.

Draws come from a generator of their own, so the calls and cases planned before stay
as they were.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import defaultdict
from datetime import timedelta

from ..domain.case_status import OPEN_STATUSES
from .plan import Plan
from .telephony import ANSWERED, Day, call_id

CHASER_SHARE = 0.5
REPEAT_SHARE = 0.03
REPEAT_WINDOW = timedelta(days=7)
HAND_LOGGED_SHARE = 0.06
UNLOGGED_SHARE = 0.01


def add_case_contacts(plan: Plan, rng: random.Random) -> None:
    """Turn some enquiries into chasers and repeat reports (``CallPlan.added_to``)."""
    cases_of: dict[int, list[int]] = defaultdict(list)
    for index, case in enumerate(plan.cases):
        if case.caller is not None:
            cases_of[case.caller].append(index)
    order = sorted(range(len(plan.cases)), key=lambda i: plan.cases[i].received_at)
    received = [plan.cases[i].received_at for i in order]
    for call in plan.calls:
        if call.outcome != "information_given" or call.case is not None:
            continue
        at = call.answered_at
        own = [i for i in cases_of.get(call.caller, ()) if plan.cases[i].received_at < at
               and plan.cases[i].status_at(at) in OPEN_STATUSES] if call.caller is not None else []
        if own and rng.random() < CHASER_SHARE:
            chosen, summary = own[-1], "Asked how their case is going"
        elif rng.random() < REPEAT_SHARE:
            recent = order[bisect_left(received, at - REPEAT_WINDOW):bisect_left(received, at)]
            others = [i for i in recent if plan.cases[i].caller != call.caller
                      and plan.cases[i].category.location_required
                      and plan.cases[i].status_at(at) in OPEN_STATUSES]
            if not others:
                continue
            chosen, summary = rng.choice(others), "Reported a problem already reported"
        else:
            continue
        case = plan.cases[chosen]
        call.added_to, call.category = chosen, case.category
        call.summary = f"{summary}: {case.description}"[:500]


def carry_queue_call_ids(plan: Plan, days: dict, logged: dict, rng: random.Random) -> None:
    """Give each logged phone call the callid of its answered attempt in ``days`` (date ->
    Day), except the few logged by hand. ``logged`` maps date -> (entered, agent) -> the
    plan's call indices, in order."""
    for day, modelled in sorted(days.items()):
        waiting = {key: list(indices) for key, indices in logged.get(day, {}).items()}
        _carry(plan, modelled, waiting, rng)


def _carry(plan: Plan, modelled: Day, waiting: dict, rng: random.Random) -> None:
    for index, (entered, _queue, outcome, _wait, _talk, agent, _ended) in enumerate(modelled.calls):
        if outcome != ANSWERED:
            continue
        indices = waiting.get((entered, agent))
        if not indices:
            continue  # one of the model's own answered callers: nothing logged
        call = plan.calls[indices.pop(0)]
        if rng.random() >= HAND_LOGGED_SHARE:
            call.queue_call_id = call_id(index, entered)
