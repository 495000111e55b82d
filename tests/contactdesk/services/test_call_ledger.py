"""The call-to-case ledger on a hand-checked day, on SQLite and PostgreSQL.

Monday 2 March 2026 (UK time is UTC then), two agents: Ann, whose desk phone is the
queue member PJSIP/2001, and Bob, named by username in the queue_log. Six answered
attempts in queue main, each chosen to test one part of the matching:

| attempt | agent | answered..end | call logged | link | what the agent did |
|---|---|---|---|---|---|
| q-1 | PJSIP/2001 | 09:00:10..09:05:10 | c1 with id q-1 | exact | case K created (caller Pat) |
| q-2 | PJSIP/2001 | 09:10:05..09:14:05 | c2, no id, 09:10:50 | time (inside) | resolved at first contact |
| q-3 | ledger.bob | 09:20:00..09:22:00 | c3, no id, 09:23:30 | time (90 s after) | added to K by Pat: chaser |
| q-4 | PJSIP/2001 | 09:30:00..09:33:00 | c4 with id q-4 | exact | added to K by Sam: repeat |
| q-5 | ledger.bob | 09:40:00..09:41:00 | none (c5 at 09:44:00 is 180 s after) | nothing | |
| q-6 | PJSIP/2001 | 10:00:00..10:03:20 | c6 with id q-6 | exact | transferred |

Not counted: an abandoned attempt, and the app's own timer rows (source app).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from contactdesk.domain.errors import ValidationError
from contactdesk.persistence.models import (
    Call,
    CallAttempt,
    CallCase,
    Caller,
    Case,
    Category,
    Service,
    User,
)
from contactdesk.services.call_ledger import call_ledger, call_ledger_compared

DAY = date(2026, 3, 2)
NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, second, tzinfo=UTC)


def seed_ledger_day(ctx) -> dict[str, str]:
    """The day above in the context's database; the names of the two categories and the
    case's service, for the assertions."""
    with ctx.uow(write=True) as uow:
        s = uow.session
        ann = User(username="ledger.ann", full_name="Ann Agent", role="agent", created_at=NOON,
                   device_interface="PJSIP/2001")
        bob = User(username="ledger.bob", full_name="Bob Agent", role="agent", created_at=NOON)
        pat = Caller(name="Pat Caller", phone_e164="+441709000001", created_at=NOON,
                     updated_at=NOON)
        sam = Caller(name="Sam Neighbour", phone_e164="+441709000002", created_at=NOON,
                     updated_at=NOON)
        s.add_all([ann, bob, pat, sam])
        categories = s.execute(select(Category.id, Category.name, Category.default_service_id)
                               .order_by(Category.id)).all()
        x = categories[0]
        y = next(c for c in categories if c.default_service_id != x.default_service_id)
        s.flush()
        case = Case(reference="LED-2026-000001", category_id=x.id, service_id=x.default_service_id,
                    description="Bin not emptied", caller_id=pat.id, received_at=_at(9, 5, 10),
                    created_at=_at(9, 5, 10), updated_at=_at(9, 5, 10), created_by_id=ann.id,
                    updated_by_id=ann.id, idempotency_key=str(uuid.uuid4()))
        s.add(case)

        def call(agent, caller, category, answered, outcome, queue_call_id=None):
            row = Call(channel="phone", agent_id=agent.id, caller_id=caller.id if caller else None,
                       category_id=category.id, started_at=answered, answered_at=answered,
                       ended_at=answered + timedelta(minutes=3), outcome=outcome,
                       idempotency_key=str(uuid.uuid4()), queue_call_id=queue_call_id)
            s.add(row)
            return row

        c1 = call(ann, pat, x, _at(9, 0, 10), "case_created", "q-1")
        call(ann, sam, y, _at(9, 10, 50), "resolved_first_contact")
        c3 = call(bob, pat, x, _at(9, 23, 30), "information_given")
        c4 = call(ann, sam, x, _at(9, 30, 0), "information_given", "q-4")
        call(bob, None, y, _at(9, 44, 0), "information_given")  # too late for q-5
        call(ann, pat, y, _at(10, 0, 0), "transferred", "q-6")
        call(ann, pat, y, _at(10, 0, 30), "information_given", "elsewhere.9")  # not in this feed
        s.flush()
        s.add_all([CallCase(call_id=c1.id, case_id=case.id, link="created"),
                   CallCase(call_id=c3.id, case_id=case.id, link="added"),
                   CallCase(call_id=c4.id, case_id=case.id, link="added")])

        def attempt(callid, agent, entered, wait, talk, outcome="answered", source="pbx"):
            epoch = int(entered.timestamp())
            s.add(CallAttempt(source=source, callid=callid, queue="main", entered_epoch=epoch,
                              local_day=DAY, local_hour=entered.hour, outcome=outcome,
                              wait_seconds=wait, talk_seconds=talk, agent=agent,
                              ended_epoch=None if talk is None else epoch + wait + talk))

        attempt("q-1", "PJSIP/2001", _at(9, 0, 0), 10, 300)
        attempt("q-2", "PJSIP/2001", _at(9, 10, 0), 5, 240)
        attempt("q-3", "ledger.bob", _at(9, 20, 0), 0, 120)
        attempt("q-4", "PJSIP/2001", _at(9, 30, 0), 0, 180)
        attempt("q-5", "ledger.bob", _at(9, 40, 0), 0, 60)
        attempt("q-6", "PJSIP/2001", _at(10, 0, 0), 0, 200)
        attempt("q-7", None, _at(10, 5, 0), 45, None, outcome="abandoned")
        attempt("1", "ledger.ann", _at(10, 0, 30), 0, 200, source="app")  # the app's own timer
        names = {"x": x.name, "y": y.name,
                 "service": s.scalar(select(Service.name).where(Service.id == x.default_service_id)),
                 "y_service": s.scalar(select(Service.name).where(Service.id == y.default_service_id))}
        uow.commit()
    return names


