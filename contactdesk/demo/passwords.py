"""The one password every demo user signs in with, printed by `contactdesk demo-data`.

Demo data is for trying the app: the sign-in dialog shows this password on a
database that holds it (the setting below), so `make run` opens straight into
a working app. Real users never get it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.hashing import hash_password
from ..persistence.models import Setting
from ..services.sign_in_hints import DEMO_PASSWORD_SETTING

DEMO_PASSWORD = "streetpride demo desk"


def demo_password_hash(session: Session) -> str | None:
    """One hash for every new demo user (local files only: on PostgreSQL logins sign in)."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    return hash_password(DEMO_PASSWORD)


def remember_demo_password(session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        return
    setting = session.get(Setting, DEMO_PASSWORD_SETTING)
    if setting is None:
        session.add(Setting(key=DEMO_PASSWORD_SETTING, value=DEMO_PASSWORD))


def demo_password_in_use(session: Session) -> str | None:
    return session.scalar(select(Setting.value).where(Setting.key == DEMO_PASSWORD_SETTING))
