"""The call-to-case ledger: each answered queue attempt joined to the call logged for it.

An answered attempt (``call_attempts``, outcome answered, any telephony feed, not the
app's own call timer) links to a logged phone call:

1. exactly, when the call carries the attempt's queue call id (``calls.queue_call_id``
   = ``call_attempts.callid``, stored by the screen pop);
2. otherwise by time: a call logged without a queue call id by the attempt's agent (the
   queue member: the person's ``device_interface``, or their username where members are
   named after people), whose answer time (its start where none was recorded) falls
   within the attempt's answer..end, or nearest to it within ``TOLERANCE_SECONDS``.
   Candidate pairs are taken nearest first, each call and each attempt once.

What the agent did comes from the call's case links (created, or added to an open case:
a chaser when the case's caller is the call's caller, a repeat contact otherwise) and
else from the call's outcome. Days with answered attempts but no phone call logged in
ContactDesk at all (before the desk used it, or a day it was down) are left out and
counted, so a year before the desk's first day reads "no data", not 100% nothing logged.

Computed at query time, no table: the attempts of the span are read through the
``(local_day, source)`` index and the span's phone calls through ``started_at``; the
matching is a sort per agent. At council scale (about 500,000 answered attempts and
130,000 phone calls a year) a year takes a few seconds and a day a few milliseconds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain.call_metrics import year_earlier
from ..domain.errors import ValidationError
from ..domain.permissions import Permission
from ..domain.words import APP_SOURCE
from ..domain.working_time import LONDON
from ..dtos.ledger import (
    ACTIONS,
    TOLERANCE_SECONDS,
    LedgerComparison,
    LedgerFigures,
    LedgerGroup,
)
from ..persistence.models import Call, CallAttempt, CallCase, Case, Category, Service, User
from .daily_summary import day_bounds

# Calls are read a day either side of the span: a call may be logged just after midnight
# for an attempt answered just before it.
_PAD = timedelta(days=1)


@operation(Permission.VIEW_STATISTICS)
def call_ledger(ctx: ServiceContext, date_from: date, date_to: date) -> LedgerFigures:
    """The ledger's figures for ``date_from`` to ``date_to`` (UK days, both included)."""
    _check_span(date_from, date_to)
    with ctx.uow() as uow:
        return ledger_in(uow.session, date_from, date_to)


@operation(Permission.VIEW_STATISTICS)
def call_ledger_compared(ctx: ServiceContext, date_from: date, date_to: date) -> LedgerComparison:
    """The span's ledger beside the same span a year earlier."""
    _check_span(date_from, date_to)
    with ctx.uow() as uow:
        return ledger_compared_in(uow.session, date_from, date_to)


def ledger_compared_in(s: Session, date_from: date, date_to: date) -> LedgerComparison:
    return LedgerComparison(ledger_in(s, date_from, date_to),
                            ledger_in(s, year_earlier(date_from), year_earlier(date_to)))


