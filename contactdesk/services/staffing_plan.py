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

from datetime import date, time

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain.erlang import required_agents
from ..domain.permissions import Permission
from ..domain.words import APP_SOURCE
from ..dtos.stats import (
    AUTO,
    DEFAULT_WRAP_UP_SECONDS,
    INTERVAL_SECONDS,
    TELEPHONY,
    SlotPlan,
    StaffingPlan,
    StaffingQuery,
    weekdays,
)
from ..dtos.stats import MAX_WEEKS as MAX_WEEKS  # re-exported
from ..persistence.models import CallAttempt
from ..telephony.records import ANSWERED
from .call_stats import source_label

SLOTS_PER_DAY = 48


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def slot_start(slot: int) -> time:
    return time(slot // 2, 30 * (slot % 2))


@operation(Permission.VIEW_STATISTICS)
def staffing_plan(ctx: ServiceContext, query: StaffingQuery) -> StaffingPlan:
    with ctx.uow() as uow:
        return staffing_plan_in(uow.session, query)


def staffing_plan_in(session: Session, query: StaffingQuery) -> StaffingPlan:
    days = query.history_days()
    source = _choose_source(session, query.source, days)
    rows = session.execute(_history(source, days)).all()

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
        return empty(f"No calls to plan from: {where} on the {weekdays(query.weeks, query.day)} "
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
