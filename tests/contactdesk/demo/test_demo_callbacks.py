"""Demo callbacks: asked for on the run's calls, most kept, some late or failed after three
tries, a few waiting for today, so today's "Callbacks kept on time" is a figure. Both
databases."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from contactdesk.demo.generator import generate_demo_data
from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.callbacks import DONE, FAILED, MAX_FAILED_ATTEMPTS, WAITING
from contactdesk.persistence.models import Call, Callback, CallbackAttempt
from contactdesk.services import callbacks

TODAY = date(2026, 11, 20)  # a Friday
MIDNIGHT = datetime.combine(TODAY, time(), LONDON).astimezone(UTC)


def at_today(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(TODAY, time(hour, minute), LONDON).astimezone(UTC)


@pytest.fixture
def demo(os_ctx):
    generate_demo_data(os_ctx, days=3, today=TODAY, telephony=False)
    with os_ctx.uow() as uow:
        s = uow.session
        return (s.execute(select(Callback.id, Callback.call_id, Callback.status,
                                 Callback.requested_at, Callback.due_at, Callback.closed_at,
                                 Callback.failed_attempts).order_by(Callback.id)).all(),
                s.execute(select(CallbackAttempt.callback_id, CallbackAttempt.at)
                          .order_by(CallbackAttempt.id)).all(),
                dict(s.execute(select(Call.id, Call.started_at)).all()))


def test_the_demo_asks_for_callbacks_and_rings_them_as_a_desk_would(demo):
    made, attempts, calls = demo
    statuses = Counter(c.status for c in made)
    assert statuses[DONE] > statuses[FAILED] > 0 and statuses[WAITING] > 0
    assert all(c.call_id in calls and c.requested_at >= calls[c.call_id] for c in made)
    assert all(a.at < MIDNIGHT for a in attempts)  # nothing happens from today on
    done = [c for c in made if c.status == DONE]
    late = [c for c in done if c.closed_at > c.due_at]
    assert late and len(late) < len(done) / 2  # most on time, some late
    tries = Counter(a.callback_id for a in attempts)
    assert any(c.status == FAILED and c.failed_attempts == MAX_FAILED_ATTEMPTS
               and tries[c.id] == MAX_FAILED_ATTEMPTS for c in made)
    # Waiting ones have not been closed, and some of them fall due today.
    waiting = [c for c in made if c.status == WAITING]
    assert all(c.closed_at is None for c in waiting)
    assert any(c.due_at >= MIDNIGHT for c in waiting)
    assert any(c.due_at < MIDNIGHT for c in waiting) or len(waiting) >= 2


def test_todays_kept_on_time_is_a_figure_and_the_list_has_rows(demo, make_ctx):
    made, _attempts, _calls = demo
    waiting = [c for c in made if c.status == WAITING]
    overdue_by_noon = 0
    for hour in (7, 12):  # before opening, and once some of today's are overdue
        now = at_today(hour)
        admin = make_ctx("admin", "test.admin", "Test Admin", clock=lambda now=now: now)
        figure = callbacks.callbacks_kept_on_time(admin, TODAY, TODAY)
        assert figure.due > 0 and figure.share is not None  # a number, not "no data"
        listed = callbacks.waiting_callbacks(admin)
        assert [c.id for c in listed] == [c.id for c in sorted(waiting,
                                                                key=lambda c: (c.due_at, c.id))]
        overdue = {c.id for c in listed if c.overdue}
        assert overdue == {c.id for c in waiting if c.due_at < now}
        overdue_by_noon = len(overdue) - overdue_by_noon
    assert overdue_by_noon > 0  # some of today's fell due in the morning
    whole_run = callbacks.callbacks_kept_on_time(admin, date(2026, 11, 16), TODAY)
    assert 0.5 < whole_run.share < 0.95
