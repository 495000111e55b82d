"""What the call statistics, agent activity and staffing plan take and return: plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from ..domain.call_metrics import Basis, CallFigures, Comparison, Definition
from ..domain.erlang import required_agents
from ..domain.errors import ValidationError
from ..domain.words import APP_SOURCE

# -- call statistics -----------------------------------------------------------------

GROUPINGS = ("hour", "day", "queue", "agent")
TELEPHONY, AUTO = "telephony", "auto"


@dataclass(frozen=True)
class StatsQuery:
    date_from: date
    date_to: date
    definition: Definition = Definition()
    source: str = AUTO  # auto, telephony, app, or one feed's name
    queue: str | None = None
    by: str | None = None  # hour, day, queue or agent

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValidationError.single("to", "is before from")
        if self.by is not None and self.by not in GROUPINGS:
            raise ValidationError.single("by", f"'{self.by}' is not one of {', '.join(GROUPINGS)}")


@dataclass(frozen=True)
class CallStats:
    figures: CallFigures
    source: str  # the source actually used: telephony, app, or a feed name
    source_label: str  # what that means, for the foot of a report
    groups: tuple[tuple[object, CallFigures], ...] = ()  # (hour/day/queue/agent, figures)

    def gap(self, key: str, when: str = "for this period",
            figures: CallFigures | None = None) -> str | None:
        """Why figure ``key`` (of the total, or of one group's ``figures``) has no data behind
        it; None when it has, a real zero included."""
        return figure_gap(self.source, figures or self.figures, key, when)


NO_DATA = "no data"
# Keys of CallFigures.as_dict that are rates or averages: without calls there is nothing to divide.
RATE_FIGURES = ("service_level", "abandon_rate", "asa_seconds", "longest_wait_seconds",
                "average_abandon_seconds", "average_talk_seconds")
# What the app's call timer never sees: callers who hang up in the queue.
ABANDON_FIGURES = ("abandoned", "abandon_rate", "average_abandon_seconds")
WAIT_FIGURES = ("asa_seconds", "longest_wait_seconds")


def no_feed_reason(when: str) -> str:
    return f"no telephony feed imported {when}: import the queue_log"


def figure_gap(source: str, figures: CallFigures, key: str,
               when: str = "for this period") -> str | None:
    """Why ``key`` of ``figures`` from ``source`` has no data behind it, or None.

    The app's own call timer records answered calls only, mostly without their
    queue wait: an abandon rate or a share answered within T from it would be a
    false 0%, so those figures are missing, not zero.
    """
    c, app = figures.counts, source == APP_SOURCE
    if app and key in ABANDON_FIGURES:
        return no_feed_reason(when)
    if key in RATE_FIGURES and not c.offered:
        return no_feed_reason(when) if app else f"no calls in the telephony feed {when}"
    if app and key == "service_level" and (
            figures.definition.basis != Basis.ANSWERED or c.answered_wait_count < c.answered):
        return no_feed_reason(when)  # the app's call timer records no queue waits
    if app and key in WAIT_FIGURES and not c.answered_wait_count:
        return no_feed_reason(when)
    return None


@dataclass(frozen=True)
class YearToDate:
    as_of: date
    this_year: CallStats
    last_year: CallStats
    comparisons: tuple[Comparison, ...]


# -- agent activity ------------------------------------------------------------------

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


# -- staffing plan -------------------------------------------------------------------

INTERVAL_SECONDS = 1800  # half an hour
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
        if (isinstance(self.weeks, bool) or not isinstance(self.weeks, int)
                or not 1 <= self.weeks <= MAX_WEEKS):
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
                f"on the {weekdays(len(self.days_averaged), q.day)} with calls in the last "
                f"{_weeks(q.weeks)}; agents to answer {_percent(q.target)} within "
                f"{q.answer_within_seconds:g} s{cap}; "
                f"scheduled = agents / (1 - {_percent(q.shrinkage)} shrinkage), rounded up.")


def weekdays(n: int, day: date) -> str:
    """``n`` of ``day``'s weekday: "1 Monday", "6 Mondays"."""
    return f"{n} {day:%A}{'' if n == 1 else 's'}"


def _weeks(n: int) -> str:
    return "week" if n == 1 else f"{n} weeks"


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g}%"