def _check_span(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise ValidationError.single("to", f"{date_to:%d/%m/%Y} is before {date_from:%d/%m/%Y}")


def ledger_in(s: Session, date_from: date, date_to: date,
              tolerance: int = TOLERANCE_SECONDS) -> LedgerFigures:
    a = CallAttempt
    in_span = and_(a.local_day >= date_from, a.local_day <= date_to, a.source != APP_SOURCE)
    # Core rows through the session's connection: at a year's attempts the ORM's row
    # handling would cost more than the reading.
    db = s.connection()
    attempts = db.execute(
        select(a.callid, a.agent, a.entered_epoch, a.wait_seconds, a.talk_seconds, a.ended_epoch,
               a.local_day)
        .where(in_span, a.outcome == "answered").order_by(a.entered_epoch, a.id)).all()
    has_feed = bool(attempts) or s.scalar(select(a.id).where(in_span).limit(1)) is not None
    start, end = day_bounds(date_from)[0] - _PAD, day_bounds(date_to)[1] + _PAD
    in_window = and_(Call.channel == "phone", Call.started_at >= start, Call.started_at < end)
    calls = db.execute(
        select(Call.id, Call.agent_id, Call.started_at, Call.answered_at, Call.queue_call_id,
               Call.outcome, Call.caller_id, Call.category_id).where(in_window)).all()
    moments = [int((c.answered_at or c.started_at).timestamp()) for c in calls]
    logged_days = {(c.answered_at or c.started_at).astimezone(LONDON).date() for c in calls}
    kept = [x for x in attempts if _as_date(x.local_day) in logged_days]
    days_without = len({_as_date(x.local_day) for x in attempts} - logged_days)
    if not kept:
        return LedgerFigures(date_from, date_to, has_feed=has_feed, days_without_calls=days_without)

    links = _link_exactly(kept, calls)
    members = _members(s)
    links.update(_match_by_time(kept, calls, moments, links, members, tolerance))
    exact = sum(1 for _, how in links.values() if how == "exact")
    return _figures(s, date_from, date_to, kept, calls, links, in_window, exact, days_without)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _link_exactly(attempts, calls) -> dict[int, tuple[int, str]]:
    """attempt index -> (call index, "exact") for calls carrying an attempt's queue call id."""
    carried = {call.queue_call_id for call in calls if call.queue_call_id}
    by_callid: dict[str, list[int]] = defaultdict(list)
    for index, attempt in enumerate(attempts):
        if attempt.callid in carried:
            by_callid[attempt.callid].append(index)
    links: dict[int, tuple[int, str]] = {}
    for call_index, call in enumerate(calls):
        if not call.queue_call_id:
            continue
        for index in by_callid.get(call.queue_call_id, ()):
            if index not in links:  # a caller answered in two queues: the first attempt
                links[index] = (call_index, "exact")
                break
    return links


def _members(s: Session) -> dict[str, int]:
    """Queue member name (lower case) -> user id: the device interface, else the username."""
    users = s.execute(select(User.id, User.username, User.device_interface)).all()
    members = {username.lower(): user_id for user_id, username, _ in users}
    # A device wins over a username spelled the same.
    members.update({device.lower(): user_id for user_id, _, device in users if device})
    return members


class _AgentSpans:
    """One agent's unlinked attempts as (answered, ended, index), sorted, for bisection."""

    def __init__(self, spans: list[tuple[int, int, int]]):
        self.spans = sorted(spans)
        self.answers = [answered for answered, _, _ in self.spans]
        self.longest = max(ended - answered for answered, ended, _ in self.spans)

    def candidates(self, moment: int, call_index: int, tolerance: int):
        """(distance, moment, attempt index, call index) of the spans within ``tolerance``."""
        answers, earliest = self.answers, moment - tolerance - self.longest
        i = bisect_right(answers, moment + tolerance) - 1
        while i >= 0 and answers[i] >= earliest:
            answered, ended, index = self.spans[i]
            distance = answered - moment if moment < answered else max(moment - ended, 0)
            if distance <= tolerance:
                yield distance, moment, index, call_index
            i -= 1


def _match_by_time(attempts, calls, moments, links, members, tolerance: int):
    """attempt index -> (call index, "time") for the attempts not linked exactly."""
    by_user: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for index, x in enumerate(attempts):
        user = members.get((x.agent or "").lower())
        if index in links or user is None:
            continue
        answered = x.entered_epoch + (x.wait_seconds or 0)
        ended = x.ended_epoch if x.ended_epoch is not None else answered + (x.talk_seconds or 0)
        by_user[user].append((answered, max(ended, answered), index))
    agents = {user: _AgentSpans(spans) for user, spans in by_user.items()}
    pairs = []
    for call_index, call in enumerate(calls):
        spans = agents.get(call.agent_id)
        if spans is not None and not call.queue_call_id:
            pairs.extend(spans.candidates(moments[call_index], call_index, tolerance))
    pairs.sort()
    matched: dict[int, tuple[int, str]] = {}
    used_calls: set[int] = set()
    for _distance, _moment, index, call_index in pairs:
        if index not in matched and call_index not in used_calls:
            matched[index] = (call_index, "time")
            used_calls.add(call_index)
    return matched


def _figures(s: Session, date_from: date, date_to: date, attempts, calls, links, in_window,
             exact: int, days_without: int) -> LedgerFigures:
    linked_calls = {calls[call_index].id for call_index, _ in links.values()}
    case_of = _case_links(s, in_window, linked_calls)
    categories = {row.id: (row.name, row.default_service_id)
                  for row in s.execute(select(Category.id, Category.name, Category.default_service_id))}
    services = dict(s.execute(select(Service.id, Service.name)).all())
    actions: Counter[str] = Counter()
    groups = {"category": defaultdict(_Tally), "service": defaultdict(_Tally)}
    total, talk_total = _Tally(), 0
    for index, (call_index, _how) in links.items():
        call, talk = calls[call_index], attempts[index].talk_seconds or 0
        talk_total += talk
        case = case_of.get(call.id)
        if case is None:
            action = call.outcome if call.outcome in ACTIONS else "information_given"
            category_id = call.category_id
            service_id = categories.get(category_id, (None, None))[1]
        else:
            link, case_id, case_caller, category_id, service_id = case
            if link == "created":
                action = "case_created"
            else:
                action = "chaser" if case_caller is not None and case_caller == call.caller_id \
                    else "repeat"
        actions[action] += 1
        case_id = None if case is None else case[1]
        category = categories.get(category_id, ("(no category)", None))[0]
        service = services.get(service_id, "(no service)")
        for tally in (groups["category"][category], groups["service"][service], total):
            tally.add(talk, case_id)
    return LedgerFigures(
        date_from, date_to, answered=len(attempts), exact=exact, by_time=len(links) - exact,
        actions=tuple((key, actions[key]) for key in ACTIONS), talk_seconds=talk_total,
        total=total.group("All"),
        by_category=_rows(groups["category"]), by_service=_rows(groups["service"]),
        days_without_calls=days_without, has_feed=True)


def _case_links(s: Session, in_window, wanted: set[int]) -> dict[int, tuple]:
    """call id -> (link, case id, case's caller, category, service): the case a call created,
    else the open case it was added to (the lowest id where it touched several)."""
    rows = s.execute(
        select(CallCase.call_id, CallCase.link, Case.id, Case.caller_id, Case.category_id,
               Case.service_id)
        .join(Case, Case.id == CallCase.case_id).join(Call, Call.id == CallCase.call_id)
        .where(in_window)).all()
    found: dict[int, tuple] = {}
    for call_id, link, case_id, caller_id, category_id, service_id in rows:
        if call_id not in wanted:
            continue
        row = (link, case_id, caller_id, category_id, service_id)
        held = found.get(call_id)
        if held is None or (link == "created", -case_id) > (held[0] == "created", -held[1]):
            found[call_id] = row
    return found


class _Tally:
    __slots__ = ("calls", "talk", "cases", "case_calls", "case_talk")

    def __init__(self) -> None:
        self.calls = self.talk = self.case_calls = self.case_talk = 0
        self.cases: set[int] = set()

    def add(self, talk: int, case_id: int | None) -> None:
        self.calls += 1
        self.talk += talk
        if case_id is not None:
            self.cases.add(case_id)
            self.case_calls += 1
            self.case_talk += talk

    def group(self, name: str) -> LedgerGroup:
        return LedgerGroup(name, self.calls, self.talk, len(self.cases), self.case_calls,
                           self.case_talk)


def _rows(tallies: dict[str, _Tally]) -> tuple[LedgerGroup, ...]:
    return tuple(sorted((t.group(name) for name, t in tallies.items()),
                        key=lambda g: (-g.calls, g.name)))
