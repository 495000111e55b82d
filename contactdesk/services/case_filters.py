"""The conditions the case list filters by: each tests a row, lists its ids from its
indexes and estimates its size cheaply, so the planner in ``case_search`` can choose
between an ordered read and a lookup by ids.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from ..persistence.models import CallerNameWord, Case, CaseLocationWord, ReferenceCounter
from .search_text import reference_ranges


def count_capped(connection, statement: Select, cap: int) -> int:
    """How many rows ``statement`` gives, counting no further than ``cap``."""
    return connection.scalar(select(func.count()).select_from(statement.limit(cap).subquery()))


def estimated_rows(connection, statement: Select) -> int:
    """How many rows PostgreSQL's planner expects ``statement`` to give (no rows read)."""
    compiled = statement.compile(dialect=connection.dialect)
    plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled),
                                      compiled.params).scalar()
    return int(plan[0]["Plan"]["Plan Rows"])


def ids_of(selects: list[Select], combine) -> Select:
    """One select of the ids of several, as a plain SELECT (SQLite will not nest compounds)."""
    if len(selects) == 1:
        return selects[0]
    return select(*combine(*selects).subquery().c)


class Filter:
    """A condition every listed case meets, seen three ways.

    ``test(column)`` checks one row (``column`` wraps each column: see
    ``_Planner.hidden``); ``ids()`` selects exactly the ids of the cases that
    pass, from the filter's indexes; ``membership(column)`` checks a row against
    sets built once from those indexes. ``size`` estimates, from index-only
    counts, how many cases pass (counting no further than ``cap``).
    """

    # Whether ``test`` is a plain condition on cases that the cases indexes serve (as
    # ``parts`` are): PostgreSQL then checks it directly, planning from its statistics,
    # rather than through a set of ids joined back to cases.
    direct = False
    # At most how many cases pass, when the text alone says so (a reference's digits):
    # the planner then need not count them.
    bound: int | None = None

    def __init__(self, test: Callable[[Callable], ColumnElement], *parts: Select,
                 direct: bool = False, bound: int | None = None):
        self._test = test
        self.parts = parts  # each selects case ids; the filter's cases are their union
        self.direct = direct
        self.bound = bound

    def test(self, column) -> ColumnElement:
        return self._test(column)

    def ids(self) -> Select:
        return ids_of(list(self.parts), union_all)

    def membership(self, column) -> ColumnElement:
        return column(Case.id).in_(self.ids())

    def size(self, connection, cap: int) -> int:
        if self.direct and connection.dialect.name == "postgresql":
            # Its statistics size a plain condition well, and counting thousands of rows
            # would read a heap page for each (the indexes do not hold the id).
            return min(cap, sum(estimated_rows(connection, part) for part in self.parts))
        size = 0
        for part in self.parts:
            size += count_capped(connection, part, cap - size)
            if size >= cap:
                break
        return size


def where(test: Callable[[Callable], ColumnElement], *conditions, **how) -> Filter:
    """A filter of ``conditions`` on cases; ``how``: Filter's ``direct`` and ``bound``."""
    return Filter(test, select(Case.id).where(*conditions), **how)


class ConditionFilter(Filter):
    """A plain condition on cases (``direct``), its select of ids made only when a plan
    asks for it: a page read by a kept statement (see ``_Planner.read_kept``) never does."""

    direct = True

    def __init__(self, test: Callable[[Callable], ColumnElement], bound: int | None = None):
        self._test = test
        self.bound = bound

    @property
    def parts(self) -> tuple[Select, ...]:
        return (select(Case.id).where(self._test(lambda c: c)),)


