"""Service deadlines on both databases: holds stop a case's clock; figures per service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from contactdesk.domain.errors import ConflictError, TransitionError, ValidationError
from contactdesk.domain.working_days import opening_time_between
from contactdesk.domain.working_time import LONDON, OpeningHours
from contactdesk.persistence.models import Case, CaseHold
from contactdesk.persistence.uow import UnitOfWork
from contactdesk.services import cases
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.service_deadlines import service_deadlines
from contactdesk.services.users import add_user

HOURS = OpeningHours()


@pytest.fixture
def agent(engine):
    return add_user(engine, "agent1", "agent", "Priya Shah").id


def new_case(engine, agent, category="Fly tipping", **fields) -> str:
    data = dict(caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate",
                category=category, description="Reported on the phone")
    return log_call(engine, CallInput(**{**data, **fields}), agent).reference


def set_case(engine, reference, **values) -> None:
    with UnitOfWork(engine, write=True) as uow:
        uow.session.execute(update(Case).where(Case.reference == reference).values(**values))
        uow.commit()


def holds(engine, reference):
    with UnitOfWork(engine) as uow:
        return uow.session.execute(select(CaseHold.ended_at, CaseHold.due_after)
                                   .join(Case, Case.id == CaseHold.case_id)
                                   .where(Case.reference == reference)
                                   .order_by(CaseHold.id)).all()


def test_waiting_for_the_caller_stops_the_clock_and_resuming_moves_the_due_time(engine, agent):
    reference = new_case(engine, agent)
    due = cases.get_case(engine, reference).summary.due_at
    with pytest.raises(ValidationError) as raised:
        cases.hold(engine, reference, "  ", agent)
    assert [i.field for i in raised.value.issues] == ["hold_reason"]
    held = cases.hold(engine, reference, "Waiting for photos from the caller", agent)
    assert held.due_at is None  # no due time while waiting: never overdue
    detail = cases.get_case(engine, reference)
    assert detail.hold.reason == "Waiting for photos from the caller"
    assert detail.hold.started_by == "Priya Shah" and detail.hold.due_before == due
    with pytest.raises(TransitionError, match="already waiting"):
        cases.hold(engine, reference, "again", agent)
    # The hold began three weeks ago, at three in the afternoon.
    started = datetime.combine(datetime.now(LONDON).date() - timedelta(days=21),
                               datetime.min.time().replace(hour=15), LONDON)
    with UnitOfWork(engine, write=True) as uow:
        uow.session.execute(update(CaseHold).values(started_at=started))
        uow.commit()
    resumed = cases.resume(engine, reference, agent, expected_version=held.version)
    (spell,) = holds(engine, reference)
    assert spell.ended_at is not None and spell.due_after == resumed.due_at
    paused = opening_time_between(HOURS, started, spell.ended_at)
    assert paused > timedelta(hours=10 * 12)  # three weeks hold at least ten working days
    assert opening_time_between(HOURS, due, resumed.due_at) == paused
    assert cases.get_case(engine, reference).hold is None
    with pytest.raises(TransitionError, match="not waiting"):
        cases.resume(engine, reference, agent)


def test_finishing_a_held_case_ends_the_hold(engine, agent):
    reference = new_case(engine, agent)
    due = cases.get_case(engine, reference).summary.due_at
    cases.hold(engine, reference, "Caller to send the PCN number", agent)
    finished = cases.change_status(engine, reference, "resolved", agent)
    (spell,) = holds(engine, reference)
    assert spell.ended_at is not None and finished.due_at == spell.due_after >= due
    with pytest.raises(TransitionError, match="only an open case"):
        cases.hold(engine, reference, "too late", agent)


def test_a_stale_version_cannot_hold_a_case(engine, agent):
    reference = new_case(engine, agent)
    seen = cases.get_case(engine, reference).summary.version
    cases.change_status(engine, reference, "in_progress", agent, expected_version=seen)
    with pytest.raises(ConflictError):
        cases.hold(engine, reference, "Waiting for the caller", agent, expected_version=seen)


def test_figures_per_service_and_category(engine, agent):
    now = datetime(2030, 1, 9, 10, tzinfo=UTC)  # a Wednesday morning after every case below
    overdue = new_case(engine, agent)
    due_today = new_case(engine, agent)
    later = new_case(engine, agent)
    held = new_case(engine, agent)
    on_time = new_case(engine, agent, category="Litter")
    late = new_case(engine, agent, category="Litter")
    tax = new_case(engine, agent, category="Council tax payment")
    tax_open = new_case(engine, agent, category="Council tax payment")
    set_case(engine, overdue, due_at=now - timedelta(hours=1))
    set_case(engine, due_today, due_at=now + timedelta(hours=3))
    set_case(engine, later, due_at=now + timedelta(days=3))
    cases.hold(engine, held, "Waiting for the caller's photos", agent)
    set_case(engine, late, due_at=datetime.now(UTC) - timedelta(days=1))
    cases.change_status(engine, on_time, "resolved", agent)
    cases.change_status(engine, late, "resolved", agent)
    cases.change_status(engine, late, "closed", agent)  # closing later does not move "finished"
    cases.change_status(engine, tax, "withdrawn", agent)  # not the service's work: left out
    set_case(engine, tax_open, due_at=now + timedelta(days=5))

    today = datetime.now(LONDON).date()
    figures = service_deadlines(engine, today - timedelta(days=1), today + timedelta(days=1),
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
    earlier = service_deadlines(engine, today - timedelta(days=30), today - timedelta(days=2),
                                now=now)
    assert earlier.total.finished == 0 and earlier.total.open == 5
    with pytest.raises(ValidationError):
        service_deadlines(engine, today, today - timedelta(days=1))
