"""Finding cases: filters and free-text search, one keyset page at a time.

The case list must stay smooth at a million cases, on every keystroke of a
search. Three rules make that so.

Keyset paging, never OFFSET: a page is "the next ``limit`` rows after the last
one shown" in (sort value, id) order, which an index walks straight to. Cases
without a due time come last in the due-time sort, both ways round; that part
of the list is paged on its own (by id), so no index needs NULLS LAST.

Free text is read as one kind of key, the first that fits: a case reference or
its beginning (``SP-2026-0001``); a phone number in any format (parsed as the
call form parses it, then matched exactly); a postcode or its beginning
(``s60 2``, ``S602TH``); otherwise words, and also any part of a reference
when the text could be one (``8662``, ``2026-0086``). Every word typed must begin a word of
the caller's name (``ann jon``), or every word a word of the case's location
(``14 wellgate``). The words are kept in two tables by database triggers (see
db/versions/0002_case_search_indexes.py) and folded as ``search_words`` folds.

Each query is planned here rather than left to the database's guess:

* rare rows (a phone number, a full name, "my overdue cases"): the index that
  finds them leads, and they are sorted;
* common rows (no filter, a busy service, the letter "s" typed): the sort
  column's index leads and each row is checked until the page is full. A filter
  of middling size is checked against its set of ids, built once from its
  index, rather than row by row against columns or words;
* rare and common are told apart by counting, capped, what each filter's index
  holds. Rows that are common overall can still be rare in one stretch of the
  list (two filters together; last year's cases sorted newest first), so an
  ordered read gives up after ``WINDOW`` rows and finds the rest from the
  filters' indexes instead.

SQLite plans without statistics unless ANALYZE has run, and would otherwise
happily sort half a million rows to show two hundred, so on SQLite the terms
that must not lead are written ``+column`` (its documented way to keep a term
off an index) and the category and service sorts use CROSS JOIN to fix the
join order. PostgreSQL plans from its own statistics and gets the same queries
without those hints; there a reference or postcode prefix (a range on a column kept
in byte order, migration 0010) is sized from those statistics and checked as its
own condition, never as a set of ids joined back to the cases. There an ordered read
within the window is one statement whose walk stops when the page is full (``walk``).

The plain list and a search by reference are what agents do all day, and there the
database answers faster than SQLAlchemy builds a query: their page statements are
compiled once per shape and kept (values bound by name), read on a plain connection,
and their rows built straight from the driver's tuples.
"""

from __future__ import annotations

from ..context import ServiceContext, operation
from ..domain.permissions import Permission
from ..dtos.cases import CaseCursor, CasePage, CaseQuery, CaseRow
from ..persistence.models import Case, Category, Service
from .case_plan import Phase, Planner
from .case_rows import OPEN, SORT_NAME, case_rows
from .search_text import phone_e164, postcode_prefixes, reference_prefix, search_words

__all__ = ["MAX_LIMIT", "OPEN", "SORTS", "CaseCursor", "CasePage", "CaseQuery", "CaseRow",
           "phone_e164", "postcode_prefixes", "reference_prefix", "search_cases", "search_words"]

SORTS = ("reference", "received_at", "due_at", "status", "category", "service")
MAX_LIMIT = 1_000


@operation(Permission.READ_CASES)
def search_cases(ctx: ServiceContext, query: CaseQuery, after: CaseCursor | None = None,
                 limit: int = 200) -> CasePage:
    """One page of the cases matching ``query``, in its sort order, after ``after``."""
    if query.sort not in SORTS:
        raise ValueError(f"unknown sort '{query.sort}' (one of: {', '.join(SORTS)})")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    now = ctx.now()
    found: list = []
    # A read only: a plain Core connection, no ORM session (nothing to flush or audit).
    with ctx.database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Each statement sees its own snapshot there anyway (READ COMMITTED): no BEGIN
            # and ROLLBACK round trips around them.
            connection.execution_options(isolation_level="AUTOCOMMIT")
        planner = Planner(query, connection.dialect.name, now)
        planner.measure(connection)
        for phase in _phases(query.sort, after):
            start = _position(phase, after)
            found.extend(planner.read(connection, phase, start, limit + 1 - len(found)))
            if len(found) > limit:
                break
    rows = case_rows(found[:limit], now, planner.times if planner.cached else None)
    next_cursor = _cursor(query.sort, found[limit - 1], rows[-1]) if len(found) > limit else None
    return CasePage(rows, next_cursor)


# -- the list's order ---------------------------------------------------------------


def _phases(sort: str, after: CaseCursor | None) -> list[Phase]:
    if sort == "due_at":
        undated = Phase(where=Case.due_at.is_(None), undated=True)
        if after is not None and after.sort_value is None:
            return [undated]
        return [Phase((Case.due_at,), where=Case.due_at.is_not(None)), undated]
    if sort == "category":
        return [Phase(outer=(Category.name, Category.id))]
    if sort == "service":
        return [Phase(outer=(Service.name, Service.id))]
    column = {"reference": Case.reference, "received_at": Case.received_at,
              "status": Case.status}[sort]
    return [Phase((column,))]


def _position(phase: Phase, cursor: CaseCursor | None) -> tuple | None:
    """The cursor as values of the phase's columns; None: from the phase's start."""
    if cursor is None:
        return None
    if phase.undated:
        # A cursor still in the dated part: every undated row comes after it.
        return (cursor.id,) if cursor.sort_value is None else None
    if phase.outer:
        return (*cursor.sort_value, cursor.id)
    return (cursor.sort_value, cursor.id)


def _cursor(sort: str, found, row: CaseRow) -> CaseCursor:
    """Where the page after ``row`` starts (``found``: its columns as read, see COLUMNS)."""
    if sort in ("category", "service"):
        return CaseCursor((found[SORT_NAME], found[SORT_NAME + 1]), row.id)
    return CaseCursor(getattr(row, sort), row.id)
