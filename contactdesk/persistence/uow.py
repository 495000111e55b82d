"""Unit of work: one session per user action, committed once or rolled back.

Writers open their transaction with BEGIN IMMEDIATE on SQLite so concurrent
desks queue for the lock instead of failing half-way through a save.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from . import audit  # noqa: F401  (registers the audit listener on Session)
from .engine import WRITE


class UnitOfWork:
    def __init__(self, engine: Engine, user_id: int | None = None, *, write: bool = False):
        self._engine = engine.execution_options(**{WRITE: True}) if write else engine
        self.user_id = user_id
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = Session(bind=self._engine, expire_on_commit=False, autoflush=True)
        self.session.info["user_id"] = self.user_id
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.session.in_transaction():
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
