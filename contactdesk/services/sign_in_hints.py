"""What the sign-in dialog shows before anyone has signed in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..persistence.database import Database
from ..persistence.models import Setting, User
from ..persistence.uow import UnitOfWork

DEMO_PASSWORD_SETTING = "demo_password"


@dataclass(frozen=True)
class SignInHints:
    has_users: bool
    demo_password: str | None  # shown only on a database holding demo data
    backend: str
    without_password: int = 0  # people added before passwords existed: they cannot sign in


def sign_in_hints(url: str) -> SignInHints:
    database = Database.open(url)
    try:
        if database.backend == "postgresql":
            # Nothing is readable before a person's own login connects.
            return SignInHints(True, None, "postgresql")
        with UnitOfWork(database, None, "sign-in") as uow:
            users = uow.session.scalar(select(func.count(User.id)))
            demo = uow.session.scalar(select(Setting.value).where(
                Setting.key == DEMO_PASSWORD_SETTING))
            without = uow.session.scalar(select(func.count(User.id)).where(
                User.password_hash.is_(None), User.active.is_(True)))
        return SignInHints(bool(users), demo, "sqlite", without)
    finally:
        database.dispose()
