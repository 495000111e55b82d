"""Unit of work: one session per user action, committed once or rolled back.

Every unit of work knows who is acting: the audit rows its flushes write name
that person. Writers open their transaction with BEGIN IMMEDIATE on SQLite so
concurrent desks queue for the lock instead of failing half-way through a save.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.errors import PermissionDenied
from .models import User

if TYPE_CHECKING:
    from .database import Database


class UnitOfWork:
    def __init__(self, database: Database, user_id: int | None, actor_name: str, *,
                 write: bool = False):
        self._database = database
        self._write = write
        self.user_id = user_id
        self.actor_name = actor_name
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        factory = self._database.write_sessions if self._write else self._database.sessions
        self.session = factory()
        self.session.info["user_id"] = self.user_id
        self.session.info["actor_name"] = self.actor_name
        if self._write and self.user_id is not None:
            self._refuse_a_disabled_person()
        return self

    def _refuse_a_disabled_person(self) -> None:
        # Someone disabled while signed in changes nothing more from that moment.
        active = self.session.scalar(select(User.active).where(User.id == self.user_id))
        if not active:
            self.session.close()
            raise PermissionDenied(
                f"{self.actor_name} can no longer make changes (disabled): ask an administrator")

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.session.in_transaction():
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
