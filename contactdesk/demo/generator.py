"""Demo data: the last few weeks of a council contact centre's calls, callers and cases.

The same seed and the same ``today`` give the same data: every random choice
comes from one ``random.Random(seed)`` and every time is derived from
``today`` (never the wall clock). Everything that happens is before midnight
at the start of ``today`` in Europe/London. A run loads what the database
already holds (``world``), plans the calls and cases (``planner``, drawing on
``profile`` and ``texts``) and writes them in one write transaction
(``writer``).

The same transaction fills a telephony feed, source ``demo-pbx`` (``telephony``):
queue attempts from 1 April of the previous financial year to yesterday, so the
year-to-date figures have last year to compare with. On the run's own days the
answered attempts are the demo's phone calls (same times, waits, talk and agents'
usernames) and the model adds the callers who hung up or left the queue (and a few it
answered with nothing logged); the days before are the model's alone. Days the feed
already holds are left alone. The run's days are modelled before the calls are written,
so each call carries its attempt's callid as the screen pop stores it (``call_links``).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain.call_metrics import financial_year_start
from ..domain.permissions import Permission
from ..domain.working_time import LONDON
from ..dtos.changes import Changed
from ..persistence.models import CallAttempt, Case, Property
from ..telephony.store import local_day_and_hour, refresh_wait_days
from .call_links import UNLOGGED_SHARE, add_case_contacts, carry_queue_call_ids
from .callbacks import add_demo_callbacks
from .complaints import add_demo_complaints
from .passwords import demo_password_in_use, remember_demo_password
from .plan import Plan
from .planner import Planner
from .progress import Progress, Report
from .telephony import REVS_GROUPS, SOURCE, CallCentre, Day
from .world import World
from .writer import insert_attempts, write_plan

__all__ = ["DemoSummary", "generate_demo_data"]


@dataclass(frozen=True)
class DemoSummary:
    """What one run added (all zero, skipped=True, when ``if_empty`` found cases)."""

    users: int = 0
    callers: int = 0
    calls: int = 0
    cases: int = 0
    notes: int = 0
    closed: int = 0  # cases that reached a finished status (resolved, closed, duplicate, withdrawn)
    app_attempts: int = 0  # phone calls as the app's call timer records them (source app)
    attempts: int = 0  # queue attempts of the demo telephony feed (source demo-pbx)
    skipped: bool = False
    demo_password: str | None = None  # what the demo users sign in with (local files)


@operation(Permission.MANAGE_DATA, changes=tuple(Changed))
def generate_demo_data(ctx: ServiceContext, days: int = 30, seed: int = 2026,
                       today: date | None = None, *, if_empty: bool = False,
                       telephony: bool = True, progress: Report | None = None) -> DemoSummary:
    """Add ``days`` days of demo calls and cases ending the day before ``today``.

    ``today`` defaults to the context's date in Europe/London. Demo users (12
    agents, 2 supervisors, 1 admin) are added when there are no users, audited
    as added by the context's actor; the demo gazetteer is imported when there
    are no properties. With ``if_empty`` nothing happens when the database
    already has cases. With ``telephony`` (the default) the ``demo-pbx`` feed is
    filled up to yesterday from 1 April of the previous financial year (about
    2.5 s a year of attempts on SQLite, a year and a half on a typical day);
    ``telephony=False`` leaves it out (tests that only need calls and cases).
    ``progress(fraction, sentence)`` hears how far the run has got, on this thread.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if today is None:
        today = ctx.now().astimezone(LONDON).date()
    if if_empty and _has_cases(ctx):
        return DemoSummary(skipped=True, demo_password=_password_in_use(ctx))
    steps = Progress(progress)
    steps.stage("gazetteer")
    _ensure_gazetteer(ctx)
    with ctx.uow(write=True) as uow:
        session = uow.session
        # Checked again under the write lock: another desk may have added cases meanwhile.
        if if_empty and _has_cases_in(session):
            return DemoSummary(skipped=True, demo_password=demo_password_in_use(session))
        world = World.load(session)
        steps.stage("plan")
        plan = Planner(random.Random(seed), world, today, days).run(steps)
        links = random.Random(seed + 2)  # its own draws: the plan above stays as it was
        add_case_contacts(plan, links)
        feed = _model_logged_days(session, world, plan, seed, today, links) if telephony else None
        steps.stage("write")
        written = write_plan(session, world, plan, ctx.actor, steps)
        if written.users:
            remember_demo_password(session)
        steps.stage("complaints")
        add_demo_complaints(session, world, random.Random(seed + 1), today, days)
        add_demo_callbacks(session, random.Random(seed + 3), today, days)  # draws of its own
        steps.stage("telephony")
        attempts = _write_telephony(session, feed, steps) if feed else 0
        summary = DemoSummary(**written._asdict(), attempts=attempts,
                              demo_password=demo_password_in_use(session))
        steps.stage("commit")
        uow.commit()
    steps.finished()
    return summary


