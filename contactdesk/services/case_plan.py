"""How one case search is read: the plan chosen from the filters' sizes, and its statements.

See case_search.py for the rules; this module holds the planner that applies them
(which index leads, membership checks, the window, the walk on PostgreSQL) and the
page statements compiled once per shape and kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    false,
    func,
    intersect,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.selectable import Join

from ..dtos.cases import CaseQuery
from ..persistence.models import (
    Caller,
    Case,
    Category,
    Service,
)
from .case_filters import (
    AnyOfFilter,
    ConditionFilter,
    Filter,
    ReferencePartFilter,
    WordsFilter,
    ids_of,
    where,
)
from .case_rows import OPEN, server_time, sqlite_bind, sqlite_time
from .search_text import (
    WHOLE_POSTCODE,
    WHOLE_REFERENCE,
    phone_e164,
    postcode_prefixes,
    reference_fragment,
    reference_prefix,
    references_beginning,
    search_words,
)

# Plan thresholds, in rows of a filter's index (callers rather than cases for names).
# Below SPARSE_MATCHES the filter's own index leads and its rows are sorted.
SPARSE_MATCHES = 4_000
# Below MEMBERSHIP_MATCHES an ordered read checks a row against the filter's ids.
MEMBERSHIP_MATCHES = 50_000
# An ordered read looks ahead far enough to fill the page three times over at the density
# the filters' sizes suggest, within these bounds, before it suspects its rows are rare here.
WINDOW = (5_000, 50_000)
# Past the window, filters this big or bigger are no help: the read goes on in order.
FALLBACK_MATCHES = 200_000


@dataclass(frozen=True)
class Phase:
    """A stretch of the list in one index order: (outer keys, keys, id).

    ``outer`` is the (name, id) of the category or service for those sorts, read
    from the joined table; the due-time sort has a dated and an undated phase.
    """

    keys: tuple = ()
    outer: tuple = ()
    where: ColumnElement | None = None
    undated: bool = False

    @property
    def columns(self) -> tuple:
        return (*self.outer, *self.keys, Case.id)


# Page statements compiled once per shape: (dialect, sort, order, phase, shape of the
# filter) -> (SQL, positional parameter names or None, constant parameters).
COMPILED: dict[tuple, tuple[str, tuple[str, ...] | None, dict]] = {}


def _next_string(prefix: str) -> str:
    """The smallest string above every string that starts with ``prefix`` (code points)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class _CrossJoin(Join):
    """An inner join that SQLite must loop with the left table outside.

    Sorted by category (or service), the list reads the categories in name
    order and, for each, its cases in id order from ``ix_cases_category_id``.
    Without statistics SQLite takes the 28-row table for a million-row one and
    would sort every case instead; it keeps the written order for a CROSS JOIN
    (https://sqlite.org/optoverview.html#crossjoin). Elsewhere a plain JOIN.
    """

    inherit_cache = True


@compiles(_CrossJoin, "sqlite")
def _compile_cross_join(join, compiler, **kw):
    # Rendered as a JOIN (so SQLAlchemy's own checks see it), then marked: the left side
    # is a single table, so the first " JOIN " is this join's.
    return compiler.visit_join(join, **kw).replace(" JOIN ", " CROSS JOIN ", 1)


