"""Service contexts for tests: a person of a given role, signed in on a database."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from sqlalchemy import select

from contactdesk.context import Actor, ServiceContext
from contactdesk.domain.permissions import Role
from contactdesk.persistence.database import Database
from contactdesk.persistence.models import User
from contactdesk.persistence.uow import UnitOfWork

_numbers = itertools.count(1)


def person(database: Database, role: str = "agent", username: str | None = None,
           full_name: str | None = None) -> Actor:
    """The users row ``username`` (created with ``role`` when missing) as an Actor."""
    username = username or f"{role}.{next(_numbers)}"
    with UnitOfWork(database, None, "test:setup", write=True) as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, role=role, active=True,
                        full_name=full_name or username.replace(".", " ").title(),
                        created_at=datetime.now(UTC))
            uow.session.add(user)
            uow.commit()
        return Actor(user.username, Role(user.role), user.full_name, user.id)


def context_for(database: Database, role: str = "agent", username: str | None = None,
                full_name: str | None = None, clock=None) -> ServiceContext:
    actor = person(database, role, username, full_name)
    return ServiceContext(database, actor) if clock is None else ServiceContext(database, actor, clock)
