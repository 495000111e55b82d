"""Erlang C staffing: how many agents answer a call volume within a service level.

Traffic A = calls x AHT / interval (Erlangs). Erlang B comes from the stable
recursion B(n) = A.B(n-1) / (n + A.B(n-1)); the probability of waiting is then
P(wait) = N.B / (N - A(1 - B)) for N > A. With N <= A the queue never settles,
so P(wait) = 1, service level 0 and the average speed of answer is unbounded (None).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import FieldIssue, ValidationError

# Far beyond any council contact centre; stops a typo (calls per year in one
# interval) from looping for minutes instead of saying what is wrong.
MAX_AGENTS = 10_000

# Rounding before comparing or ceil(): 14 / 0.7 is 20.000000000000004 in floats,
# and that noise must not cost an extra agent.
_DECIMALS = 9


@dataclass(frozen=True)
class StaffingResult:
    traffic_erlangs: float
    agents: int                  # on the phones, to meet the target (and the cap)
    scheduled_agents: int        # rostered, allowing for shrinkage
    service_level: float         # fraction answered within the threshold
    probability_of_waiting: float
    asa_seconds: float           # average speed of answer
    occupancy: float


def _number(issues: list[FieldIssue], field: str, value: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        issues.append(FieldIssue(field, f"must be a finite number; got {value!r}"))
        return False
    return True


def _check(issues: list[FieldIssue], field: str, value: float, ok, allowed: str) -> None:
    if _number(issues, field, value) and not ok(value):
        issues.append(FieldIssue(field, f"must be {allowed}; got {value:g}"))


def _check_model(traffic: float, agents: int) -> None:
    issues: list[FieldIssue] = []
    _check(issues, "traffic", traffic, lambda v: v >= 0, "0 or more Erlangs")
    if isinstance(agents, bool) or not isinstance(agents, int) or not 0 <= agents <= MAX_AGENTS:
        issues.append(FieldIssue("agents", f"must be a whole number from 0 to {MAX_AGENTS}; got {agents!r}"))
    if issues:
        raise ValidationError(issues)


def traffic_erlangs(calls: float, interval_seconds: float, aht_seconds: float) -> float:
    """Offered load: the average number of calls in progress over the interval."""
    return calls * aht_seconds / interval_seconds


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability with ``agents`` servers and no queue."""
    _check_model(traffic, agents)
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def _wait_from_b(traffic: float, agents: int, b: float) -> float:
    if agents <= traffic:
        return 1.0
    return agents * b / (agents - traffic * (1 - b))


def erlang_c(traffic: float, agents: int) -> float:
    """Probability that a call waits (1.0 when agents <= traffic)."""
    return _wait_from_b(traffic, agents, erlang_b(traffic, agents))


def _service_level(traffic: float, agents: int, p_wait: float, aht: float, within: float) -> float:
    if agents <= traffic:
        return 0.0
    return 1 - p_wait * math.exp(-(agents - traffic) * within / aht)


def service_level(traffic: float, agents: int, aht_seconds: float,
                  answer_within_seconds: float) -> float:
    """Fraction of calls answered within ``answer_within_seconds``."""
    _check_times(aht_seconds, answer_within_seconds)
    p_wait = erlang_c(traffic, agents)
    return _service_level(traffic, agents, p_wait, aht_seconds, answer_within_seconds)


def asa(traffic: float, agents: int, aht_seconds: float) -> float | None:
    """Average speed of answer in seconds; None when the queue grows without end."""
    _check_times(aht_seconds, 0)
    p_wait = erlang_c(traffic, agents)
    return None if agents <= traffic else p_wait * aht_seconds / (agents - traffic)


