"""Whether a database already holds cases, asked with one cheap query.

``demo-data --if-empty`` runs on every `make run`: asking first, before the
demo generator and the ORM it needs are imported, makes the usual answer
("already has cases") take a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..domain.errors import ContactDeskError
from ..persistence.engine import create_database_engine

# The setting demo data leaves behind (services/sign_in_hints.py reads the same key).
DEMO_PASSWORD_KEY = "demo_password"


@dataclass(frozen=True)
class CasesFound:
    demo_password: str | None


def cases_already_there(url: str) -> CasesFound | None:
    """CasesFound when ``url`` holds at least one case; None when it holds none or the
    question cannot be answered here (no schema, no access): the full run then decides."""
    try:
        engine = create_database_engine(url)
    except ContactDeskError:
        return None
    try:
        with engine.connect() as connection:
            if connection.scalar(text("SELECT 1 FROM cases LIMIT 1")) is None:
                return None
            password = connection.scalar(
                text("SELECT value FROM settings WHERE key = :key"), {"key": DEMO_PASSWORD_KEY})
        return CasesFound(password)
    except (SQLAlchemyError, ContactDeskError):
        return None
    finally:
        engine.dispose()