def test_the_hand_checked_day_links_and_counts_as_worked_out(ctx):
    names = seed_ledger_day(ctx)
    ledger = call_ledger(ctx, DAY, DAY)

    assert (ledger.answered, ledger.exact, ledger.by_time, ledger.nothing_logged) == (6, 3, 2, 1)
    assert ledger.nothing_logged_share == pytest.approx(1 / 6) and ledger.over_target
    assert dict(ledger.actions) == {"case_created": 1, "chaser": 1, "repeat": 1,
                                    "resolved_first_contact": 1, "information_given": 0,
                                    "transferred": 1}
    assert ledger.first_contact_resolution == pytest.approx(1 / 5)
    assert ledger.avoidable_contact == pytest.approx(2 / 5)
    # Talk from the attempts: q-1 300 + q-2 240 + q-3 120 + q-4 180 + q-6 200.
    assert ledger.talk_seconds == 1040
    total = ledger.total
    assert (total.calls, total.cases, total.case_calls, total.case_talk_seconds) == (5, 1, 3, 600)
    assert total.calls_per_case == 3 and total.minutes_per_case == 10
    by_category = {g.name: g for g in ledger.by_category}
    assert by_category[names["x"]].calls_per_case == 3
    assert by_category[names["x"]].minutes_per_case == 10
    assert (by_category[names["y"]].calls, by_category[names["y"]].talk_seconds) == (2, 440)
    assert by_category[names["y"]].calls_per_case is None  # no case: nothing to divide
    by_service = {g.name: g for g in ledger.by_service}
    assert by_service[names["service"]].cases == 1
    assert by_service[names["y_service"]].calls == 2
    assert ledger.gap("first_contact_resolution") is None


def test_a_tighter_tolerance_loses_the_match_after_the_call_ended(ctx):
    from contactdesk.services.call_ledger import ledger_in

    seed_ledger_day(ctx)
    with ctx.uow() as uow:
        tight = ledger_in(uow.session, DAY, DAY, tolerance=60)
    # c3 started 90 s after q-3 ended: beyond 60 s it is no longer matched.
    assert (tight.exact, tight.by_time, tight.nothing_logged) == (3, 1, 2)
    assert tight.action("chaser") == 0


def test_days_without_answered_calls_read_no_data_with_the_reason(ctx):
    seed_ledger_day(ctx)
    empty = call_ledger(ctx, DAY + timedelta(days=1), DAY + timedelta(days=1))
    assert empty.answered == 0 and empty.nothing_logged_share is None
    assert empty.first_contact_resolution is None
    assert empty.gap("first_contact_resolution", "on 3 March") == \
        "no telephony feed imported on 3 March: import the queue_log"
    compared = call_ledger_compared(ctx, DAY, DAY)
    assert compared.this_year.answered == 6 and compared.last_year.answered == 0
    rows = {c.key: c for c in compared.comparisons}
    assert rows["first_contact_resolution"].this_year == pytest.approx(0.2)
    assert rows["first_contact_resolution"].difference is None  # last year has no data
    with pytest.raises(ValidationError):
        call_ledger(ctx, DAY, DAY - timedelta(days=1))


def test_a_day_with_attempts_but_no_call_logged_is_left_out(ctx):
    with ctx.uow(write=True) as uow:
        uow.session.add(CallAttempt(source="pbx", callid="z-1", queue="main",
                                    entered_epoch=int(_at(9, 0).timestamp()), local_day=DAY,
                                    local_hour=9, outcome="answered", wait_seconds=3,
                                    talk_seconds=100, agent="PJSIP/9999"))
        uow.commit()
    ledger = call_ledger(ctx, DAY, DAY)
    assert ledger.answered == 0 and ledger.days_without_calls == 1
    assert ledger.gap() == "no calls were logged in ContactDesk for this period"
