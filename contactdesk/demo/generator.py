"""Demo data: the last few weeks of a council contact centre's calls, callers and cases.

The same seed and the same ``today`` give the same data: every random choice
comes from one ``random.Random(seed)`` and every time is derived from
``today`` (never the wall clock). Everything that happens is before midnight
at the start of ``today`` in Europe/London. A run loads what the database
already holds (``world``), plans the calls and cases (``planner``, drawing on
``profile`` and ``texts``) and writes them in one write transaction
(``writer``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..domain.working_time import LONDON
from ..persistence.models import Case, Property
from ..persistence.uow import UnitOfWork
from .planner import Planner
from .world import World
from .writer import write_plan

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
    skipped: bool = False


def generate_demo_data(engine: Engine, days: int = 30, seed: int = 2026, today: date | None = None,
                       *, if_empty: bool = False) -> DemoSummary:
    """Add ``days`` days of demo calls and cases ending the day before ``today``.

    ``today`` defaults to the current date in Europe/London. Demo users (12
    agents, 2 supervisors, 1 admin) are added when there are no users; the
    demo gazetteer is imported when there are no properties. With
    ``if_empty`` nothing happens when the database already has cases.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if today is None:
        today = datetime.now(LONDON).date()
    if if_empty and _has_cases(engine):
        return DemoSummary(skipped=True)
    _ensure_gazetteer(engine)
    with UnitOfWork(engine, user_id=None, write=True) as uow:
        session = uow.session
        # Checked again under the write lock: another desk may have added cases meanwhile.
        if if_empty and _has_cases_in(session):
            return DemoSummary(skipped=True)
        world = World.load(session)
        plan = Planner(random.Random(seed), world, today, days).run()
        summary = DemoSummary(**write_plan(session, world, plan)._asdict())
        uow.commit()
    return summary


def _has_cases_in(session: Session) -> bool:
    return session.scalar(select(Case.id).limit(1)) is not None


def _has_cases(engine: Engine) -> bool:
    with UnitOfWork(engine) as uow:
        return _has_cases_in(uow.session)


def _ensure_gazetteer(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        if uow.session.scalar(select(Property.uprn).limit(1)) is not None:
            return
    from ..services.gazetteer import import_gazetteer
    from . import GAZETTEER_CSV

    import_gazetteer(engine, GAZETTEER_CSV)
    with UnitOfWork(engine) as uow:
        if uow.session.scalar(select(Property.uprn).limit(1)) is None:
            raise RuntimeError(f"the demo gazetteer {GAZETTEER_CSV} gave no properties")