class Planner:
    def __init__(self, query: CaseQuery, dialect: str, now: datetime):
        self.query = query
        self.sqlite = dialect == "sqlite"
        self.now = now
        # The text's kind when its values are bound by name, so its statements can be
        # compiled once and kept (see COMPILED); their values, by parameter name.
        self.shape: tuple | None = None
        self.values: dict = {}
        self.filters = self._filters()
        self.sizes: list[int] = []  # per filter, counted no further than MEMBERSHIP_MATCHES
        self.cases = 0  # roughly how many cases there are (the highest id)
        # (ids, the filters they answer); the ids' select is made only for a statement built.
        self.driver: tuple[Callable[[], Select], frozenset[int]] | None = None
        self._fallback: tuple[Callable[[], Select], frozenset[int]] | None | bool = False
        self.times = sqlite_time if self.sqlite else server_time

    @property
    def cached(self) -> bool:
        """Whether the pages are read by kept statements (and rows come as the driver
        gives them): the plain list, or a reference leading alone."""
        return not self.filters or (len(self.filters) == 1 and self.shape is not None
                                    and self.driver is not None)

    # -- SQL that differs by database -------------------------------------------------
    def starts_with(self, column, prefix: str) -> ColumnElement:
        """``column`` begins with ``prefix`` (given as stored), served by the column's index."""
        if self.sqlite:
            # SQLite compares text byte by byte (BINARY): a range on the index.
            return and_(column >= prefix, column < _next_string(prefix))
        # A range would depend on the collation; LIKE does not (varchar_pattern_ops serves it).
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return column.like(escaped + "%", escape="\\")

    def byte_prefix(self, column, prefix: str) -> ColumnElement:
        """``column`` begins with ``prefix``, for a column kept in byte order: a range on
        its index. On PostgreSQL that is the "C" collation of cases.reference and
        cases.postcode (migration 0010); naming it here keeps the range exact anyway."""
        return self.byte_range(column, prefix, _next_string(prefix))

    def byte_range(self, column, low, high) -> ColumnElement:
        """``low <= column < high`` in byte order (values or bound parameters)."""
        if not self.sqlite:
            column = column.collate("C")
        return and_(column >= low, column < high)

    def hidden(self, column):
        """``+column`` on SQLite: the same value, but no index is used for the term."""
        if self.sqlite:
            return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)
        return column

    # -- filters --------------------------------------------------------------------------
    def _filters(self) -> list[Filter]:
        q, filters = self.query, []
        if q.statuses:
            statuses = tuple(q.statuses)
            filters.append(where(lambda c: c(Case.status).in_(statuses),
                                  Case.status.in_(statuses)))
        if q.service_id is not None:
            service_id = q.service_id
            filters.append(where(lambda c: c(Case.service_id) == service_id,
                                  Case.service_id == service_id))
        if q.category_id is not None:
            category_id = q.category_id
            filters.append(where(lambda c: c(Case.category_id) == category_id,
                                  Case.category_id == category_id))
        if q.overdue_only:
            now = self.now
            filters.append(where(lambda c: and_(c(Case.status).in_(OPEN), c(Case.due_at) < now),
                                  Case.status.in_(OPEN), Case.due_at < now))
        if q.mine_user_id is not None:
            user = q.mine_user_id
            filters.append(Filter(
                lambda c: or_(c(Case.created_by_id) == user, c(Case.updated_by_id) == user),
                select(Case.id).where(Case.created_by_id == user),
                select(Case.id).where(Case.updated_by_id == user)))
        if q.text.strip():
            filters.append(self._text_filter(q.text.strip()))
        return filters

    def _text_filter(self, text: str) -> Filter:
        def match(column, prefix: str, whole: re.Pattern) -> ColumnElement:
            # A whole reference or postcode begins nothing longer: plain equality.
            if whole.fullmatch(prefix):
                return column == prefix
            return self.byte_prefix(column, prefix)

        reference = reference_prefix(text)
        if reference:
            # Bound by name: the page statements of every reference typed are the same.
            whole = bool(WHOLE_REFERENCE.fullmatch(reference))
            self.shape = ("reference", whole)
            self.values = {"reference": reference, "reference_end": _next_string(reference)}
            low, high = (bindparam(name, value) for name, value in self.values.items())

            def begins(column) -> ColumnElement:
                # A whole reference begins nothing longer: plain equality.
                return column == low if whole else self.byte_range(column, low, high)
            return ConditionFilter(lambda c: begins(c(Case.reference)),
                                   bound=references_beginning(reference))
        e164 = phone_e164(text)
        if e164:
            callers = select(Caller.id).where(Caller.phone_e164 == e164)
            return where(lambda c: c(Case.caller_id).in_(callers), Case.caller_id.in_(callers))
        postcodes = postcode_prefixes(text)
        if postcodes:
            return Filter(
                lambda c: or_(*(match(c(Case.postcode), p, WHOLE_POSTCODE) for p in postcodes)),
                *(select(Case.id).where(match(Case.postcode, p, WHOLE_POSTCODE))
                  for p in postcodes), direct=True)
        words = search_words(text)
        fragment = reference_fragment(text)
        if fragment:
            part = ReferencePartFilter(fragment)
            return AnyOfFilter(part, WordsFilter(words, self.starts_with)) if words else part
        if not words:
            return where(lambda c: false(), false())
        return WordsFilter(words, self.starts_with)

    # -- choosing a plan ------------------------------------------------------------------
    def measure(self, connection) -> None:
        """Size each filter (capped) and pick the leading filter, if one is rare enough."""
        if not self.filters:
            return
        # A filter that the text shows to be rare (a reference and its digits) leads as
        # one counted rare would: the others are checked on its rows, nothing is counted.
        rare = [n for n, f in enumerate(self.filters)
                if f.bound is not None and f.bound < SPARSE_MATCHES]
        if rare:
            self.driver = (self.filters[rare[0]].ids, frozenset(rare[:1]))
            return
        # The highest ids tell roughly how many cases and callers there are (cheaply).
        self.cases = connection.scalar(select(func.max(Case.id))) or 0
        callers = connection.scalar(select(func.max(Caller.id))) or 0
        for f in self.filters:
            if isinstance(f, WordsFilter) and callers:
                f.cases_per_caller = max(1.0, self.cases / callers)
        self.sizes = [f.size(connection, MEMBERSHIP_MATCHES) for f in self.filters]
        if self.sizes:
            n = min(range(len(self.sizes)), key=self.sizes.__getitem__)
            if self.sizes[n] < SPARSE_MATCHES:
                self.driver = (self.filters[n].ids, frozenset({n}))

    def fallback(self, connection) -> tuple[Callable[[], Select], frozenset[int]] | None:
        """For rows rarer than they looked: the ids passing every filter smaller than
        FALLBACK_MATCHES (their intersection), or None when all are bigger."""
        if self._fallback is False:
            small = [n for n, f in enumerate(self.filters)
                     if self.sizes[n] < MEMBERSHIP_MATCHES
                     or f.size(connection, FALLBACK_MATCHES) < FALLBACK_MATCHES]
            self._fallback = (lambda: ids_of([self.filters[n].ids() for n in small], intersect),
                              frozenset(small)) if small else None
        return self._fallback

    def window(self, need: int) -> int | None:
        """How many rows to read in order before the filters' indexes take over: enough to
        fill the page three times over at the density the sizes suggest (taking the
        filters as independent); None when that is more than the window allows."""
        density = 1.0
        for size in self.sizes:
            density *= min(1.0, max(size, 1) / max(self.cases, 1))
        low, high = WINDOW
        wanted = 3 * need / density
        return None if wanted > high else max(low, int(wanted))

    def read(self, connection, phase: Phase, after: tuple | None, need: int) -> list:
        """Up to ``need`` rows of ``phase`` after the position ``after``."""
        if self.cached:
            return self.read_kept(connection, phase, after, need)
        if self.driver is not None or not self.filters:
            return connection.execute(self.statement(phase, after, need, self.driver)).all()
        # Probably common rows: read in sort order, but no further than the window.
        rows, until = [], after
        window = self.window(need)
        if window is not None and self.walks(phase):
            # One statement that stops as soon as the page is full; the window's end is
            # looked up only when it did not fill (the rows read are those up to that end).
            rows = connection.execute(self.walk(phase, after, need, window)).all()
            if len(rows) >= need:
                return rows
            until = connection.execute(self.window_end(phase, after, window)).first()
            if until is None:
                return rows
        elif window is not None:
            until = connection.execute(self.window_end(phase, after, window)).first()
            rows = connection.execute(self.statement(phase, after, need, until=until)).all()
            if len(rows) >= need or until is None:
                return rows
        rest = self.statement(phase, until, need - len(rows), self.fallback(connection))
        return rows + connection.execute(rest).all()

    def read_kept(self, connection, phase: Phase, after: tuple | None, need: int) -> list:
        """As ``read``, by a statement compiled once for this shape of page, its rows as
        the driver gives them: building and compiling the query would cost more than the
        database takes to answer it."""
        key = (connection.dialect.name, self.query.sort, self.query.descending, phase.undated,
               after is None, self.shape)
        kept = COMPILED.get(key)
        if kept is None:
            compiled = self.statement(phase, after, need, self.driver).compile(
                dialect=connection.dialect)
            positions = compiled.positiontup
            kept = COMPILED[key] = (str(compiled), positions and tuple(positions),
                                     dict(compiled.params))
        sql, positions, constants = kept
        values = {**constants, **self.values, "page_limit": need}
        if after is not None:
            values.update(zip(_AFTER, after, strict=False))
        if not self.sqlite:
            # Through the connection, so statement events still see it.
            return connection.exec_driver_sql(sql, values).all()
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            return cursor.execute(sql, [sqlite_bind(values[n]) for n in positions]).fetchall()
        finally:
            cursor.close()

    # -- statements ----------------------------------------------------------------------
    def _from(self, phase: Phase, ordered: bool):
        """cases, and the category or service table for those sorts; an ordered read of
        those has that table lead (its name index gives the order, then cases by id)."""
        if not phase.outer:
            return Case.__table__
        outer = phase.outer[0].table
        key = Case.category_id if outer is Category.__table__ else Case.service_id
        if ordered:
            return _CrossJoin(outer, Case.__table__, outer.c.id == key)
        return Case.__table__.join(outer, outer.c.id == key)

    def _direct(self, n: int) -> bool:
        """Whether filter ``n`` is checked as its own condition even where its ids would
        be: on PostgreSQL, for a plain condition on cases (a bitmap scan of its index, or
        a check per row, as the statistics suggest), never a set of ids joined back."""
        return not self.sqlite and self.filters[n].direct

    def _tests(self, driver: tuple[Callable[[], Select], frozenset[int]] | None
               ) -> list[ColumnElement]:
        tests = []
        by_ids = driver is not None and not all(self._direct(n) for n in driver[1])
        for n, f in enumerate(self.filters):
            if driver is not None:
                if n not in driver[1] or not by_ids:  # the ids already pass their filters
                    tests.append(f.test(self.hidden))
            elif self.sizes[n] < MEMBERSHIP_MATCHES and not self._direct(n):
                tests.append(f.membership(self.hidden))
            else:
                tests.append(f.test(self.hidden))
        if by_ids:
            tests.append(Case.id.in_(driver[0]()))
        return tests

    def statement(self, phase: Phase, after: tuple | None, limit: int,
                  driver: tuple[Callable[[], Select], frozenset[int]] | None = None,
                  until: tuple | None = None) -> Select:
        """A page: the ids in order first, then their rows (joins only for the page)."""
        direction = (lambda c: c.desc()) if self.query.descending else (lambda c: c.asc())
        # On SQLite only the sort index (ordered) or the driver's ids may lead: filters are
        # checked row by row, and so is the keyset when the driver leads.
        conditions = self._tests(driver)
        if phase.where is not None:
            conditions.append(phase.where)
        keyset_column = (lambda c: c) if driver is None else self.hidden
        if after is not None:
            conditions.extend(self._beyond(phase, after, keyset_column, strict=True))
        if until is not None:
            conditions.extend(self._beyond(phase, until, keyset_column, strict=False, back=True,
                                           names=_UNTIL))
        names = [f"k{n}" for n in range(len(phase.columns) - 1)]
        page = (select(Case.id, *(c.label(n) for c, n in zip(phase.columns, names, strict=False)))
                .select_from(self._from(phase, ordered=driver is None))
                .where(*conditions)
                .order_by(*(direction(c) for c in phase.columns))
                .limit(bindparam("page_limit", limit))
                .subquery("page"))
        return self._page_rows(page, phase, names)

    def walks(self, phase: Phase) -> bool:
        """Whether a window is read by ``walk``: on PostgreSQL, for a sort column of cases,
        when every filter can check a row from the columns the walk reads."""
        return (not self.sqlite and not phase.outer
                and all(self.sizes[n] < MEMBERSHIP_MATCHES
                        or not isinstance(f, WordsFilter | AnyOfFilter)  # test() needs cases
                        for n, f in enumerate(self.filters)))

    def walk(self, phase: Phase, after: tuple | None, need: int, window: int) -> Select:
        """The first ``need`` rows passing the filters among the next ``window`` rows in
        order: the same rows as a page bounded by ``window_end``, without first walking
        the whole window to find its end. PostgreSQL pulls rows through the inner LIMIT
        only as the outer one asks, so the walk stops when the page is full."""
        direction = (lambda c: c.desc()) if self.query.descending else (lambda c: c.asc())
        conditions = [] if phase.where is None else [phase.where]
        if after is not None:
            conditions.extend(self._beyond(phase, after, lambda c: c, strict=True))
        walked = (select(*(Case.__table__.c[name] for name in _WALKED)).where(*conditions)
                  .order_by(*(direction(c) for c in phase.columns))
                  .limit(window).subquery("walked"))

        def column(c):
            return walked.c[c.key]
        tests = [f.membership(column) if self.sizes[n] < MEMBERSHIP_MATCHES
                 and not self._direct(n) else f.test(column)
                 for n, f in enumerate(self.filters)]
        names = [f"k{n}" for n in range(len(phase.columns) - 1)]
        keys = [column(c) for c in phase.columns]
        page = (select(walked.c.id, *(c.label(n) for c, n in zip(keys, names, strict=False)))
                .where(*tests)
                .order_by(*(direction(c) for c in keys))
                .limit(need)
                .subquery("page"))
        return self._page_rows(page, phase, names)

    def _page_rows(self, page, phase: Phase, names: list[str]) -> Select:
        """The list's columns for the ids of ``page``, in its order."""
        direction = (lambda c: c.desc()) if self.query.descending else (lambda c: c.asc())
        sort_values = [page.c[n].label(label) for n, label in
                       zip(names, ("sort_name", "sort_id"), strict=False)] if phase.outer else []
        return (
            select(Case.id, Case.reference, Case.received_at, Case.status,
                   Category.name.label("category"), Service.name.label("service"),
                   Caller.name.label("caller_name"), Caller.phone_e164.label("caller_phone"),
                   Case.location, Case.postcode, Case.due_at,
                   *sort_values)
            .select_from(page.join(Case, Case.id == page.c.id)
                         .join(Category, Category.id == Case.category_id)
                         .join(Service, Service.id == Case.service_id)
                         .outerjoin(Caller, Caller.id == Case.caller_id))
            .order_by(*(direction(page.c[n]) for n in names), direction(page.c.id))
        )

    def window_end(self, phase: Phase, after: tuple | None, size: int) -> Select:
        """The position of the ``size``-th row after ``after`` in sort order; no row when
        fewer follow. A bounded look-ahead along the index (its OFFSET is never more than
        the window's size), not paging: pages always start from their keyset."""
        direction = (lambda c: c.desc()) if self.query.descending else (lambda c: c.asc())
        conditions = [] if phase.where is None else [phase.where]
        if after is not None:
            conditions.extend(self._beyond(phase, after, lambda c: c, strict=True))
        return (select(*phase.columns)
                .select_from(self._from(phase, ordered=True))
                .where(*conditions)
                .order_by(*(direction(c) for c in phase.columns))
                .offset(size - 1)
                .limit(1))

    def _beyond(self, phase: Phase, position: tuple, column, strict: bool,
                back: bool = False, names: tuple[str, ...] | None = None) -> list[ColumnElement]:
        """Rows after ``position`` in list order (strict), or with ``back`` the rows up to
        and including it, written so that an index range serves them. The position's
        values are parameters named ``names`` (see read_kept)."""
        larger = self.query.descending == back  # whether the rows wanted sort above it
        names = names or _AFTER
        if phase.outer:
            # (name, id) of the category, then the case id: a range on the category's name
            # index, and a range of case ids for the position's own category only.
            name, outer_id, case_id = (bindparam(n, v, type_=c.type) for n, v, c in
                                       zip(names, position, (*phase.outer, Case.id), strict=True))
            outer = tuple_(*(column(c) for c in phase.outer))
            bound = tuple_(name, outer_id)
            edge = case((column(phase.outer[1]) == outer_id, case_id),
                        else_=-1 if larger else 2**62)
            ids = column(Case.id)
            if strict:
                inner = ids > edge if larger else ids < edge
            else:
                inner = ids >= edge if larger else ids <= edge
            return [outer >= bound if larger else outer <= bound, inner]
        columns = (*phase.keys, Case.id)
        left = tuple_(*(column(c) for c in columns))
        right = tuple_(*(bindparam(n, v, type_=c.type)
                         for n, c, v in zip(names, columns, position, strict=False)))
        if strict:
            return [left > right if larger else left < right]
        return [left >= right if larger else left <= right]


# The columns of cases a walk reads: the sort keys and every column a filter checks.
_WALKED = ("id", "reference", "received_at", "status", "due_at", "category_id", "service_id",
           "caller_id", "postcode", "created_by_id", "updated_by_id")
# Parameter names of a page's start and of a window's end.
_AFTER = ("after_0", "after_1", "after_2")
_UNTIL = ("until_0", "until_1", "until_2")
