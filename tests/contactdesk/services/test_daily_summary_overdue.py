"""The daily summary's "overdue at close of day": read from the cases open then, same figure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, func, or_, select
from sqlalchemy.orm import Session

from contactdesk.persistence.models import Case
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.cases import change_status
from contactdesk.services.daily_summary import _overdue_at, daily_summary, day_bounds
from contactdesk.services.service_deadlines import first_finished

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday


def plain_count(session, moment: datetime) -> int:
    """The straightforward count over every case ever received (what the summary showed)."""
    done = first_finished()
    return session.scalar(
        select(func.count()).select_from(Case).outerjoin(done, done.c.case_id == Case.id).where(
            Case.received_at < moment, Case.due_at < moment,
            or_(done.c.finished_at.is_(None), done.c.finished_at >= moment),
            or_(Case.closed_at.is_(None), Case.closed_at >= moment,
                Case.status.not_in(("duplicate", "withdrawn")))))


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _case_history(make_ctx) -> Clock:
    """Cases logged over a week, then finished, set aside and reopened over the next weeks."""
    clock = Clock(START)
    agent = make_ctx("agent", "ann", "Ann Agent", clock=clock)
    # Each case: the day it is logged, then (days after the start, status) changes in order.
    stories = [
        (0, []),                                                    # never touched
        (0, [(2, "resolved")]),                                     # finished in time
        (0, [(12, "resolved"), (15, "in_progress")]),               # late, then reopened
        (1, [(9, "duplicate")]),                                    # set aside
        (1, [(4, "withdrawn"), (11, "in_progress"), (20, "resolved"), (21, "closed")]),
        (2, [(3, "in_progress"), (16, "resolved"), (18, "in_progress"), (25, "withdrawn")]),
        (3, [(14, "duplicate"), (17, "in_progress")]),
        (4, [(30, "resolved")]),
        (5, []),
    ]
    logged = []
    for number, (day, changes) in enumerate(stories):
        clock.now = START + timedelta(days=day, minutes=number)
        saved = log_call(agent, CallInput(caller_phone=f"01709 82345{number}", category="Fly tipping",
                                          caller_name="Ann Jones", address="14 Wellgate",
                                          description=f"Mattress dumped, story {number}"))
        logged.append((saved.reference, changes))
    steps = sorted((day, number, reference, status)
                   for number, (reference, changes) in enumerate(logged) for day, status in changes)
    for day, number, reference, status in steps:
        clock.now = START + timedelta(days=day, hours=3, minutes=number)
        original = logged[0][0] if status == "duplicate" else ""
        change_status(agent, reference, status, duplicate_of=original)
    return clock


def test_the_overdue_count_equals_the_plain_count_on_every_day(make_ctx, ctx, database):
    _case_history(make_ctx)
    figures = []
    with Session(database.engine) as session:
        for offset in range(-1, 40):
            moment = day_bounds(START.date() + timedelta(days=offset))[1]
            expected = plain_count(session, moment)
            assert _overdue_at(session, moment) == expected, f"end of day {offset}"
            figures.append(expected)
    # The days cover every kind of case: none due yet, a backlog growing, then shrinking.
    assert figures[0] == 0 and max(figures) >= 5 and len(set(figures)) >= 4, figures
    summary = daily_summary(ctx, START.date() + timedelta(days=19))
    assert summary.overdue_at_close == figures[20]


def test_the_count_reads_the_cases_open_then_through_an_index(ctx, database):
    if database.backend != "sqlite":  # PostgreSQL plans by table size; these tables are tiny
        return
    sent = []

    def note(_connection, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        with Session(database.engine) as session:
            _overdue_at(session, day_bounds(date(2026, 3, 20))[1])
    finally:
        event.remove(database.engine, "before_cursor_execute", note)
    statement, parameters = sent[-1]
    with database.engine.connect() as connection:
        plan = " | ".join(row[-1] for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert "ix_cases_closed_at" in plan and "SCAN cases" not in plan, plan
