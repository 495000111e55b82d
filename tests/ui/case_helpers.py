"""Shared by the case list and case view tests: making cases, counting rows, and a runner that
waits to be told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from contactdesk.dtos.calls import CallInput
from contactdesk.persistence.database import Database
from contactdesk.persistence.models import Call, Case
from contactdesk.persistence.uow import UnitOfWork

FLY_TIP = dict(caller_phone="01709 823456", caller_name="Ann Jones",
               address="14 Wellgate, Rotherham", postcode="S60 2TH", category="Fly tipping",
               description="Mattress dumped on the verge")


def log_case(workspace, **fields) -> str:
    """Log a call (as the workspace's person) that creates a case; returns its reference."""
    saved = workspace.calls.log_call(CallInput(**{**FLY_TIP, **fields}))
    assert saved.created_case, saved
    return saved.reference


def set_due(db_url: str, reference: str, due_at: datetime) -> None:
    """Move a case's due time (the services only ever compute it from the category)."""
    database = Database.open(db_url)
    try:
        with UnitOfWork(database, None, "test:setup", write=True) as uow:
            uow.session.execute(update(Case).where(Case.reference == reference)
                                .values(due_at=due_at))
            uow.commit()
    finally:
        database.dispose()


def counts(db_url: str) -> tuple[int, int]:
    """How many cases and calls the database holds, in plain SQL."""
    database = Database.open(db_url)
    try:
        with database.engine.connect() as conn:
            return (conn.scalar(select(func.count(Case.id))),
                    conn.scalar(select(func.count(Call.id))))
    finally:
        database.dispose()


def make_overdue(db_url: str, reference: str) -> None:
    set_due(db_url, reference, datetime.now(UTC) - timedelta(days=2))


class DeferredRunner:
    """A TaskRunner stand-in that holds each job until the test releases it, in any order."""

    def __init__(self):
        self.jobs: list[tuple[Callable[[], Any], Callable | None, Callable | None]] = []

    def follow_changes(self, workspace, slot) -> None:
        """As TaskRunner's, delivered at once (these tests release the jobs themselves)."""
        workspace.subscribe(slot)

    def run(self, work, on_done=None, on_error=None, *, write: bool = False) -> None:
        self.jobs.append((work, on_done, on_error))

    def release(self, number: int) -> None:
        work, on_done, on_error = self.jobs.pop(number)
        try:
            result = work()
        except Exception as exc:
            if on_error:
                on_error(exc)
            return
        if on_done:
            on_done(result)

    def release_all(self) -> None:
        while self.jobs:
            self.release(0)
