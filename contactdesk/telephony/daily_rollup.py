"""The daily rollup: the telephony figures per source, day and queue, kept with the histogram.

A year to date summed from the wait histogram reads hundreds of thousands of rows a
year; the rollup holds one row per source, day and queue (a few thousand a year).
It is rebuilt from the histogram for exactly the days whose histogram is rebuilt, in
the same transaction, so the two never disagree. Counts within a threshold depend on
the definition: the rollup holds them for the default one only (``serves``).

Two imports of the same source (two files) may rebuild the same days at once on
PostgreSQL: each takes a transaction lock on its source before rebuilding, so the
second rebuilds after the first commits and counts what the first stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from datetime import date

from sqlalchemy import and_, case, delete, func, insert, select, text
from sqlalchemy.orm import Session

from ..domain.call_metrics import Definition
from ..persistence.models import CallWaitDay, DailyCallRollup
from .records import ABANDONED, ANSWERED, OTHER_EXITS, TIMEOUT

ROLLUP_THRESHOLD_SECONDS = 21
ROLLUP_LOCK_SPACE = 7_301_021  # first key of a source's rebuild lock (beside the feed locks)
DAYS_PER_STATEMENT = 500  # values per IN (...) list

# The rollup's columns in ``CallCounts`` order; None where the rollup holds nothing
# (short abandons: none under the default definition, which excludes none).
COUNT_COLUMNS = ("offered", "answered", "answered_within_21s", "abandoned",
                 "abandoned_within_21s", None, "timed_out", "other_exits", "unresolved",
                 "answered_wait_total", "answered_wait_count", "abandon_wait_total",
                 "abandon_wait_count", "longest_wait", "talk_total", "talk_count")


def serves(definition: Definition) -> bool:
    """True when the rollup gives ``definition``'s figures exactly."""
    return (definition.threshold_seconds == ROLLUP_THRESHOLD_SECONDS
            and definition.short_abandon_seconds == 0)


def rollup_lock_key(source: str) -> tuple[int, int]:
    digest = hashlib.sha256(source.encode()).digest()
    return ROLLUP_LOCK_SPACE, int.from_bytes(digest[:4], "big", signed=True)


def hold_source(session: Session, source: str, days: Collection[date]) -> None:
    """Before rebuilding ``days``: until this transaction ends, no other transaction
    rebuilds ``source``'s histogram or rollup.

    PostgreSQL only: a rebuild reads what is committed when it starts, so two at once
    would each miss the other's attempts. SQLite runs one writer at a time anyway.
    """
    if not days or session.get_bind().dialect.name != "postgresql":
        return
    space, key = rollup_lock_key(source)
    session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                    {"space": space, "key": key})


def _rollup_sums(w) -> list:
    n, wait, outcome = w.c.attempts, w.c.wait_seconds, w.c.outcome
    answered, abandoned = outcome == ANSWERED, outcome == ABANDONED

    def total(condition, value):
        return func.sum(case((condition, value), else_=0))

    return [
        total(outcome.is_not(None), n),
        total(answered, n),
        total(and_(answered, wait <= ROLLUP_THRESHOLD_SECONDS), n),
        total(abandoned, n),
        total(and_(abandoned, wait <= ROLLUP_THRESHOLD_SECONDS), n),
        total(outcome == TIMEOUT, n),
        total(outcome.in_(OTHER_EXITS), n),
        total(outcome.is_(None), n),
        total(and_(answered, wait.is_not(None)), wait * n),
        total(and_(answered, wait.is_not(None)), n),
        total(and_(abandoned, wait.is_not(None)), wait * n),
        total(and_(abandoned, wait.is_not(None)), n),
        func.max(case((outcome.is_not(None), wait))),
        total(answered, w.c.talk_total),
        total(answered, w.c.talk_count),
    ]


_SUMMED = [c for c in COUNT_COLUMNS if c is not None]


def refresh_daily_rollup(session: Session, source: str, days: Iterable[date]) -> None:
    """Rebuild the rollup of ``source`` for ``days`` from its (already rebuilt) histogram."""
    w, r = CallWaitDay.__table__, DailyCallRollup.__table__
    ordered = sorted(set(days))
    for start in range(0, len(ordered), DAYS_PER_STATEMENT):
        chunk = ordered[start:start + DAYS_PER_STATEMENT]
        session.execute(delete(r).where(r.c.source == source, r.c.local_day.in_(chunk)))
        summed = (select(w.c.source, w.c.local_day, w.c.queue, *_rollup_sums(w))
                  .where(w.c.source == source, w.c.local_day.in_(chunk))
                  .group_by(w.c.source, w.c.local_day, w.c.queue))
        session.execute(insert(r).from_select(["source", "local_day", "queue", *_SUMMED], summed))
