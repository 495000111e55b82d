"""Agent occupancy from a queue log's member events and the calls they answered.

Signed-in time runs from ADDMEMBER or AGENTLOGIN to REMOVEMEMBER or
AGENTLOGOFF; paused time from PAUSE to UNPAUSE (an ADDMEMBER with PAUSED
starts paused). Available time is signed in minus paused, and occupancy is talk
time over available time. An agent's state at the start of the span comes from
their last event before it; a session still open at the end is cut at the end
of the span (or now, for today). Events are few (a handful per agent per day),
so the walk through them is plain Python; talk time is summed in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ..domain.working_time import LONDON
from ..persistence.models import APP_SOURCE, AgentEvent, CallAttempt
from ..persistence.uow import UnitOfWork
from ..telephony.records import ANSWERED

OUT, AVAILABLE, PAUSED = "out", "available", "paused"
_STATE_AFTER = {
    "ADDMEMBER": AVAILABLE, "AGENTLOGIN": AVAILABLE, "AGENTCALLBACKLOGIN": AVAILABLE,
    "REMOVEMEMBER": OUT, "AGENTLOGOFF": OUT, "AGENTCALLBACKLOGOFF": OUT,
    "PAUSE": PAUSED, "PAUSEALL": PAUSED, "UNPAUSE": AVAILABLE, "UNPAUSEALL": AVAILABLE,
}


@dataclass(frozen=True)
class AgentActivity:
    agent: str
    signed_in_seconds: int
    paused_seconds: int
    talk_seconds: int
    answered: int

    @property
    def available_seconds(self) -> int:
        return self.signed_in_seconds - self.paused_seconds

    @property
    def occupancy(self) -> float | None:
        """Talk over available time; None when the agent was never available."""
        if self.available_seconds <= 0:
            return None
        return min(self.talk_seconds / self.available_seconds, 1.0)


def _epoch(day: date) -> int:
    return int(datetime.combine(day, time(), LONDON).timestamp())


def agent_activity(engine: Engine, date_from: date, date_to: date, *,
                   now: datetime | None = None) -> tuple[AgentActivity, ...]:
    """Per agent of the telephony feeds, over London days ``date_from`` to ``date_to``."""
    start, end = _epoch(date_from), _epoch(date_to + timedelta(days=1))
    if now is not None:
        end = min(end, int(now.timestamp()))
    with UnitOfWork(engine) as uow:
        times = _signed_in_and_paused(uow.session, start, end)
        talk = _talk(uow.session, date_from, date_to)
    agents = sorted(set(times) | set(talk))
    return tuple(AgentActivity(agent, *times.get(agent, (0, 0)), *talk.get(agent, (0, 0)))
                 for agent in agents)


def _signed_in_and_paused(session: Session, start: int, end: int) -> dict[str, tuple[int, int]]:
    e = AgentEvent
    known = list(_STATE_AFTER)
    # Each agent's last event before the span gives their state when it opens.
    before = (select(e.agent, func.max(e.occurred_epoch).label("at"))
              .where(e.occurred_epoch < start, e.event.in_(known)).group_by(e.agent).subquery())
    opening = session.execute(
        select(e.agent, e.event, e.data).join(before, (before.c.agent == e.agent)
                                               & (before.c.at == e.occurred_epoch))
        .where(e.event.in_(known)).order_by(e.agent, e.id)).all()
    state = {agent: _state_after(event, data) for agent, event, data in opening}
    since = dict.fromkeys(state, start)
    totals: dict[str, list[int]] = {agent: [0, 0] for agent in state}
    rows = session.execute(
        select(e.agent, e.occurred_epoch, e.event, e.data)
        .where(e.occurred_epoch >= start, e.occurred_epoch < end, e.event.in_(known))
        .order_by(e.occurred_epoch, e.id))
    for agent, at, event, data in rows:
        _close(totals, agent, state.get(agent, OUT), since.get(agent, at), at)
        state[agent], since[agent] = _state_after(event, data), at
    for agent, current in state.items():
        _close(totals, agent, current, since[agent], end)
    return {agent: (signed_in, paused) for agent, (signed_in, paused) in totals.items()
            if signed_in > 0}


def _state_after(event: str, data: str | None) -> str:
    if event == "ADDMEMBER" and data and "PAUSED" in data.upper():
        return PAUSED
    return _STATE_AFTER[event]


def _close(totals: dict[str, list[int]], agent: str, state: str, since: int, until: int) -> None:
    span = max(until - since, 0)
    if state == OUT or span == 0:
        return
    entry = totals.setdefault(agent, [0, 0])
    entry[0] += span
    if state == PAUSED:
        entry[1] += span


def _talk(session: Session, date_from: date, date_to: date) -> dict[str, tuple[int, int]]:
    a = CallAttempt
    rows = session.execute(
        select(a.agent, func.coalesce(func.sum(a.talk_seconds), 0), func.count())
        .where(a.local_day.between(date_from, date_to), a.source != APP_SOURCE,
               a.outcome == ANSWERED, a.agent.is_not(None))
        .group_by(a.agent))
    return {agent: (int(talk), int(answered)) for agent, talk, answered in rows}
