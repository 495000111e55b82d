"""Writing what a telephony log held: new attempts, late outcomes, agent events.

The importer hands over a large file in batches, each committed on its own
with the file position after it. Attempts already stored are
recognised by their key (source, callid, queue, queue entry time): a re-read of
the same lines adds nothing, and an attempt stored while still waiting is closed
by the import (or the batch) that sees its outcome. Stored rows are looked up
only around the times and call ids a batch holds, so memory follows the batch,
not the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..domain.working_time import LONDON
from ..persistence.bulk import bulk_insert, is_sqlite, sqlite_day
from ..persistence.models import AgentEvent, CallAttempt, CallWaitDay
from .daily_rollup import hold_source, refresh_daily_rollup
from .records import ANSWERED, PROBLEMS_KEPT, Attempt, LateEvent, ReadResult

CHUNK = 500  # values per IN (...) list
WINDOW_GAP = 3600  # stored rows are read per span of times with no gap longer than this
ATTEMPT_COLUMNS = ("source", "callid", "queue", "entered_epoch", "local_day", "local_hour", "outcome",
                   "wait_seconds", "talk_seconds", "agent", "ended_epoch")


@lru_cache(maxsize=65536)
def _local_hour_of(utc_hour: int) -> tuple[date, int]:
    # UK offsets are whole hours, so a whole UTC hour falls in one local hour.
    moment = datetime.fromtimestamp(utc_hour * 3600, LONDON)
    return moment.date(), moment.hour


def local_day_and_hour(epoch: int) -> tuple[date, int]:
    """The Europe/London day and hour of a Unix time."""
    return _local_hour_of(epoch // 3600)


@dataclass
class StoreCounts:
    created: int = 0  # new attempts stored
    closed: int = 0  # attempts given their outcome (new ones and ones left waiting before)
    still_waiting: int = 0  # new attempts with no outcome yet
    duplicates: int = 0  # attempts and events already stored
    agent_events: int = 0
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (line, reason), the first
    unmatched_count: int = 0  # outcomes for attempts that never entered the queue
    days: set[date] = field(default_factory=set)  # days whose figures changed

    def add(self, counted: tuple[int, int, int, int], replacing: tuple[int, int, int, int]) -> None:
        self.created += counted[0] - replacing[0]
        self.closed += counted[1] - replacing[1]
        self.still_waiting += counted[2] - replacing[2]
        self.duplicates += counted[3] - replacing[3]

    def not_matched(self, line: int, reason: str) -> None:
        self.unmatched_count += 1
        if len(self.unmatched) < PROBLEMS_KEPT:
            self.unmatched.append((line, reason))


def store_read(session: Session, source: str, read: ReadResult, *,
               refresh: bool = True) -> StoreCounts:
    """Write one read (or batch); ``refresh`` False leaves the wait histogram of
    ``counts.days`` for the caller to rebuild once after its last batch."""
    counts = StoreCounts()
    if read.attempts or read.late_events:
        # Taken before any row is written, not only before the rebuild: two imports of one
        # source writing the same attempt keys would otherwise wait on each other's rows
        # while one holds this lock (a deadlock PostgreSQL would break by failing one).
        hold_source(session, source, (True,))
    _store_attempts(session, source, read.attempts, counts)
    _store_late_events(session, source, read.late_events, counts)
    _store_agent_events(session, source, read, counts)
    if refresh:
        refresh_wait_days(session, source, counts.days)
    return counts


def epoch_windows(epochs: Iterable[int], gap: int = WINDOW_GAP) -> list[tuple[int, int]]:
    """(first, last) spans covering ``epochs``, split wherever two are more than ``gap`` apart.

    A log in time order gives a span a day; scattered times give narrow spans, so
    the rows read back never reach far beyond the times a batch holds.
    """
    windows: list[tuple[int, int]] = []
    for epoch in sorted(set(epochs)):
        if windows and epoch - windows[-1][1] <= gap:
            windows[-1] = (windows[-1][0], epoch)
        else:
            windows.append((epoch, epoch))
    return windows


def _store_attempts(session: Session, source: str, attempts: list[Attempt], counts: StoreCounts) -> None:
    if not attempts:
        return
    t = CallAttempt.__table__
    stored = {}
    for low, high in epoch_windows(a.entered_epoch for a in attempts):
        stored.update(((r.callid, r.queue, r.entered_epoch), r) for r in session.execute(
            select(t.c.id, t.c.callid, t.c.queue, t.c.entered_epoch, t.c.outcome, t.c.talk_seconds)
            .where(t.c.source == source, t.c.entered_epoch.between(low, high))))
    day_value = sqlite_day if is_sqlite(session) else (lambda day: day)
    hours: dict[int, tuple] = {}  # UTC hour -> (local day, its stored value, local hour)
    new_rows, changes, seen = [], [], set()
    add_row, see = new_rows.append, seen.add
    created = closed = waiting = 0
    for a in attempts:  # the hot loop of the store: local names only
        callid, queue, entered = a.callid, a.queue, a.entered_epoch
        key = (callid, queue, entered)
        if key in seen:
            counts.duplicates += 1  # the same ENTERQUEUE twice in one file
            continue
        see(key)
        row = stored.get(key) if stored else None
        if row is None and a.stored_as is None:  # new: the usual case, counted here
            created += 1
            if a.outcome is None:
                waiting += 1
                a.stored_as = (None, _CREATED_WAITING)
            else:
                closed += 1
                if a.talk_seconds is None and a.outcome == ANSWERED:
                    a.stored_as = (None, _CREATED_CLOSED)
        else:
            _count_stored(a, row, counts)
        if row is None:
            placed = hours.get(entered // 3600)
            if placed is None:
                day, hour = local_day_and_hour(entered)
                placed = hours[entered // 3600] = (day, day_value(day), hour)
            add_row((source, callid, queue, entered, placed[1], placed[2],
                     a.outcome, a.wait_seconds, a.talk_seconds, a.agent, a.ended_epoch))
        elif (row.outcome is None and a.outcome is not None) or (
                row.outcome == ANSWERED and row.talk_seconds is None and a.talk_seconds is not None):
            changes.append(_change(row.id, a.outcome, a.wait_seconds, a.talk_seconds, a.agent,
                                   a.ended_epoch))
            counts.days.add(local_day_and_hour(a.entered_epoch)[0])
    counts.days.update(placed[0] for placed in hours.values())  # the days of the new rows
    counts.created += created
    counts.closed += closed
    counts.still_waiting += waiting
    bulk_insert(session, t, ATTEMPT_COLUMNS, new_rows)
    _apply_changes(session, changes)


def _count_stored(a: Attempt, row, counts: StoreCounts) -> None:
    """Count an attempt stored before: by an earlier import (``row``), or by an earlier batch
    of this one, whose counts are then corrected as if the file had been read whole."""
    if a.stored_as is None:
        prior, counted = (None if row is None else (row.outcome, row.talk_seconds is None)), _NOTHING
    else:
        prior, counted = a.stored_as
    now_counted = _counted(prior, a)
    if now_counted is not counted:
        counts.add(now_counted, counted)
    if a.outcome is None or (a.talk_seconds is None and a.outcome == ANSWERED):
        a.stored_as = (prior, now_counted)  # still open: a later batch may close it


_NOTHING = (0, 0, 0, 0)


_CREATED_CLOSED, _CREATED_WAITING, _CLOSED, _DUPLICATE = (1, 1, 0, 0), (1, 0, 1, 0), (0, 1, 0, 0), (0, 0, 0, 1)


def _counted(prior: tuple | None, a: Attempt) -> tuple[int, int, int, int]:
    """(created, closed, still waiting, duplicates) for attempt ``a`` when the stored row
    before this import was ``prior``: None, or (outcome, talk time missing)."""
    if prior is None:
        return _CREATED_WAITING if a.outcome is None else _CREATED_CLOSED
    outcome, no_talk = prior
    if outcome is None and a.outcome is not None:
        return _CLOSED
    if outcome == ANSWERED and no_talk and a.talk_seconds is not None:
        return _NOTHING  # the talk time completes it
    return _DUPLICATE


def _change(row_id, outcome, wait, talk, agent, ended) -> dict:
    return {"row_id": row_id, "new_outcome": outcome, "new_wait": wait, "new_talk": talk,
            "new_agent": agent, "new_ended": ended}


def _apply_changes(session: Session, changes: list[dict]) -> None:
    if not changes:
        return
    t = CallAttempt.__table__
    statement = (update(t).where(t.c.id == bindparam("row_id")).values(
        outcome=bindparam("new_outcome"), wait_seconds=bindparam("new_wait"),
        talk_seconds=bindparam("new_talk"), agent=bindparam("new_agent"),
        ended_epoch=bindparam("new_ended")))
    session.connection().execute(statement, changes)


def _store_late_events(session: Session, source: str, events: list[LateEvent],
                       counts: StoreCounts) -> None:
    """Outcomes and talk times for attempts that entered the queue in an earlier import."""
    t = CallAttempt.__table__
    for start in range(0, len(events), CHUNK):
        chunk = events[start:start + CHUNK]
        # Every stored attempt of these calls, latest entry first, kept up to date below
        # so that a later event of the same call in this chunk sees the earlier one. (Sorted
        # here: an ORDER BY would lead SQLite to walk the whole source by entry time.)
        attempts: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in session.execute(
                select(t.c.id, t.c.callid, t.c.queue, t.c.entered_epoch, t.c.local_day,
                       t.c.outcome, t.c.wait_seconds, t.c.talk_seconds, t.c.agent)
                .where(t.c.source == source, t.c.callid.in_(sorted({e.callid for e in chunk})))):
            attempts[(row.callid, row.queue)].append(dict(row._mapping))
        for rows in attempts.values():
            rows.sort(key=lambda r: r["entered_epoch"], reverse=True)
        changes = []
        for event in chunk:
            row = next((r for r in attempts.get((event.callid, event.queue), ())
                        if r["entered_epoch"] <= event.epoch), None)
            if row is None:
                counts.not_matched(event.line, (
                    f"{event.event} for call {event.callid[:80]} in queue {event.queue[:80]}, "
                    "which never entered it (no ENTERQUEUE in this file or an earlier import)"))
                continue
            wait = event.wait_seconds
            if wait is None:
                wait = max(event.epoch - row["entered_epoch"], 0)
            if row["outcome"] is None and event.outcome is not None:
                counts.closed += 1
                row.update(outcome=event.outcome, wait_seconds=wait,
                           talk_seconds=event.talk_seconds, agent=event.agent)
            elif (row["outcome"] == ANSWERED and row["talk_seconds"] is None
                  and event.talk_seconds is not None):
                row.update(talk_seconds=event.talk_seconds, agent=row["agent"] or event.agent)
            else:
                counts.duplicates += 1
                continue
            changes.append(_change(row["id"], row["outcome"], row["wait_seconds"],
                                   row["talk_seconds"], row["agent"], event.epoch))
            counts.days.add(row["local_day"])
        _apply_changes(session, changes)


def _store_agent_events(session: Session, source: str, read: ReadResult, counts: StoreCounts) -> None:
    events = read.agent_events
    if not events:
        return
    t = AgentEvent.__table__
    seen = set()
    for low, high in epoch_windows(e.epoch for e in events):
        seen.update(tuple(row) for row in session.execute(
            select(t.c.occurred_epoch, t.c.queue, t.c.agent, t.c.event)
            .where(t.c.source == source, t.c.occurred_epoch.between(low, high))))
    rows = []
    for e in events:
        key = e[:4]  # (epoch, queue, agent, event)
        if key in seen:
            counts.duplicates += 1
            continue
        seen.add(key)
        rows.append((source, e.epoch, e.queue[:80], e.agent[:80], e.event[:40], e.data))
    bulk_insert(session, t, ("source", "occurred_epoch", "queue", "agent", "event", "data"), rows)
    counts.agent_events = len(rows)


def refresh_wait_days(session: Session, source: str, days: set[date]) -> None:
    """Rebuild the wait histogram of ``source`` for ``days`` from its attempts."""
    a, w = CallAttempt.__table__, CallWaitDay.__table__
    ordered = sorted(days)
    hold_source(session, source, ordered)  # one rebuild of a source's days at a time
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        session.execute(delete(w).where(w.c.source == source, w.c.local_day.in_(chunk)))
        grouped = (
            select(a.c.source, a.c.local_day, a.c.queue, a.c.outcome, a.c.wait_seconds,
                   func.count(), func.coalesce(func.sum(a.c.talk_seconds), 0), func.count(a.c.talk_seconds))
            .where(a.c.source == source, a.c.local_day.in_(chunk))
            .group_by(a.c.source, a.c.local_day, a.c.queue, a.c.outcome, a.c.wait_seconds))
        session.execute(insert(w).from_select(
            ["source", "local_day", "queue", "outcome", "wait_seconds", "attempts", "talk_total",
             "talk_count"], grouped))
    refresh_daily_rollup(session, source, ordered)  # the year to date reads it