def occupancy(traffic: float, agents: int) -> float:
    """Share of agents' time spent on calls (can exceed 1 when understaffed)."""
    _check_model(traffic, agents)
    return traffic / agents if agents else 0.0


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Staff to roster so ``agents`` are on the phones after breaks, training, absence."""
    issues: list[FieldIssue] = []
    _check(issues, "shrinkage", shrinkage, lambda v: 0 <= v < 1, "from 0 up to (not including) 1")
    if issues:
        raise ValidationError(issues)
    return math.ceil(round(agents / (1 - shrinkage), _DECIMALS))


def _check_times(aht_seconds: float, answer_within_seconds: float) -> None:
    issues: list[FieldIssue] = []
    _check(issues, "aht_seconds", aht_seconds, lambda v: v > 0, "more than 0 seconds")
    _check(issues, "answer_within_seconds", answer_within_seconds, lambda v: v >= 0,
           "0 or more seconds")
    if issues:
        raise ValidationError(issues)


def _check_inputs(calls, interval_seconds, aht_seconds, answer_within_seconds, target,
                  max_occupancy, shrinkage) -> None:
    issues: list[FieldIssue] = []
    _check(issues, "calls", calls, lambda v: v >= 0, "0 or more")
    _check(issues, "interval_seconds", interval_seconds, lambda v: v > 0, "more than 0 seconds")
    _check(issues, "aht_seconds", aht_seconds, lambda v: v > 0, "more than 0 seconds")
    _check(issues, "answer_within_seconds", answer_within_seconds, lambda v: v >= 0,
           "0 or more seconds")
    _check(issues, "target", target, lambda v: 0 < v < 1,
           "a fraction between 0 and 1, exclusive (0.80 for 80%)")
    if max_occupancy is not None:
        _check(issues, "max_occupancy", max_occupancy, lambda v: 0 < v <= 1,
               "a fraction above 0 and at most 1 (0.85 for 85%)")
    _check(issues, "shrinkage", shrinkage, lambda v: 0 <= v < 1,
           "a fraction from 0 up to (not including) 1 (0.30 for 30%)")
    if issues:
        raise ValidationError(issues)


def required_agents(calls: float, interval_seconds: float, aht_seconds: float,
                    answer_within_seconds: float, target: float,
                    max_occupancy: float | None = None, shrinkage: float = 0.0) -> StaffingResult:
    """Fewest agents meeting ``target`` within ``answer_within_seconds`` (and the occupancy cap)."""
    _check_inputs(calls, interval_seconds, aht_seconds, answer_within_seconds, target,
                  max_occupancy, shrinkage)
    traffic = traffic_erlangs(calls, interval_seconds, aht_seconds)
    if traffic == 0:
        return StaffingResult(0.0, 0, 0, 1.0, 0.0, 0.0, 0.0)
    if traffic >= MAX_AGENTS:
        raise ValidationError.single(
            "calls", f"{calls:g} calls of {aht_seconds:g} s in {interval_seconds:g} s is "
                     f"{traffic:,.0f} Erlangs; under {MAX_AGENTS:,} is supported (check the interval)")

    # Carry Erlang B along the recursion instead of restarting it for each N.
    b = 1.0
    agents = 0
    while True:
        agents += 1
        if agents > MAX_AGENTS:
            capped = max_occupancy is not None and traffic / MAX_AGENTS > max_occupancy
            raise ValidationError.single(
                "max_occupancy" if capped else "target",
                f"would need more than {MAX_AGENTS:,} agents for {traffic:g} Erlangs")
        b = traffic * b / (agents + traffic * b)
        if agents <= traffic:                       # start at floor(A) + 1
            continue
        p_wait = _wait_from_b(traffic, agents, b)
        level = _service_level(traffic, agents, p_wait, aht_seconds, answer_within_seconds)
        if round(level, _DECIMALS) < target:
            continue
        if max_occupancy is not None and round(traffic / agents, _DECIMALS) > max_occupancy:
            continue
        break

    return StaffingResult(
        traffic_erlangs=traffic,
        agents=agents,
        scheduled_agents=scheduled_agents(agents, shrinkage),
        service_level=level,
        probability_of_waiting=p_wait,
        asa_seconds=p_wait * aht_seconds / (agents - traffic),
        occupancy=traffic / agents,
    )
