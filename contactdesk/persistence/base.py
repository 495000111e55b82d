"""Declarative base, column types and the length CHECKs shared by all tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic can find them again on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases.

    PostgreSQL keeps ``timestamptz``; SQLite has no zone support, so values
    are stored as naive UTC text and given their zone back on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def add_length_checks(metadata: MetaData) -> None:
    """Add ``length(col) <= n`` CHECKs for every bounded text column.

    SQLite ignores VARCHAR(n), so without these the database would accept
    what the form and the importers refuse.
    """
    for table in metadata.tables.values():
        existing = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                name = f"{column.name}_length"
                if name in existing:
                    continue
                table.append_constraint(
                    CheckConstraint(f"length({column.name}) <= {column.type.length}", name=name)
                )


def utcnow() -> datetime:
    return datetime.now(UTC)
