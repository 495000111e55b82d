"""A plain reference for call figures, written straight from domain-notes section 2.

Deliberately simple and independent of the code under test: it does not import
``contactdesk.domain.call_metrics`` or the SQL of ``contactdesk.services.call_stats``;
every figure is counted attempt by attempt in Python from the generated attempts.

Definitions used (domain notes section 2):
- O offered: attempts with an outcome (answered, abandoned, timed out, or another exit:
  key, empty, withdrawn, failed). Attempts without an outcome are ``unresolved``.
- A answered, AB abandoned; A_T / AB_T: with wait <= T (a wait of exactly T is within);
  AB_S: abandoned with wait < S (none when S is 0).
- Six service-level bases; abandon rate AB / O, or (AB - AB_S) / (O - AB_S) when S > 0.
- ASA: mean wait of answered attempts; average abandon time: mean wait of abandoned ones;
  longest wait: over attempts with an outcome; average talk: answered attempts whose
  talk time is known. Any rate or mean is None when its denominator is 0.
- Each attempt belongs to the Europe/London day and hour of its queue entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

ANSWERED, ABANDONED, TIMEOUT = "answered", "abandoned", "timeout"
OTHER_EXITS = ("key", "empty", "withdrawn", "failed")
OUTCOMES = (ANSWERED, ABANDONED, TIMEOUT, *OTHER_EXITS)

BASES = (
    "answered",
    "offered",
    "answered+abandoned",
    "exclude-short-abandons",
    "exclude-abandons-within-threshold",
    "include-abandons-within-threshold",
)

# The figure keys of ``contactdesk stats --json`` that the reference computes.
FIGURE_KEYS = (
    "offered", "answered", "answered_within_threshold", "abandoned",
    "abandoned_within_threshold", "short_abandoned", "timed_out", "other_exits",
    "unresolved", "service_level", "abandon_rate", "asa_seconds",
    "average_abandon_seconds", "longest_wait_seconds", "average_talk_seconds",
)


@dataclass(frozen=True)
class RefAttempt:
    """One generated queue attempt, as it really happened.

    ``outcome`` None: no terminal event in the log (still waiting), then ``wait`` is None.
    ``talk`` None for an answered attempt: the call had not ended when the log did.
    """

    callid: str
    queue: str
    entered: int  # Unix seconds of ENTERQUEUE
    outcome: str | None
    wait: int | None
    talk: int | None = None
    agent: str | None = None

    @property
    def local_day(self) -> date:
        return datetime.fromtimestamp(self.entered, LONDON).date()

    @property
    def local_hour(self) -> int:
        return datetime.fromtimestamp(self.entered, LONDON).hour

    @property
    def ended(self) -> int | None:
        """When the attempt was last changed: answer, end of talk, or exit."""
        if self.outcome is None:
            return None
        return self.entered + self.wait + (self.talk or 0)


def _ratio(top, bottom):
    if bottom == 0:
        return None
    return top / bottom


def _mean(values: list[int]):
    return _ratio(sum(values), len(values))


def figures(attempts: Iterable[RefAttempt], threshold: float, basis: str,
            short_abandon: float) -> dict:
    """The figures of ``attempts`` under one definition, keyed as ``CallFigures.as_dict``."""
    attempts = list(attempts)
    offered = [a for a in attempts if a.outcome is not None]
    answered = [a for a in offered if a.outcome == ANSWERED]
    abandoned = [a for a in offered if a.outcome == ABANDONED]

    o, a, ab = len(offered), len(answered), len(abandoned)
    a_t = len([x for x in answered if x.wait <= threshold])
    ab_t = len([x for x in abandoned if x.wait <= threshold])
    ab_s = len([x for x in abandoned if x.wait < short_abandon])

    if basis == "answered":
        service_level = _ratio(a_t, a)
    elif basis == "offered":
        service_level = _ratio(a_t, o)
    elif basis == "answered+abandoned":
        service_level = _ratio(a_t, a + ab)
    elif basis == "exclude-short-abandons":
        service_level = _ratio(a_t, a + ab - ab_s)
    elif basis == "exclude-abandons-within-threshold":
        service_level = _ratio(a_t, a + ab - ab_t)
    elif basis == "include-abandons-within-threshold":
        service_level = _ratio(a_t + ab_t, a + ab)
    else:
        raise ValueError(basis)

    if short_abandon > 0:
        abandon_rate = _ratio(ab - ab_s, o - ab_s)
    else:
        abandon_rate = _ratio(ab, o)

    waits = [x.wait for x in offered]
    return {
        "offered": o,
        "answered": a,
        "answered_within_threshold": a_t,
        "abandoned": ab,
        "abandoned_within_threshold": ab_t,
        "short_abandoned": ab_s,
        "timed_out": len([x for x in offered if x.outcome == TIMEOUT]),
        "other_exits": len([x for x in offered if x.outcome in OTHER_EXITS]),
        "unresolved": len([x for x in attempts if x.outcome is None]),
        "service_level": service_level,
        "abandon_rate": abandon_rate,
        "asa_seconds": _mean([x.wait for x in answered]),
        "average_abandon_seconds": _mean([x.wait for x in abandoned]),
        "longest_wait_seconds": max(waits) if waits else None,
        "average_talk_seconds": _mean([x.talk for x in answered if x.talk is not None]),
    }


def within_days(attempts: Iterable[RefAttempt], date_from: date, date_to: date,
                queue: str | None = None) -> list[RefAttempt]:
    """The attempts whose London entry day is in [date_from, date_to] (and in ``queue``)."""
    return [a for a in attempts if date_from <= a.local_day <= date_to
            and (queue is None or a.queue == queue)]


GROUP_KEYS: dict[str, Callable[[RefAttempt], object]] = {
    "hour": lambda a: a.local_hour,
    "day": lambda a: a.local_day,
    "queue": lambda a: a.queue,
    # The agent who answered; nobody for attempts that were not answered.
    "agent": lambda a: a.agent if a.outcome == ANSWERED else None,
}


def grouped(attempts: Iterable[RefAttempt], by: str) -> dict[object, list[RefAttempt]]:
    groups: dict[object, list[RefAttempt]] = defaultdict(list)
    for a in attempts:
        groups[GROUP_KEYS[by](a)].append(a)
    return dict(groups)
