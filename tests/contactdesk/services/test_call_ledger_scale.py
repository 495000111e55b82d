"""The ledger computed by the database equals a straightforward Python reference.

Generated days (seeded) on SQLite and PostgreSQL: exact links (a caller answered in two
queues, a call id logged twice, ids from another feed), calls logged without an id near
their attempt or too far from it, agents named by device (in any case) or username,
unknown agents, cases created and added to (some calls in two cases), abandoned and
app-timer rows, and either a member name holding a comma and a day with attempts but no
call logged (even seeds) or that day logged only by a call started before its midnight.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from contactdesk.domain.words import CALL_OUTCOMES
from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.ledger import ACTIONS, LedgerFigures, LedgerGroup
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
from contactdesk.services.call_ledger import ledger_in

FIRST, LAST = date(2026, 3, 2), date(2026, 3, 5)  # UTC is UK time then
NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)
AGENTS = ("PJSIP/3001", "scale.bob", "sip/3003", "scale.dee", "PJSIP/3004", "PJSIP/9999", None)


def _seed(ctx, seed: int) -> None:
    rnd = random.Random(seed)
    with ctx.uow(write=True) as uow:
        s = uow.session
        users = {"PJSIP/3001": User(username="scale.ann", full_name="Ann", role="agent",
                                    created_at=NOON, device_interface="PJSIP/3001"),
                 "scale.bob": User(username="scale.bob", full_name="Bob", role="agent",
                                   created_at=NOON),
                 "sip/3003": User(username="scale.cat", full_name="Cat", role="agent",
                                  created_at=NOON, device_interface="SIP/3003"),
                 "scale.dee": User(username="scale.dee", full_name="Dee", role="agent",
                                   created_at=NOON, device_interface="PJSIP/3004")}
        users["PJSIP/3004"] = users["scale.dee"]
        if seed % 2 == 0:  # a member name holding a comma: SQLite lists agents another way
            users["Scale,Eve"] = User(username="scale,eve", full_name="Eve", role="agent",
                                      created_at=NOON)
        callers = [Caller(name=f"Caller {n}", phone_e164=f"+44170900010{n}", created_at=NOON,
                          updated_at=NOON) for n in range(4)]
        s.add_all([*set(users.values()), *callers])
        s.flush()
        categories = s.execute(select(Category.id, Category.default_service_id)).all()
        cases: list[Case] = []
        callids: list[str] = []

        def log(agent, moment, queue_call_id=None):
            user = users.get(agent) or rnd.choice(list(users.values()))
            caller = rnd.choice([*callers, None])
            category = rnd.choice(categories)
            started = moment - timedelta(seconds=rnd.randint(0, 5))
            call = Call(channel="phone", agent_id=user.id, caller_id=caller.id if caller else None,
                        category_id=category.id, started_at=started,
                        answered_at=rnd.choice([moment, None]), ended_at=moment + timedelta(minutes=2),
                        outcome=rnd.choice(CALL_OUTCOMES), queue_call_id=queue_call_id,
                        idempotency_key=str(uuid.uuid4()))
            s.add(call)
            s.flush()
            for _ in range(rnd.choice([0, 0, 1, 1, 2])):
                if not cases or rnd.random() < 0.4:
                    category = rnd.choice(categories)
                    case = Case(reference=f"SCL-{len(cases):06d}", category_id=category.id,
                                service_id=category.default_service_id, description="Generated",
                                caller_id=caller.id if caller else None, received_at=moment,
                                created_at=moment, updated_at=moment, created_by_id=user.id,
                                updated_by_id=user.id, idempotency_key=str(uuid.uuid4()))
                    s.add(case)
                    s.flush()
                    cases.append(case)
                    link = "created"
                else:
                    case, link = rnd.choice(cases), "added"
                if s.get(CallCase, (call.id, case.id)) is None:
                    s.add(CallCase(call_id=call.id, case_id=case.id, link=link))

        for day in range((LAST - FIRST).days + 1):
            local_day = FIRST + timedelta(days=day)
            moment = datetime(local_day.year, local_day.month, local_day.day, 8, tzinfo=UTC)
            for n in range(60):
                moment += timedelta(seconds=rnd.randint(20, 400))
                agent = rnd.choice([*AGENTS, "Scale,Eve"])
                repeat = callids and rnd.random() < 0.1  # answered in a second queue
                callid = rnd.choice(callids) if repeat else f"{local_day:%m%d}.{n}"
                callids.append(callid)
                wait, talk = rnd.randint(0, 60), rnd.choice([rnd.randint(10, 600), None])
                epoch = int(moment.timestamp())
                outcome = rnd.choice(["answered"] * 8 + ["abandoned"])
                s.add(CallAttempt(source=rnd.choice(["pbx"] * 9 + ["app"]), callid=callid,
                                  queue=f"q{n}", entered_epoch=epoch, local_day=local_day,
                                  local_hour=moment.hour, outcome=outcome, wait_seconds=wait,
                                  talk_seconds=talk, agent=agent,
                                  ended_epoch=rnd.choice([None, epoch + wait + (talk or 0)])))
                if local_day == LAST:
                    continue
                answered = moment + timedelta(seconds=wait + rnd.randint(-150, 150 + (talk or 0)))
                how = rnd.random()
                if how < 0.35:
                    log(agent, answered, callid)
                    if rnd.random() < 0.1:  # logged twice
                        log(agent, answered + timedelta(seconds=30), callid)
                elif how < 0.75:
                    log(agent, answered, rnd.choice([None, ""]))
                elif how < 0.8:
                    log(agent, answered, f"elsewhere.{n}")
        if seed % 2:  # the last day is logged only by a call started before its midnight
            midnight = datetime(LAST.year, LAST.month, LAST.day, tzinfo=UTC)
            s.add(Call(channel="phone", agent_id=users["scale.bob"].id,
                       started_at=midnight - timedelta(seconds=10),
                       answered_at=midnight + timedelta(seconds=10), outcome="transferred",
                       category_id=categories[0].id, idempotency_key=str(uuid.uuid4())))
        uow.commit()


def _reference(s, date_from: date, date_to: date, tolerance: int = 120) -> LedgerFigures:
    """The ledger's definition, row by row."""
    attempts = s.scalars(select(CallAttempt).where(
        CallAttempt.local_day.between(date_from, date_to), CallAttempt.source != "app",
        CallAttempt.outcome == "answered").order_by(CallAttempt.entered_epoch, CallAttempt.id)).all()
    start = datetime.combine(date_from, datetime.min.time(), LONDON) - timedelta(days=1)
    end = datetime.combine(date_to, datetime.min.time(), LONDON) + timedelta(days=2)
    calls = s.scalars(select(Call).where(Call.channel == "phone", Call.started_at >= start,
                                         Call.started_at < end)
                      .order_by(Call.started_at, Call.id)).all()
    moment = {c.id: int((c.answered_at or c.started_at).timestamp()) for c in calls}
    logged = {(c.answered_at or c.started_at).astimezone(LONDON).date() for c in calls}
    kept = [x for x in attempts if x.local_day in logged]
    without = len({x.local_day for x in attempts} - logged)
    links: dict[int, tuple[Call, str]] = {}
    for call in calls:
        if call.queue_call_id:
            index = next((i for i, x in enumerate(kept)
                          if x.callid == call.queue_call_id and i not in links), None)
            if index is not None:
                links[index] = (call, "exact")
    members = {u.username.lower(): u.id for u in s.scalars(select(User))}
    members.update({u.device_interface.lower(): u.id for u in s.scalars(select(User))
                    if u.device_interface})
    pairs = []
    for i, x in enumerate(kept):
        if i in links or members.get((x.agent or "").lower()) is None:
            continue
        answered = x.entered_epoch + (x.wait_seconds or 0)
        ended = max(x.ended_epoch if x.ended_epoch is not None else answered + (x.talk_seconds or 0),
                    answered)
        for j, call in enumerate(calls):
            if call.queue_call_id or call.agent_id != members[x.agent.lower()]:
                continue
            m = moment[call.id]
            distance = answered - m if m < answered else max(m - ended, 0)
            if distance <= tolerance:
                pairs.append((distance, m, i, j))
    used = set()
    for _, _, i, j in sorted(pairs):
        if i not in links and j not in used:
            links[i] = (calls[j], "time")
            used.add(j)
    categories = {c.id: c for c in s.scalars(select(Category))}
    services = {v.id: v.name for v in s.scalars(select(Service))}
    actions: Counter[str] = Counter()
    groups: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, set(), 0, 0])
    for i, (call, _) in links.items():
        talk = kept[i].talk_seconds or 0
        touched = s.execute(select(CallCase.link, Case).join(Case, Case.id == CallCase.case_id)
                            .where(CallCase.call_id == call.id)).all()
        touched.sort(key=lambda row: (row[0] != "created", row[1].id))
        if touched:
            link, case = touched[0]
            actions["case_created" if link == "created" else "chaser"
                    if case.caller_id is not None and case.caller_id == call.caller_id
                    else "repeat"] += 1
            category, service = case.category_id, case.service_id
        else:
            case = None
            actions[call.outcome if call.outcome in ACTIONS else "information_given"] += 1
            category = call.category_id
            service = categories[category].default_service_id if category in categories else None
        keys = (("category", categories[category].name if category in categories
                 else "(no category)"),
                ("service", services.get(service, "(no service)")), ("total", "All"))
        for key in keys:
            g = groups[key]
            g[0], g[1] = g[0] + 1, g[1] + talk
            if case is not None:
                g[2].add(case.id)
                g[3], g[4] = g[3] + 1, g[4] + talk

    def rows(kind):
        found = [LedgerGroup(name, g[0], g[1], len(g[2]), g[3], g[4])
                 for (k, name), g in groups.items() if k == kind]
        return tuple(sorted(found, key=lambda g: (-g.calls, g.name)))

    if not kept:
        return LedgerFigures(date_from, date_to, has_feed=True, days_without_calls=without)
    exact = sum(1 for _, how in links.values() if how == "exact")
    return LedgerFigures(date_from, date_to, answered=len(kept), exact=exact,
                         by_time=len(links) - exact,
                         actions=tuple((key, actions[key]) for key in ACTIONS),
                         talk_seconds=sum(kept[i].talk_seconds or 0 for i in links),
                         total=(rows("total") or (LedgerGroup("All"),))[0],
                         by_category=rows("category"), by_service=rows("service"),
                         days_without_calls=without, has_feed=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_database_ledger_equals_the_row_by_row_reference(ctx, seed):
    _seed(ctx, seed)
    with ctx.uow() as uow:
        s = uow.session
        for date_from, date_to, tolerance in ((FIRST, LAST, 120), (FIRST, FIRST, 120),
                                              (FIRST + timedelta(days=1), LAST, 40),
                                              (LAST, LAST, 120)):
            got = ledger_in(s, date_from, date_to, tolerance)
            assert got == _reference(s, date_from, date_to, tolerance)
        whole = ledger_in(s, FIRST, LAST)
    # The generated days exercise every path.
    assert whole.exact > 20 and whole.by_time > 20 and whole.nothing_logged > 20
    assert whole.days_without_calls == (0 if seed % 2 else 1) and whole.total.cases > 5
    assert whole.action("chaser") + whole.action("repeat") > 0
