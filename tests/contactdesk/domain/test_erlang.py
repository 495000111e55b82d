from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactdesk.domain.erlang import (
    asa,
    erlang_b,
    erlang_c,
    occupancy,
    required_agents,
    scheduled_agents,
    service_level,
    traffic_erlangs,
)
from contactdesk.domain.errors import ValidationError

# 100 calls per 30 minutes at 180 s each: 10 Erlangs.
BASE = dict(calls=100, interval_seconds=1800, aht_seconds=180, answer_within_seconds=20, target=0.80)


def test_worked_example_20_seconds():
    result = required_agents(**BASE)
    assert result.traffic_erlangs == 10.0
    assert result.agents == 14 and result.scheduled_agents == 14
    assert round(result.service_level, 6) == 0.888350
    assert round(result.asa_seconds, 4) == 7.8359
    assert round(result.occupancy, 6) == 0.714286
    assert result.probability_of_waiting == pytest.approx(erlang_c(10.0, 14))


def test_occupancy_cap_and_shrinkage():
    loose = required_agents(**{**BASE, "answer_within_seconds": 19.8}, max_occupancy=0.85,
                            shrinkage=0.30)
    assert (loose.agents, loose.scheduled_agents) == (14, 20)       # 14 / 0.7 is 20, not 21
    tight = required_agents(**{**BASE, "answer_within_seconds": 19.8}, max_occupancy=0.70,
                            shrinkage=0.30)
    assert (tight.agents, tight.scheduled_agents) == (15, 22)
    assert round(tight.service_level, 6) == 0.941127
    assert tight.occupancy <= 0.70


def test_an_occupancy_exactly_at_the_cap_is_allowed():
    # 7 Erlangs at a 0.70 cap is exactly 10 agents; float noise must not make it 11.
    result = required_agents(70, 1800, 180, 0, 0.01, max_occupancy=0.70)
    assert result.agents == 10


def test_scheduled_agents_rounds_up_without_float_noise():
    assert scheduled_agents(14, 0.30) == 20
    assert scheduled_agents(14, 0.25) == 19
    assert scheduled_agents(7, 0.0) == 7


@pytest.mark.parametrize("agents", [0, 5, 10])
def test_no_more_agents_than_traffic_means_every_call_waits(agents):
    assert erlang_c(10.0, agents) == 1.0
    assert service_level(10.0, agents, 180, 20) == 0.0
    assert asa(10.0, agents, 180) is None


def test_zero_calls_needs_nobody():
    result = required_agents(**{**BASE, "calls": 0}, shrinkage=0.3)
    assert (result.traffic_erlangs, result.agents, result.scheduled_agents) == (0.0, 0, 0)
    assert result.service_level == 1.0 and result.probability_of_waiting == 0.0


def test_small_helpers():
    assert traffic_erlangs(100, 1800, 180) == 10.0
    assert erlang_b(10.0, 0) == 1.0
    assert occupancy(10.0, 14) == pytest.approx(10 / 14)
    assert asa(10.0, 14, 180) == pytest.approx(7.835937, abs=1e-6)


@pytest.mark.parametrize("change, field", [
    ({"calls": -1}, "calls"),
    ({"interval_seconds": 0}, "interval_seconds"),
    ({"aht_seconds": 0}, "aht_seconds"),
    ({"answer_within_seconds": -5}, "answer_within_seconds"),
    ({"target": 80}, "target"),
    ({"target": 0}, "target"),
    ({"target": 1}, "target"),
    ({"max_occupancy": 0}, "max_occupancy"),
    ({"max_occupancy": 1.2}, "max_occupancy"),
    ({"shrinkage": 1}, "shrinkage"),
    ({"shrinkage": -0.1}, "shrinkage"),
    ({"calls": math.nan}, "calls"),
    ({"aht_seconds": math.inf}, "aht_seconds"),
])
def test_invalid_inputs_name_the_field(change, field):
    with pytest.raises(ValidationError) as caught:
        required_agents(**{**BASE, **change})
    assert [issue.field for issue in caught.value.issues] == [field]
    assert str(caught.value).startswith(f"{field}: must be")


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        required_agents(**{**BASE, "calls": -1, "target": 80})
    assert [issue.field for issue in caught.value.issues] == ["calls", "target"]
    assert "between 0 and 1" in str(caught.value)


def test_huge_traffic_is_refused_rather_than_looping():
    with pytest.raises(ValidationError, match="calls: .*Erlangs"):
        required_agents(**{**BASE, "calls": 1e12})
    with pytest.raises(ValidationError, match="max_occupancy: would need more than"):
        required_agents(**BASE, max_occupancy=1e-6)
    with pytest.raises(ValidationError, match="agents"):
        erlang_b(1.0, 10**9)


traffic = st.floats(min_value=0.01, max_value=200, allow_nan=False)


@given(traffic, st.integers(0, 60), st.floats(1, 900), st.floats(0, 120))
def test_service_level_increases_with_agents(load, extra, aht, within):
    agents = math.floor(load) + 1 + extra
    lower = service_level(load, agents, aht, within)
    higher = service_level(load, agents + 1, aht, within)
    assert 0 <= lower <= 1 and higher >= lower - 1e-12


@given(st.floats(1, 500), st.floats(300, 3600), st.floats(10, 900), st.floats(0, 120),
       st.floats(0.05, 0.99), st.none() | st.floats(0.3, 1.0))
def test_returned_agents_is_the_minimum(calls, interval, aht, within, target, cap):
    result = required_agents(calls, interval, aht, within, target, max_occupancy=cap)
    load = result.traffic_erlangs
    assert result.agents > load
    assert result.service_level >= target - 1e-9
    assert cap is None or result.occupancy <= cap + 1e-9
    fewer = result.agents - 1
    misses = service_level(load, fewer, aht, within) < target + 1e-9
    over_cap = cap is not None and occupancy(load, fewer) > cap - 1e-9
    assert misses or over_cap


@given(st.floats(0, 50), st.integers(0, 40))
def test_erlang_b_matches_the_factorial_sum(load, agents):
    terms = [load**k / math.factorial(k) for k in range(agents + 1)]
    assert erlang_b(load, agents) == pytest.approx(terms[-1] / sum(terms), rel=1e-9, abs=1e-300)
