"""Agent occupancy from a queue log's member events and the calls they answered.

Signed-in time runs while an agent is a member of at least one queue (from
ADDMEMBER or AGENTLOGIN to REMOVEMEMBER or AGENTLOGOFF); paused time while they
are paused in every queue they are in (an ADDMEMBER with PAUSED starts paused).
Available time is signed in minus paused, and occupancy is talk time over
available time. The events are replayed from the first, so the state at the
start of the span is right; a session still open at the end is cut at the end
of the span (or now, for today). Events are few (a handful per agent per day),
so the replay is plain Python; talk time is summed in SQL.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain.permissions import Permission
from ..domain.words import APP_SOURCE
from ..domain.working_time import LONDON
from ..dtos.stats import AgentActivity
from ..persistence.models import AgentEvent, CallAttempt, User
from ..telephony.records import ANSWERED

OUT, AVAILABLE, PAUSED = "out", "available", "paused"
MEMBER_EVENTS = ("ADDMEMBER", "AGENTLOGIN", "AGENTCALLBACKLOGIN", "REMOVEMEMBER", "AGENTLOGOFF",
                 "AGENTCALLBACKLOGOFF", "PAUSE", "PAUSEALL", "UNPAUSE", "UNPAUSEALL")


def _epoch(day: date) -> int:
    return int(datetime.combine(day, time(), LONDON).timestamp())


@operation(Permission.VIEW_STATISTICS)
def agent_activity(ctx: ServiceContext, date_from: date, date_to: date, *,
                   now: datetime | None = None) -> tuple[AgentActivity, ...]:
    """Per agent of the telephony feeds, over London days ``date_from`` to ``date_to``."""
    with ctx.uow() as uow:
        return agent_activity_in(uow.session, date_from, date_to,
                                 now=ctx.now() if now is None else now)


@operation(Permission.VIEW_STATISTICS)
def agent_names(ctx: ServiceContext) -> tuple[tuple[str, str], ...]:
    """(username, full name) of every person: the app's call timer names agents by username."""
    with ctx.uow() as uow:
        return tuple((username, full_name) for username, full_name in uow.session.execute(
            select(User.username, User.full_name).order_by(User.username)))


def agent_activity_in(session: Session, date_from: date, date_to: date, *,
                      now: datetime | None = None) -> tuple[AgentActivity, ...]:
    """As ``agent_activity``; a session still open is cut at ``now`` when it is given."""
    start, end = _epoch(date_from), _epoch(date_to + timedelta(days=1))
    if now is not None:
        end = min(end, int(now.timestamp()))
    times = _signed_in_and_paused(session, start, end)
    talk = _talk(session, date_from, date_to)
    agents = sorted(set(times) | set(talk))
    return tuple(AgentActivity(agent, *times.get(agent, (0, 0)), *talk.get(agent, (0, 0)))
                 for agent in agents)


def _signed_in_and_paused(session: Session, start: int, end: int) -> dict[str, tuple[int, int]]:
    """Replay the member events to ``end``, counting only the time inside the span.

    An agent is signed in while a member of at least one queue, and paused while
    paused in every queue they are a member of (Asterisk logs a pause per queue).
    """
    e = AgentEvent
    rows = session.execute(
        select(e.agent, e.occurred_epoch, e.queue, e.event, e.data)
        .where(e.occurred_epoch < end, e.event.in_(MEMBER_EVENTS))
        .order_by(e.occurred_epoch, e.id))
    agents: dict[str, _Agent] = {}
    for agent, at, queue, event, data in rows:
        state = agents.setdefault(agent, _Agent())
        state.count_until(at, start)
        state.apply(event, queue, data)
    totals = {}
    for agent, state in agents.items():
        state.count_until(end, start)
        if state.signed_in > 0:
            totals[agent] = (state.signed_in, state.paused)
    return totals


class _Agent:
    """One agent's queue memberships and pauses, and the time counted so far."""

    def __init__(self) -> None:
        self.queues: set[str] = set()
        self.paused_in: set[str] = set()
        self.since: int | None = None
        self.signed_in = self.paused = 0

    @property
    def state(self) -> str:
        if not self.queues:
            return OUT
        return PAUSED if self.queues <= self.paused_in else AVAILABLE

    def count_until(self, moment: int, start: int) -> None:
        """Add the time from the last event to ``moment`` that falls after ``start``."""
        if self.since is not None and self.state != OUT:
            span = max(moment - max(self.since, start), 0)
            self.signed_in += span
            if self.state == PAUSED:
                self.paused += span
        self.since = moment

    def apply(self, event: str, queue: str, data: str | None) -> None:
        queue = "" if queue in ("", "NONE") else queue  # "" stands for every queue
        if event in ("ADDMEMBER", "AGENTLOGIN", "AGENTCALLBACKLOGIN"):
            self.queues.add(queue)
            if event == "ADDMEMBER" and data and "PAUSED" in data.upper():
                self.paused_in.add(queue)
        elif event in ("REMOVEMEMBER",):
            self.queues.discard(queue)
            self.paused_in.discard(queue)
        elif event in ("AGENTLOGOFF", "AGENTCALLBACKLOGOFF"):
            self.queues.clear()
            self.paused_in.clear()
        elif event in ("PAUSE", "PAUSEALL"):
            self.paused_in |= self.queues if queue == "" or event == "PAUSEALL" else {queue}
        elif event in ("UNPAUSE", "UNPAUSEALL"):
            if queue == "" or event == "UNPAUSEALL":
                self.paused_in.clear()
            else:
                self.paused_in.discard(queue)


def _talk(session: Session, date_from: date, date_to: date) -> dict[str, tuple[int, int]]:
    a = CallAttempt
    rows = session.execute(
        select(a.agent, func.coalesce(func.sum(a.talk_seconds), 0), func.count())
        .where(a.local_day.between(date_from, date_to), a.source != APP_SOURCE,
               a.outcome == ANSWERED, a.agent.is_not(None))
        .group_by(a.agent))
    return {agent: (int(talk), int(answered)) for agent, talk, answered in rows}
