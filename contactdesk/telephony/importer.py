"""Importing a telephony log file: where to start reading, read, store, summarise.

A queue_log grows by appended lines, so each source remembers, per file name,
how many bytes and lines it has read and a SHA-256 of those bytes. The position
is saved after every import, even one that found no good line. When the file
still starts with those bytes, the next import reads only what was appended;
otherwise (a rotated or different file) it reads the whole file and the store
skips what it already holds.

One import of a feed (source and file) runs at a time: it holds the feed for
its whole run (feed_lock.py), and reads the position only once it holds it, so a
second import waits (a bounded time) for the first and then reads only what the
first left. The file is read, stored and committed in batches, each with the
position after it: memory stays bounded whatever the file, other desks write
between batches, and an import stopped part way (killed, or the power cut)
leaves whole batches behind and the position after the last, so the next import
goes on from there and nothing counts twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..context import ServiceContext, operation
from ..domain.errors import ContactDeskError, ValidationError
from ..domain.limits import LABEL
from ..domain.permissions import Permission
from ..domain.words import APP_SOURCE
from ..dtos.changes import Changed
from ..dtos.telephony import DEFAULT_SOURCES, FORMATS, CallImportSummary
from ..persistence.models import CallAttempt, CallWaitDay, TelephonyFeed
from ..persistence.timeouts import SQLITE_BUSY_S
from .call_csv import read_call_csv
from .feed_lock import feed_held
from .queue_log import latest_epoch, read_batches, stamp_problem
from .records import PROBLEMS_KEPT, ReadResult
from .store import StoreCounts, store_read

_SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
IMPORT_WAIT_S = SQLITE_BUSY_S  # how long a second import of a feed waits for the first


class ImportConflict(ContactDeskError):
    """Another import wrote the same attempts at the same moment."""


class ImportRunning(ContactDeskError):
    """Another import of the same feed did not finish within IMPORT_WAIT_S."""


def check_source_name(source: str) -> str:
    if source == APP_SOURCE:
        raise ValidationError.single("source", f"'{APP_SOURCE}' is kept for calls logged in the app")
    if not _SOURCE_NAME.fullmatch(source):
        raise ValidationError.single(
            "source", f"'{source[:50]}' is not a source name: use up to 40 letters, digits, . _ or -")
    return source


@operation(Permission.IMPORT_CALLS, changes=(Changed.TELEPHONY,))
def import_call_log(ctx: ServiceContext, path: Path | str, fmt: str = "asterisk-queue-log",
                    source: str | None = None,
                    progress: Callable[[int, int], None] | None = None, *,
                    complete: bool = False) -> CallImportSummary:
    """Import a queue_log or call CSV; ``progress(done, total)`` reports bytes read.

    ``complete``: the log is finished, so a last line without a line end is read too.
    """
    if fmt not in FORMATS:
        raise ValidationError.single("format", f"'{fmt}' is not a format (one of: {', '.join(FORMATS)})")
    source = check_source_name(source or DEFAULT_SOURCES[fmt])
    path = Path(path)
    if not path.is_file():
        raise ContactDeskError(f"{path} does not exist or is not a file")
    try:
        if fmt == "csv":
            return _import_csv(ctx, path, source)
        return _import_queue_log(ctx, path, source, progress, complete)
    except OSError as exc:
        raise ContactDeskError(f"cannot read {path}: {exc.strerror or exc}") from None
    except IntegrityError:  # the same attempts written by an import of another feed alongside
        raise ImportConflict(f"{path.name} was imported for {source} by someone else meanwhile: "
                             "run the import again to read only what is new") from None


@dataclass
class _Start:
    """Where a read of a file starts, and the hash of the bytes before it."""

    offset: int = 0
    first_line: int = 1
    digest: Any = field(default_factory=hashlib.sha256)  # a hashlib object, fed as it reads
    mid_line: bool = False  # the byte before is no line end: the rest of that line was read


@dataclass
class _Totals:
    """The counts of every batch of one import, for its summary."""

    first_line: int
    lines_read: int = 0
    events: int = 0
    created: int = 0
    closed: int = 0
    waiting: int = 0
    duplicates: int = 0
    agent_events: int = 0
    ignored: int = 0
    bad_lines: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    days: set[date] = field(default_factory=set)
    bytes_read: int = 0
    unfinished_line: bool = False
    also_in: str | None = None
    sampled: bool = False

    def add(self, read: ReadResult, counts: StoreCounts) -> None:
        self.lines_read += read.lines_read
        self.events += read.events
        self.ignored += read.ignored
        self.created += counts.created
        self.closed += counts.closed
        self.waiting += counts.still_waiting
        self.duplicates += counts.duplicates
        self.agent_events += counts.agent_events
        self.bad_lines += read.bad_lines + counts.unmatched_count
        self.problems = sorted(self.problems + read.problems + counts.unmatched)[:PROBLEMS_KEPT]
        self.days |= counts.days
        self.bytes_read = read.bytes_read
        self.unfinished_line = read.unfinished_line

    def summary(self, source: str, file: str) -> CallImportSummary:
        return CallImportSummary(
            source=source, file=file, first_line=self.first_line, lines_read=self.lines_read,
            events=self.events, attempts_created=self.created, attempts_closed=self.closed,
            attempts_waiting=self.waiting, duplicates_skipped=self.duplicates,
            agent_events=self.agent_events, ignored_events=self.ignored,
            bad_lines=self.bad_lines, problems=tuple(self.problems),
            unfinished_line=self.unfinished_line, also_in=self.also_in)


def _import_queue_log(ctx: ServiceContext, path: Path, source: str,
                      progress: Callable[[int, int], None] | None,
                      complete: bool) -> CallImportSummary:
    name = path.name[:LABEL]
    now = ctx.now()

    def refuse() -> ImportRunning:
        return ImportRunning(f"an import of {name} ({source}) is already running; "
                             "try again when it finishes")

    with feed_held(ctx.engine, source, name, IMPORT_WAIT_S, refuse):
        start = _resume_point(path, _feed(ctx, source, name))
        size = path.stat().st_size
        totals = _Totals(start.first_line)
        report = (lambda done: progress(done, size)) if progress else None
        for batch in read_batches(path, offset=start.offset, first_line=start.first_line,
                                  end=None if complete else size, now=now, complete=complete,
                                  mid_line=start.mid_line, digest=start.digest, progress=report):
            with ctx.uow(write=True) as uow:
                session = uow.session
                counts = store_read(session, source, batch)
                if not totals.sampled and batch.attempts:
                    totals.also_in, totals.sampled = _also_in_other_feed(session, source, batch), True
                totals.add(batch, counts)
                _save_position(session, source, name, totals, start.digest.hexdigest(), now)
                uow.commit()
    return totals.summary(source, path.name)


def _import_csv(ctx: ServiceContext, path: Path, source: str) -> CallImportSummary:
    read = read_call_csv(path)
    _refuse_impossible_times(read, latest_epoch(ctx.now()))
    with ctx.uow(write=True) as uow:
        counts = store_read(uow.session, source, read)
        overlap = _also_in_other_feed(uow.session, source, read)
        uow.commit()
    totals = _Totals(1, also_in=overlap)
    totals.add(read, counts)
    return totals.summary(source, path.name)


def _refuse_impossible_times(read: ReadResult, latest: int) -> None:
    """Rows entered before 2000 or more than a day ahead are bad, as in a queue_log."""
    kept = []
    for attempt in read.attempts:
        problem = stamp_problem(attempt.entered_epoch, latest)
        if problem is None:
            kept.append(attempt)
            continue
        read.events -= 1
        read.bad_lines += 1
        read.problems = sorted([*read.problems, (attempt.line, problem)])[:PROBLEMS_KEPT]
    read.attempts = kept


OVERLAP_SAMPLE = 200


def _also_in_other_feed(session, source: str, read: ReadResult) -> str | None:
    """The other feed that holds most of a sample of these attempts, if one does."""
    sample = read.attempts[:: max(len(read.attempts) // OVERLAP_SAMPLE, 1)][:OVERLAP_SAMPLE]
    if not sample:
        return None
    others = session.scalars(select(CallWaitDay.source).distinct()
                             .where(CallWaitDay.source != source)).all()
    a = CallAttempt
    for other in others:
        found = sum(1 for attempt in sample if session.scalar(
            select(a.id).where(a.source == other, a.callid == attempt.callid,
                               a.queue == attempt.queue,
                               a.entered_epoch == attempt.entered_epoch).limit(1)) is not None)
        if found * 2 > len(sample):
            return other
    return None


def _feed(ctx: ServiceContext, source: str, name: str) -> tuple[int, int, str] | None:
    with ctx.uow() as uow:
        return _feed_in(uow.session, source, name)


def _feed_in(session, source: str, name: str) -> tuple[int, int, str] | None:
    row = session.execute(select(TelephonyFeed.bytes_read, TelephonyFeed.lines_read,
                                 TelephonyFeed.prefix_sha256)
                          .where(TelephonyFeed.source == source, TelephonyFeed.file_name == name)).first()
    return tuple(row) if row else None


def _resume_point(path: Path, feed: tuple[int, int, str] | None) -> _Start:
    """After what was read before, if the file still starts with those bytes; else the start."""
    if feed is None:
        return _Start()
    bytes_read, lines_read, prefix = feed
    if not 0 < bytes_read <= path.stat().st_size:
        return _Start()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        remaining, block = bytes_read, b""
        while remaining > 0:
            block = handle.read(min(remaining, 1 << 20))
            if not block:
                return _Start()  # shorter than the stat said: rewritten meanwhile
            digest.update(block)
            remaining -= len(block)
    if digest.hexdigest() != prefix:
        return _Start()
    return _Start(bytes_read, lines_read + 1, digest, mid_line=block[-1:] != b"\n")


def _save_position(session, source: str, name: str, totals: _Totals, prefix: str,
                   now: datetime) -> None:
    values = {"bytes_read": totals.bytes_read, "lines_read": totals.first_line - 1 + totals.lines_read,
              "prefix_sha256": prefix, "imported_at": now}
    row = session.get(TelephonyFeed, (source, name))
    if row is None:
        session.add(TelephonyFeed(source=source, file_name=name, **values))
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.flush()
