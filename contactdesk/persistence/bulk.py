"""Bulk inserts of many plain rows, as fast as each database takes them.

For imports of hundreds of thousands of rows, where SQLAlchemy's per-row
parameter processing would cost more than the database's own work: COPY on
PostgreSQL, the driver's executemany on SQLite. Rows are tuples of values the
driver accepts as they are (see ``sqlite_value``); constraints are checked as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Table
from sqlalchemy.orm import Session


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def sqlite_day(day: date) -> str:
    """A date as SQLAlchemy's Date type stores it in SQLite."""
    return day.isoformat()


def bulk_insert(session: Session, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    if not rows:
        return
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise KeyError(f"{table.name} has no column {unknown[0]}")
    names = ", ".join(f'"{name}"' for name in columns)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows)