def telephony_start(today: date) -> date:
    """The first day of the demo telephony feed: 1 April of the previous financial year
    (of yesterday's, so that a run on 1 April still has a year to compare with)."""
    return date(financial_year_start(today - timedelta(days=1)).year - 1, 4, 1)


@dataclass
class _Feed:
    """The span of ``demo-pbx`` to fill and the run's own days, modelled before the calls are
    written so that each call can carry its attempt's callid."""

    centre: CallCentre
    days: list[date]
    logged_days: dict[date, Day]


def _model_logged_days(session: Session, world: World, plan: Plan, seed: int, today: date,
                       rng: random.Random) -> _Feed | None:
    """The feed's days after the last day it holds, up to yesterday; the run's own days
    modelled with their logged calls, which get their attempts' callids."""
    last = today - timedelta(days=1)
    first = telephony_start(today)
    usernames = [u.username for u in world.users]
    logged: dict[date, list[tuple]] = defaultdict(list)
    keys: dict[date, dict[tuple, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, call in enumerate(plan.calls):
        if call.channel != "phone":
            continue
        entered = int(call.started_at.timestamp())
        talk = int((call.ended_at - call.answered_at).total_seconds())
        day = local_day_and_hour(entered)[0]
        logged[day].append((entered, round(call.wait_seconds or 0), talk, usernames[call.agent],
                            call.category.group in REVS_GROUPS))
        keys[day][entered, usernames[call.agent]].append(index)
    if logged:
        first = min(first, min(logged))
    held = session.scalar(select(func.max(CallAttempt.local_day)).where(CallAttempt.source == SOURCE))
    if held is not None:
        first = max(first, held + timedelta(days=1))
    if first > last:
        return None
    agents = [u.username for u in world.users if u.role == "agent"] or usernames
    centre = CallCentre(seed, agents, hours=world.hours)
    days = list(centre.working_days(first, last))
    modelled = {day: centre.day_with_calls(day, logged[day], unlogged=UNLOGGED_SHARE)
                for day in days if day in logged}
    carry_queue_call_ids(plan, modelled, keys, rng)
    return _Feed(centre, days, modelled)


def _write_telephony(session: Session, feed: _Feed, steps: Progress) -> int:
    """Fill ``demo-pbx`` over the feed's days; the attempts added."""
    centre, days = feed.centre, feed.days
    filled = []
    for done, day in enumerate(days, 1):  # modelling the days: about two thirds of the stage
        filled.append(feed.logged_days.get(day) or centre.day(day))
        if done % 20 == 0:
            steps.part(2 * done, 3 * len(days))
    records = centre.records(filled)
    steps.part(2, 3)
    insert_attempts(session, records, generated=True)
    refresh_wait_days(session, SOURCE, {d.day for d in filled if d.calls})
    return len(records)


def _has_cases_in(session: Session) -> bool:
    return session.scalar(select(Case.id).limit(1)) is not None


def _password_in_use(ctx: ServiceContext) -> str | None:
    with ctx.uow() as uow:
        return demo_password_in_use(uow.session)


def _has_cases(ctx: ServiceContext) -> bool:
    with ctx.uow() as uow:
        return _has_cases_in(uow.session)


def _ensure_gazetteer(ctx: ServiceContext) -> None:
    with ctx.uow() as uow:
        if uow.session.scalar(select(Property.uprn).limit(1)) is not None:
            return
    from ..services.gazetteer import import_gazetteer
    from . import GAZETTEER_CSV

    import_gazetteer(ctx, GAZETTEER_CSV)
    with ctx.uow() as uow:
        if uow.session.scalar(select(Property.uprn).limit(1)) is None:
            raise RuntimeError(f"the demo gazetteer {GAZETTEER_CSV} gave no properties")
