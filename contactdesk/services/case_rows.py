"""Case list rows built straight from the driver's tuples.

At two hundred rows a page, per-row cost is what shows: the page statements read
their columns in ``COLUMNS`` order and the rows are made with comprehensions over
unpacked tuples rather than ORM objects.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..domain.case_status import OPEN_STATUSES
from ..dtos.cases import CaseRow

OPEN = tuple(sorted(s.value for s in OPEN_STATUSES))
_OPEN_SET = frozenset(OPEN)

# The columns of every page statement, in order (category and service sorts add two).
COLUMNS = ("id", "reference", "received_at", "status", "category", "service", "caller_name",
            "caller_phone", "location", "postcode", "due_at")
SORT_NAME = len(COLUMNS)

def case_rows(found: list, now: datetime, times=None) -> tuple[CaseRow, ...]:
    """CaseRows of rows read in COLUMNS order; ``times`` turns the driver's date-times
    into aware UTC ones (rows read as plain text), None when already done (typed reads).
    Built from tuples directly: at two hundred rows a page, per-row cost is what shows."""
    if times is sqlite_time:
        try:
            return _rows_of(found, now, True, None)
        except ValueError:  # text not as UTCDateTime writes it: read each value carefully
            pass
    return _rows_of(found, now, False, times)


def _rows_of(found: list, now: datetime, utc_text: bool, times) -> tuple[CaseRow, ...]:
    # Comprehensions over unpacked tuples: the cheapest way Python has to do this.
    if found and len(found[0]) > SORT_NAME:
        found = [row[:SORT_NAME] for row in found]
    if utc_text:  # inline: a call per value would cost as much as the parse itself
        parse = datetime.fromisoformat
        found = [(i, ref, parse(at + "+00:00"), st, cat, svc, name, phone, loc, pc,
                  due if due is None else parse(due + "+00:00"))
                 for i, ref, at, st, cat, svc, name, phone, loc, pc, due in found]
    elif times is not None:
        found = [(i, ref, times(at), st, cat, svc, name, phone, loc, pc,
                  due if due is None else times(due))
                 for i, ref, at, st, cat, svc, name, phone, loc, pc, due in found]
    new, is_open = tuple.__new__, _OPEN_SET.__contains__
    return tuple([new(CaseRow, (i, ref, at, st, cat, svc, name, loc, pc, due,
                                is_open(st) and due is not None and due < now, phone))
                  for i, ref, at, st, cat, svc, name, phone, loc, pc, due in found])


def sqlite_time(value: str) -> datetime:
    # Stored as naive UTC text (UTCDateTime): the same value SQLAlchemy would give.
    try:
        return datetime.fromisoformat(value + "+00:00")
    except ValueError:
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def server_time(value: datetime) -> datetime:
    return value.astimezone(UTC)


def sqlite_bind(value):
    """A cursor value as SQLite stores it (UTCDateTime's text for a date-time)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value
