"""A front end's handle on one ContactDesk database.

The desktop app opens a Workspace and calls services through it; it never
sees the engine, sessions or ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from .persistence.engine import create_database_engine, describe_url
from .persistence.migrations import require_current_schema
from .persistence.models import Call, Case, User
from .persistence.uow import UnitOfWork


@dataclass(frozen=True)
class Overview:
    location: str
    cases: int
    calls: int
    users: int


class Workspace:
    def __init__(self, engine):
        self._engine = engine

    @classmethod
    def open(cls, url: str) -> Workspace:
        """Open ``url``; raises a DatabaseError with a clear message when it cannot be used."""
        engine = create_database_engine(url)
        require_current_schema(engine)
        return cls(engine)

    @property
    def location(self) -> str:
        return describe_url(str(self._engine.url))

    def overview(self) -> Overview:
        with UnitOfWork(self._engine) as uow:
            s = uow.session
            return Overview(self.location, s.scalar(select(func.count(Case.id))),
                            s.scalar(select(func.count(Call.id))),
                            s.scalar(select(func.count(User.id))))

    def close(self) -> None:
        self._engine.dispose()
