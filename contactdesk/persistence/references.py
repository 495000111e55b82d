"""Case references such as SP-2026-000123, never handed out twice.

The counter row for (prefix, year) is bumped with an upsert in the same
transaction as the insert that uses the number: a concurrent writer waits on
the row lock (PostgreSQL) or the write lock (SQLite), and a rolled-back save
gives its number back. The UNIQUE constraint on cases.reference is the last
line of defence. The year comes from the database clock, not the desk's.
"""

from __future__ import annotations

from sqlalchemy import extract, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .models import ReferenceCounter


def database_year(session: Session) -> int:
    return int(session.scalar(select(extract("year", func.current_timestamp()))))


def allocate_references(session: Session, prefix: str, count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive references for ``prefix`` in this transaction."""
    if count < 1:
        return []
    year = database_year(session)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    counter = ReferenceCounter.__table__
    statement = (
        insert(counter)
        .values(prefix=prefix, year=year, last_value=count)
        .on_conflict_do_update(
            index_elements=[counter.c.prefix, counter.c.year],
            set_={"last_value": counter.c.last_value + count},
        )
        .returning(counter.c.last_value)
    )
    last = session.execute(statement).scalar_one()
    return [format_reference(prefix, year, n) for n in range(last - count + 1, last + 1)]


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"
