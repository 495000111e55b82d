"""A day's staffing plan per half hour, from the same weekday's history, by Erlang C.

For a target date, the plan looks at the same weekday in each of the last N
weeks (the date minus 7, 14, ... days). The database sums offered calls and the
talk time of answered calls per day and London half hour; the plan averages
them over the days that had any call (a day with none, such as a bank holiday
or a day before the log starts, would only drag the average down, so it is
listed as skipped instead), adds wrap-up to the talk time to get the handle
time, and asks Erlang C how many agents each half hour needs.

Sources as in call statistics: ``auto`` takes the telephony feeds when any of
those days holds a telephony attempt, else the app's own call timer. The app's
"talk" already runs from answer to save, wrap-up included, so no wrap-up is
added to it unless one is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import Engine, and_, case, exists, func, select

from ..domain.erlang import required_agents
from ..domain.errors import ValidationError
from ..persistence.models import APP_SOURCE, CallAttempt
from ..persistence.uow import UnitOfWork
from ..telephony.records import ANSWERED
from .call_stats import AUTO, TELEPHONY, source_label

INTERVAL_SECONDS = 1800  # half an hour
SLOTS_PER_DAY = 48
DEFAULT_WRAP_UP_SECONDS = 30  # after-call work a queue log cannot see
MAX_WEEKS = 52


@dataclass(frozen=True)
class StaffingQuery:
    day: date
    weeks: int = 6
    answer_within_seconds: float = 21
    target: float = 0.80  # fraction answered within the threshold
    max_occupancy: float | None = 0.85
    shrinkage: float = 0.30
    wrap_up_seconds: float | None = None  # None: 30 s on telephony talk, 0 on the app's timer
    source: str = AUTO

    def __post_init__(self) -> None:
        if isinstance(self.weeks, bool) or not isinstance(self.weeks, int) or not 1 <= self.weeks <= MAX_WEEKS:
            raise ValidationError.single("weeks", f"must be a whole number from 1 to {MAX_WEEKS}")
        if self.wrap_up_seconds is not None and not 0 <= self.wrap_up_seconds <= 3600:
            raise ValidationError.single("wrap_up_seconds", "must be between 0 and 3600 seconds")
        # The staffing rules check their own inputs: no calls is the cheapest way to ask them.
        required_agents(0, INTERVAL_SECONDS, 1, self.answer_within_seconds, self.target,
                        self.max_occupancy, self.shrinkage)

    def history_days(self) -> tuple[date, ...]:
        """The same weekday in each of the ``weeks`` weeks before ``day``, oldest first."""
        return tuple(self.day - timedelta(weeks=k) for k in range(self.weeks, 0, -1))


@dataclass(frozen=True)
class SlotPlan:
    start: time  # London time the half hour starts
    expected_calls: float  # average offered calls in the half hour
    aht_seconds: float | None  # talk + wrap-up; None when no call is expected
    traffic_erlangs: float
    agents: int  # on the phones
    scheduled_agents: int  # rostered, allowing for shrinkage
    service_level: float | None  # fraction answered within T; None when no call is expected
    asa_seconds: float | None
    occupancy: float | None

    @property
    def end(self) -> time:
        minutes = self.start.hour * 60 + self.start.minute + INTERVAL_SECONDS // 60
        return time(23, 59, 59) if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)


@dataclass(frozen=True)
class StaffingPlan:
    query: StaffingQuery
    source: str  # the source used: telephony, app, or a feed name
    source_label: str
    wrap_up_seconds: float  # added to the average talk time
    days_averaged: tuple[date, ...]  # history days with calls
    days_skipped: tuple[date, ...]  # history days without any call in the source
    slots: tuple[SlotPlan, ...]  # first to last half hour with calls in the history
    message: str | None = None  # why there is no plan (no history)

    @property
    def has_plan(self) -> bool:
        return bool(self.slots)

    @property
    def expected_calls(self) -> float:
        return sum(s.expected_calls for s in self.slots)

    @property
    def peak_agents(self) -> int:
        return max((s.agents for s in self.slots), default=0)

    @property
    def peak_scheduled_agents(self) -> int:
        return max((s.scheduled_agents for s in self.slots), default=0)

    @property
    def agent_hours(self) -> float:
        return sum(s.agents for s in self.slots) * INTERVAL_SECONDS / 3600

    @property
    def scheduled_hours(self) -> float:
        return sum(s.scheduled_agents for s in self.slots) * INTERVAL_SECONDS / 3600

    def method(self) -> str:
        """How the plan was made, in one paragraph for the screen or a printout."""
        q = self.query
        cap = ("" if q.max_occupancy is None or q.max_occupancy >= 1
               else f", occupancy at most {_percent(q.max_occupancy)}")
        wrap = (f"talk + {self.wrap_up_seconds:g} s wrap-up" if self.wrap_up_seconds
                else "talk time as recorded")
        return (f"Erlang C per half hour: average calls offered and handle time ({wrap}) "
                f"on the {_days(len(self.days_averaged), q.day)} with calls in the last {_weeks(q.weeks)}; "
                f"agents to answer {_percent(q.target)} within {q.answer_within_seconds:g} s{cap}; "
                f"scheduled = agents / (1 - {_percent(q.shrinkage)} shrinkage), rounded up.")


def _days(n: int, day: date) -> str:
    return f"{n} {day:%A}{'' if n == 1 else 's'}"


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _weeks(n: int) -> str:
    return "week" if n == 1 else f"{n} weeks"


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def slot_start(slot: int) -> time:
    return time(slot // 2, 30 * (slot % 2))


def staffing_plan(engine: Engine, query: StaffingQuery) -> StaffingPlan:
    days = query.history_days()
    with UnitOfWork(engine) as uow:
        source = _choose_source(uow.session, query.source, days)
        rows = uow.session.execute(_history(source, days)).all()

    wrap_up = query.wrap_up_seconds
    if wrap_up is None:
        wrap_up = 0 if source == APP_SOURCE else DEFAULT_WRAP_UP_SECONDS
    offered_by_day: dict[date, int] = {}
    offered = [0] * SLOTS_PER_DAY
    talk_total = [0] * SLOTS_PER_DAY
    talk_count = [0] * SLOTS_PER_DAY
    for day, slot, n, talk, talked in rows:
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        offered_by_day[day] = offered_by_day.get(day, 0) + int(n)
        offered[slot] += int(n)
        talk_total[slot] += int(talk)
        talk_count[slot] += int(talked)
    used = tuple(d for d in days if offered_by_day.get(d, 0) > 0)
    skipped = tuple(d for d in days if d not in used)

    def empty(message: str) -> StaffingPlan:
        return StaffingPlan(query, source, source_label(source), wrap_up, used, skipped, (), message)

    if not used:
        where = ("neither the telephony logs nor the app's call timer has any" if query.source == AUTO
                 else f"{source_label(source)} has none")
        return empty(f"No calls to plan from: {where} on the {_days(query.weeks, query.day)} "
                     f"before {_date(query.day)} ({_date(days[0])} to {_date(days[-1])}). "
                     "Import a telephony log, or choose a date with history.")
    if not sum(talk_count):
        return empty(f"No answered call with a talk time on the {query.day:%A}s averaged, "
                     "so there is no handle time to plan with.")

    overall_talk = sum(talk_total) / sum(talk_count)
    busy = [s for s in range(SLOTS_PER_DAY) if offered[s]]
    slots = []
    for slot in range(busy[0], busy[-1] + 1):
        calls = offered[slot] / len(used)
        talk = talk_total[slot] / talk_count[slot] if talk_count[slot] else overall_talk
        aht = talk + wrap_up
        if calls == 0 or aht <= 0:
            slots.append(SlotPlan(slot_start(slot), calls, None, 0.0, 0, 0, None, None, None))
            continue
        result = required_agents(calls, INTERVAL_SECONDS, aht, query.answer_within_seconds,
                                 query.target, query.max_occupancy, query.shrinkage)
        slots.append(SlotPlan(slot_start(slot), calls, aht, result.traffic_erlangs, result.agents,
                              result.scheduled_agents, result.service_level, result.asa_seconds,
                              result.occupancy))
    return StaffingPlan(query, source, source_label(source), wrap_up, used, skipped, tuple(slots))


def _source_filter(column, source: str):
    return column != APP_SOURCE if source == TELEPHONY else column == source


def _choose_source(session, source: str, days: tuple[date, ...]) -> str:
    if source != AUTO:
        return source
    a = CallAttempt
    telephony = session.scalar(select(exists().where(a.local_day.in_(days), a.source != APP_SOURCE)))
    return TELEPHONY if telephony else APP_SOURCE


def _history(source: str, days: tuple[date, ...]):
    """(day, half-hour slot, offered, talk total, answered calls with talk) per day and slot.

    UK offsets from UTC are whole hours, so the minute within the Unix hour is the
    minute within the London hour, and the half hour follows from ``local_hour``.
    """
    a = CallAttempt.__table__
    second_half = case(((a.c.entered_epoch % 3600) >= 1800, 1), else_=0)
    talked = and_(a.c.outcome == ANSWERED, a.c.talk_seconds.is_not(None))
    facts = (select(a.c.local_day.label("day"), (a.c.local_hour * 2 + second_half).label("slot"),
                    case((a.c.outcome.is_not(None), 1), else_=0).label("offered"),
                    case((talked, a.c.talk_seconds), else_=0).label("talk"),
                    case((talked, 1), else_=0).label("talked"))
             .where(a.c.local_day.in_(days), _source_filter(a.c.source, source))
             .subquery("facts"))
    return (select(facts.c.day, facts.c.slot, func.sum(facts.c.offered), func.sum(facts.c.talk),
                   func.sum(facts.c.talked))
            .group_by(facts.c.day, facts.c.slot)
            .order_by(facts.c.day, facts.c.slot))