class ReferencePartFilter(Filter):
    """References holding ``fragment`` anywhere. No index serves "contains", so the
    references that can hold it are worked out from the reference counters as ranges
    of the reference index (``reference_ranges``); a row is still checked directly."""

    def __init__(self, fragment: str):
        self.fragment = fragment
        self.ranges: list[tuple[str, str]] | None = []  # set when sized

    def test(self, column) -> ColumnElement:
        return column(Case.reference).contains(self.fragment, autoescape=True)

    def ids(self) -> Select:
        if self.ranges is None:  # too many ranges: read every reference
            return select(Case.id).where(self.test(lambda c: c))
        if not self.ranges:
            return select(Case.id).where(false())
        return select(Case.id).where(or_(*(Case.reference.between(low, high)
                                           for low, high in self.ranges)))

    def size(self, connection, cap: int) -> int:
        counters = connection.execute(select(ReferenceCounter.prefix, ReferenceCounter.year,
                                             ReferenceCounter.last_value)).all()
        self.ranges = reference_ranges(self.fragment, counters)
        if self.ranges is None:
            return cap  # taken as common: checked row by row in the list's order
        return count_capped(connection, self.ids(), cap)


class AnyOfFilter(Filter):
    """A case passes when it passes any one of ``filters`` (a reference part or words)."""

    def __init__(self, *filters: Filter):
        self.filters = filters

    def test(self, column) -> ColumnElement:
        return or_(*(f.test(column) for f in self.filters))

    def ids(self) -> Select:
        return ids_of([f.ids() for f in self.filters], union_all)

    def membership(self, column) -> ColumnElement:
        return or_(*(f.membership(column) for f in self.filters))

    def size(self, connection, cap: int) -> int:
        size = 0
        for f in self.filters:  # every one is sized: a words filter picks its leads here
            size += f.size(connection, max(1, cap - size))
        return min(size, cap)


class WordsFilter(Filter):
    """Every word begins a word of the caller's name, or every word one of the location.

    Each side is found from its rarest word (the index's count says which),
    checking the other words owner by owner. Names give callers: they are
    counted as callers and sized as that many times ``cases_per_caller``.
    """

    def __init__(self, words: tuple[str, ...], match: Callable):
        self.words = words
        self.match = match
        self.cases_per_caller = 1.0  # the planner sets it before sizing
        self.sides = ((CallerNameWord, CallerNameWord.caller_id, Case.caller_id),
                      (CaseLocationWord, CaseLocationWord.case_id, Case.id))
        self.leads = [words[0], words[0]]  # the rarest word of each side, once sized

    def _owners(self, side: int, lead: str) -> Select:
        """Ids of the callers (side 0) or cases (side 1) that have every word."""
        table, owner, _ = self.sides[side]
        others = []
        for word in self.words:
            if word != lead:
                other = aliased(table)
                others.append(select(literal(1)).where(getattr(other, owner.key) == owner,
                                                       self.match(other.word, word)).exists())
        return select(owner).where(self.match(table.word, lead), *others)

    def test(self, column) -> ColumnElement:
        sides = []
        for table, owner, key in self.sides:
            sides.append(and_(*(select(literal(1)).where(owner == key, self.match(table.word, w))
                                .correlate(Case).exists() for w in self.words)))
        return or_(*sides)

    def ids(self) -> Select:
        of_callers = select(Case.id).where(Case.caller_id.in_(self._owners(0, self.leads[0])))
        return ids_of([of_callers, self._owners(1, self.leads[1])], union_all)

    def membership(self, column) -> ColumnElement:
        # By caller for names: no need to list every case of every caller.
        return or_(column(Case.caller_id).in_(self._owners(0, self.leads[0])),
                   column(Case.id).in_(self._owners(1, self.leads[1])))

    def size(self, connection, cap: int) -> int:
        size = 0
        for side, (table, owner, _) in enumerate(self.sides):
            scale = self.cases_per_caller if side == 0 else 1.0
            room = max(1, int((cap - size) / scale))
            counts: dict[str, int] = {}
            for w in self.words:
                # Only the rarest word matters: none is counted past the rarest so far.
                limit = min([room, *(n + 1 for n in counts.values())])
                counts[w] = count_capped(connection, select(owner).where(self.match(table.word, w)),
                                         limit)
            lead = self.leads[side] = min(counts, key=counts.get)
            found = counts[lead]
            if len(self.words) > 1 and 0 < found < room:
                found = count_capped(connection, self._owners(side, lead), room)
            size += int(found * scale)
            if size >= cap:
                break
        return min(size, cap)
