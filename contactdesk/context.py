"""What every service is handed: the database's units of work, who is acting, and a clock.

A service never trusts a bare user id: the acting person comes with the
context, which the front door (workspace.py) builds only after signing them in.
Services declare the permission they need with ``@operation``; the check runs
before the service body, whoever calls it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from .domain.permissions import Permission, Role, allowed, require
from .dtos.changes import Changed

if TYPE_CHECKING:
    from .persistence.database import Database
    from .persistence.uow import UnitOfWork

P = ParamSpec("P")
R = TypeVar("R")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Actor:
    """The person (or account) on whose behalf operations run."""

    username: str            # a users row's name, or "os:NAME" for an operating-system account
    role: Role
    full_name: str
    user_id: int | None = None   # the users row, when there is one

    def may(self, permission: Permission) -> bool:
        return allowed(self.role, permission)


@dataclass(frozen=True)
class ServiceContext:
    database: Database
    actor: Actor
    clock: Callable[[], datetime] = field(default=utc_now)

    def uow(self, *, write: bool = False) -> UnitOfWork:
        from .persistence.uow import UnitOfWork

        return UnitOfWork(self.database, self.actor.user_id, self.actor.username, write=write)

    def require(self, permission: Permission) -> None:
        require(self.actor.role, permission, self.actor.username)

    def may(self, permission: Permission) -> bool:
        return self.actor.may(permission)

    def now(self) -> datetime:
        return self.clock()

    @property
    def engine(self):
        """For bulk loaders that write through Core (they write their own audit rows)."""
        return self.database.engine


def operation(permission: Permission, *, changes: Iterable[Changed] = ()
              ) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a service function as an operation needing ``permission`` of the context's actor.

    ``changes`` names what a write operation changes; the front door tells whoever
    listens after it succeeds (views refresh from that, not from hand-wired calls).
    """

    def mark(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def checked(ctx: ServiceContext, *args, **kwargs):
            ctx.require(permission)
            return function(ctx, *args, **kwargs)

        checked.permission = permission  # type: ignore[attr-defined]
        checked.changes = frozenset(changes)  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return mark


def permission_of(function) -> Permission | None:
    return getattr(function, "permission", None)


def changes_of(function) -> frozenset[Changed]:
    return getattr(function, "changes", frozenset())
