"""Staffing plan: history of the same weekday averaged per London half hour, then Erlang C."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import count

import pytest
from sqlalchemy import insert

from contactdesk.domain.erlang import required_agents
from contactdesk.domain.errors import PermissionDenied, ValidationError
from contactdesk.domain.working_time import LONDON
from contactdesk.persistence.models import CallAttempt
from contactdesk.services.staffing_plan import StaffingQuery, staffing_plan, staffing_plan_in
from contactdesk.telephony.store import local_day_and_hour

TARGET = date(2024, 6, 17)  # a Monday (BST); 27 May before it is a bank holiday
_ids = count(1)


def attempt(day: date, at: str, outcome: str | None = "answered", talk: int | None = 100,
            wait: int | None = 5, source: str = "pbx") -> dict:
    hour, minute, second = (int(part) for part in at.split(":"))
    epoch = int(datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=LONDON).timestamp())
    local_day, local_hour = local_day_and_hour(epoch)
    return {"source": source, "callid": f"c{next(_ids)}", "queue": "council-main",
            "entered_epoch": epoch, "local_day": local_day, "local_hour": local_hour,
            "outcome": outcome, "wait_seconds": wait,
            "talk_seconds": talk if outcome == "answered" else None, "agent": None}


def store(engine, rows: list[dict]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(CallAttempt.__table__), rows)


JUNE_3, JUNE_10 = date(2024, 6, 3), date(2024, 6, 10)

HISTORY = [
    # 3 June: 09:00-09:30 two answered (100 s, 200 s) and one abandoned; 09:30 one answered (300 s)
    attempt(JUNE_3, "09:00:00", talk=100),
    attempt(JUNE_3, "09:29:59", talk=200),
    attempt(JUNE_3, "09:10:00", outcome="abandoned", wait=40),
    attempt(JUNE_3, "09:30:00", talk=300),
    # 10 June: 09:00 one answered (150 s) and one still waiting (not offered);
    # 10:30 two answered (120 s, 180 s)
    attempt(JUNE_10, "09:15:00", talk=150),
    attempt(JUNE_10, "09:20:00", outcome=None, talk=None, wait=None),
    attempt(JUNE_10, "10:30:00", talk=120),
    attempt(JUNE_10, "10:59:00", talk=180),
    # Not Mondays in the window, the target day itself, and the app's own timer: all ignored
    attempt(date(2024, 6, 11), "09:00:00", talk=999),
    attempt(TARGET, "09:00:00", talk=999),
    attempt(date(2024, 5, 20), "09:00:00", talk=999),  # four weeks back, outside weeks=3
    attempt(JUNE_3, "12:00:00", talk=999, source="app"),
]


def plan_for(ctx, **options):
    return staffing_plan(ctx, StaffingQuery(TARGET, **{"weeks": 3, **options}))


def test_averages_the_same_weekday_per_half_hour_and_applies_erlang_c(engine, ctx):
    store(engine, HISTORY)
    plan = plan_for(ctx)

    assert plan.source == "telephony"
    assert plan.days_averaged == (JUNE_3, JUNE_10)
    assert plan.days_skipped == (date(2024, 5, 27),)  # the bank holiday had no calls
    assert plan.wrap_up_seconds == 30
    assert [s.start for s in plan.slots] == [time(9, 0), time(9, 30), time(10, 0), time(10, 30)]
    # By hand: 09:00 4 calls over 2 days, talk (100+200+150)/3; 09:30 1 call, talk 300;
    # 10:00 none; 10:30 2 calls, talk (120+180)/2. Plus 30 s wrap-up.
    assert [s.expected_calls for s in plan.slots] == [2.0, 0.5, 0.0, 1.0]
    assert [s.aht_seconds for s in plan.slots] == [180.0, 330.0, None, 180.0]

    first = plan.slots[0]
    # 2 calls x 180 s / 1800 s = 0.2 Erlangs; one agent: P(wait) 0.2,
    # SL = 1 - 0.2 exp(-0.8 x 21 / 180) = 0.817822; scheduled ceil(1 / 0.7) = 2.
    assert first.traffic_erlangs == pytest.approx(0.2)
    assert (first.agents, first.scheduled_agents) == (1, 2)
    assert first.service_level == pytest.approx(0.817822, abs=1e-6)
    assert first.occupancy == pytest.approx(0.2)
    for slot in (plan.slots[1], plan.slots[3]):
        expected = required_agents(slot.expected_calls, 1800, slot.aht_seconds, 21, 0.80, 0.85, 0.30)
        assert (slot.agents, slot.scheduled_agents) == (expected.agents, expected.scheduled_agents)
        assert slot.service_level == pytest.approx(expected.service_level)
    empty = plan.slots[2]
    assert (empty.agents, empty.scheduled_agents, empty.service_level) == (0, 0, None)

    assert plan.expected_calls == 3.5
    assert plan.peak_agents == 1
    assert plan.agent_hours == 1.5  # three half hours with one agent
    assert plan.scheduled_hours == 3.0
    assert "Erlang C" in plan.method() and "2 Mondays" in plan.method()
    assert plan.message is None


def test_the_targets_change_the_agents(engine, ctx):
    store(engine, [attempt(d, f"10:{m:02d}:00", talk=240) for d in (JUNE_3, JUNE_10) for m in range(0, 30)])
    relaxed = plan_for(ctx, target=0.5, max_occupancy=None, shrinkage=0.0, wrap_up_seconds=0)
    strict = plan_for(ctx, target=0.95, answer_within_seconds=10, shrinkage=0.5, wrap_up_seconds=0)
    (r,), (s,) = relaxed.slots, strict.slots
    assert r.expected_calls == 30 and r.aht_seconds == 240  # 30 calls a day, 4 minutes each
    assert r.agents == required_agents(30, 1800, 240, 21, 0.5).agents
    assert s.agents == required_agents(30, 1800, 240, 10, 0.95, 0.85, 0.5).agents
    assert s.agents > r.agents and s.scheduled_agents == -(-s.agents * 2 // 1)


def test_the_apps_own_timer_when_no_telephony_feed_has_those_days(engine, ctx):
    store(engine, [attempt(JUNE_10, "14:05:00", talk=400, source="app"),
                   attempt(date(2024, 6, 11), "14:05:00", talk=100)])
    plan = plan_for(ctx)
    assert plan.source == "app" and "call timer" in plan.source_label
    assert plan.wrap_up_seconds == 0  # the app's timer runs to the save: wrap-up is in it
    assert [(s.start, s.expected_calls, s.aht_seconds) for s in plan.slots] == [(time(14, 0), 1.0, 400.0)]


def test_no_history_gives_a_message_not_a_plan(engine, ctx):
    store(engine, [attempt(date(2024, 6, 11), "09:00:00")])
    plan = plan_for(ctx)
    assert not plan.has_plan and plan.slots == ()
    assert plan.days_averaged == () and len(plan.days_skipped) == 3
    assert plan.message == (
        "No calls to plan from: neither the telephony logs nor the app's call timer has any on the "
        "3 Mondays before 17 June 2024 (27 May 2024 to 10 June 2024). Import a telephony log, "
        "or choose a date with history.")
    only_pbx = plan_for(ctx, source="pbx")
    assert only_pbx.message.startswith("No calls to plan from: telephony log 'pbx' has none on the")
    assert plan.peak_agents == 0 and plan.agent_hours == 0


@pytest.mark.parametrize("options, field", [
    ({"weeks": 0}, "weeks"),
    ({"target": 1.2}, "target"),
    ({"shrinkage": 1.0}, "shrinkage"),
    ({"max_occupancy": 0}, "max_occupancy"),
    ({"wrap_up_seconds": -1}, "wrap_up_seconds"),
])
def test_bad_inputs_are_refused_with_the_field_named(options, field):
    with pytest.raises(ValidationError) as raised:
        StaffingQuery(TARGET, **options)
    assert [issue.field for issue in raised.value.issues] == [field]


def test_history_without_an_answered_call_has_no_handle_time_to_plan_with(engine, ctx):
    store(engine, [attempt(JUNE_10, "09:00:00", outcome="abandoned", wait=30)])
    plan = plan_for(ctx)
    assert plan.days_averaged == (JUNE_10,) and not plan.has_plan
    assert plan.message.startswith("No answered call with a talk time on the Mondays averaged")


def test_an_agent_may_not_see_a_staffing_plan_and_the_session_level_plan_is_the_same(
        engine, ctx, make_ctx):
    store(engine, HISTORY)
    with pytest.raises(PermissionDenied):
        plan_for(make_ctx("agent"))
    with ctx.uow() as uow:
        inside = staffing_plan_in(uow.session, StaffingQuery(TARGET, weeks=3))
    assert inside == plan_for(make_ctx("supervisor")) and inside.days_averaged == (JUNE_3, JUNE_10)
