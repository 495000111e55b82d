"""Service deadlines on both databases: holds stop a case's clock; figures per service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from contactdesk.domain.errors import (
    ConflictError,
    PermissionDenied,
    TransitionError,
    ValidationError,
)
from contactdesk.domain.working_days import opening_time_between
from contactdesk.domain.working_time import LONDON, OpeningHours
from contactdesk.persistence.models import Case, CaseHold
from contactdesk.services import cases
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.service_deadlines import service_deadlines

HOURS = OpeningHours()


@pytest.fixture
def agent(make_ctx):
    return make_ctx("agent", "agent1", "Priya Shah")


@pytest.fixture
def supervisor(make_ctx):
    return make_ctx("supervisor", "janet", "Janet Crookes")


def new_case(agent, category="Fly tipping", **fields) -> str:
    data = dict(caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate",
                category=category, description="Reported on the phone")
    return log_call(agent, CallInput(**{**data, **fields})).reference


def set_case(engine, reference, **values) -> None:
    with engine.begin() as conn:
        conn.execute(update(Case).where(Case.reference == reference).values(**values))


def holds(engine, reference):
    with engine.connect() as conn:
        return conn.execute(select(CaseHold.ended_at, CaseHold.due_after)
                            .join(Case, Case.id == CaseHold.case_id)
                            .where(Case.reference == reference)
                            .order_by(CaseHold.id)).all()


def test_waiting_for_the_caller_stops_the_clock_and_resuming_moves_the_due_time(engine, agent):
    reference = new_case(agent)
    due = cases.get_case(agent, reference).summary.due_at
    with pytest.raises(ValidationError) as raised:
        cases.hold(agent, reference, "  ")
    assert [i.field for i in raised.value.issues] == ["hold_reason"]
    held = cases.hold(agent, reference, "Waiting for photos from the caller")
    assert held.due_at is None  # no due time while waiting: never overdue
    detail = cases.get_case(agent, reference)
    assert detail.hold.reason == "Waiting for photos from the caller"
    assert detail.hold.started_by == "Priya Shah" and detail.hold.due_before == due
    with pytest.raises(TransitionError, match="already waiting"):
        cases.hold(agent, reference, "again")
    # The hold began three weeks ago, at three in the afternoon.
    started = datetime.combine(datetime.now(LONDON).date() - timedelta(days=21),
                               datetime.min.time().replace(hour=15), LONDON)
    with engine.begin() as conn:
        conn.execute(update(CaseHold).values(started_at=started))
    resumed = cases.resume(agent, reference, expected_version=held.version)
    (spell,) = holds(engine, reference)
    assert spell.ended_at is not None and spell.due_after == resumed.due_at
    paused = opening_time_between(HOURS, started, spell.ended_at)
    assert paused > timedelta(hours=10 * 12)  # three weeks hold at least ten working days
    assert opening_time_between(HOURS, due, resumed.due_at) == paused
    assert cases.get_case(agent, reference).hold is None
    with pytest.raises(TransitionError, match="not waiting"):
        cases.resume(agent, reference)


def test_finishing_a_held_case_ends_the_hold(engine, agent):
    reference = new_case(agent)
    due = cases.get_case(agent, reference).summary.due_at
    cases.hold(agent, reference, "Caller to send the PCN number")
    finished = cases.change_status(agent, reference, "resolved")
    (spell,) = holds(engine, reference)
    assert spell.ended_at is not None and finished.due_at == spell.due_after >= due
    with pytest.raises(TransitionError, match="only an open case"):
        cases.hold(agent, reference, "too late")


def test_a_stale_version_cannot_hold_a_case(agent):
    reference = new_case(agent)
    seen = cases.get_case(agent, reference).summary.version
    cases.change_status(agent, reference, "in_progress", expected_version=seen)
    with pytest.raises(ConflictError):
        cases.hold(agent, reference, "Waiting for the caller", expected_version=seen)


def test_figures_per_service_and_category(engine, agent, supervisor):
    now = datetime(2030, 1, 9, 10, tzinfo=UTC)  # a Wednesday morning after every case below
    overdue = new_case(agent)
    due_today = new_case(agent)
    later = new_case(agent)
    held = new_case(agent)
    on_time = new_case(agent, category="Litter")
    late = new_case(agent, category="Litter")
    tax = new_case(agent, category="Council tax payment")
    tax_open = new_case(agent, category="Council tax payment")
    set_case(engine, overdue, due_at=now - timedelta(hours=1))
    set_case(engine, due_today, due_at=now + timedelta(hours=3))
    set_case(engine, later, due_at=now + timedelta(days=3))
    cases.hold(agent, held, "Waiting for the caller's photos")
    set_case(engine, late, due_at=datetime.now(UTC) - timedelta(days=1))
    cases.change_status(agent, on_time, "resolved")
    cases.change_status(agent, late, "resolved")
    cases.change_status(agent, late, "closed")  # closing later does not move "finished"
    cases.change_status(agent, tax, "withdrawn")  # not the service's work: left out
    set_case(engine, tax_open, due_at=now + timedelta(days=5))

    today = datetime.now(LONDON).date()
    figures = service_deadlines(supervisor, today - timedelta(days=1), today + timedelta(days=1),
                                now=now)
    rows = {(r.name, r.category_id is None): r for r in figures.rows}
    fly = rows[("Fly tipping", False)]
    assert (fly.open, fly.on_hold, fly.due_today, fly.overdue) == (4, 1, 1, 1)
    assert fly.target == "3 working days"
    litter = rows[("Litter", False)]
    assert (litter.open, litter.finished, litter.finished_within_target) == (0, 2, 1)
    assert litter.within_target_share == 0.5
    streetpride = rows[("Streetpride", True)]
    assert (streetpride.open, streetpride.overdue, streetpride.finished) == (4, 1, 2)
    assert [r.name for r in figures.rows] == ["Local Taxation", "Council tax payment",
                                              "Streetpride", "Fly tipping", "Litter"]
    tax_row = rows[("Council tax payment", False)]
    assert (tax_row.open, tax_row.finished, tax_row.overdue) == (1, 0, 0)
    assert (figures.total.open, figures.total.finished) == (5, 2)
    # Outside the period nothing was finished.
    earlier = service_deadlines(supervisor, today - timedelta(days=30),
                                today - timedelta(days=2), now=now)
    assert earlier.total.finished == 0 and earlier.total.open == 5
    with pytest.raises(ValidationError):
        service_deadlines(supervisor, today, today - timedelta(days=1))


def test_now_defaults_to_the_context_clock(engine, agent, make_ctx):
    overdue = new_case(agent)
    moment = datetime(2030, 1, 9, 10, tzinfo=UTC)
    set_case(engine, overdue, due_at=moment - timedelta(hours=1))
    supervisor = make_ctx("supervisor", "janet", "Janet Crookes", clock=lambda: moment)
    today = datetime.now(LONDON).date()
    figures = service_deadlines(supervisor, today, today)
    assert figures.as_at == moment
    assert (figures.total.open, figures.total.overdue) == (1, 1)


def test_an_agent_may_not_see_service_deadlines(agent):
    today = datetime.now(LONDON).date()
    with pytest.raises(PermissionDenied, match="may not see call statistics"):
        service_deadlines(agent, today - timedelta(days=1), today)
