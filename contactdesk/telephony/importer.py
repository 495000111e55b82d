"""Importing a telephony log file: where to start reading, read, store, summarise.

A queue_log grows by appended lines, so each source remembers, per file name,
how many bytes it has read and a SHA-256 of those bytes. When the file still
starts with them, the next import reads only what was appended; otherwise
(a rotated or different file) it reads the whole file and the store skips what
it already holds. The file is read outside the write transaction so agents'
saves are not held up while a large log is parsed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..context import ServiceContext, operation
from ..domain.errors import ContactDeskError, ValidationError
from ..domain.permissions import Permission
from ..domain.words import APP_SOURCE
from ..dtos.changes import Changed
from ..dtos.telephony import DEFAULT_SOURCES, FORMATS, CallImportSummary
from ..persistence.models import CallAttempt, CallWaitDay, TelephonyFeed
from .call_csv import read_call_csv
from .queue_log import read_queue_log
from .records import PROBLEMS_KEPT, ReadResult
from .store import store_read

_SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


class ImportConflict(ContactDeskError):
    """Another import of the same file changed the stored position meanwhile."""


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
    size = path.stat().st_size
    feed = _feed(ctx, source, path.name) if fmt == "asterisk-queue-log" else None
    offset, first_line = _resume_point(path, size, feed)
    report = (lambda done: progress(done, size)) if progress else None
    try:
        if fmt == "csv":
            read = read_call_csv(path)
        else:
            read = read_queue_log(path, offset=offset, first_line=first_line, progress=report,
                                  complete=complete)
    except OSError as exc:
        raise ContactDeskError(f"cannot read {path}: {exc.strerror or exc}") from None
    conflict = ImportConflict(f"{path.name} was imported for {source} by someone else meanwhile: "
                              "run the import again to read only what is new")
    try:
        with ctx.uow(write=True) as uow:
            if fmt == "asterisk-queue-log" and _feed_in(uow.session, source, path.name) != feed:
                raise conflict
            counts = store_read(uow.session, source, read)
            overlap = _also_in_other_feed(uow.session, source, read)
            if fmt == "asterisk-queue-log":
                _save_position(uow.session, source, path, read, first_line, ctx.now())
            uow.commit()
    except IntegrityError:  # the same attempts written by an import running alongside
        raise conflict from None
    return replace(_summary(source, path, first_line, read, counts), also_in=overlap)


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


def _prefix_hash(path: Path, length: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        remaining = length
        while remaining > 0:
            block = handle.read(min(remaining, 1 << 20))
            if not block:
                break
            digest.update(block)
            remaining -= len(block)
    return digest.hexdigest()


def _resume_point(path: Path, size: int, feed) -> tuple[int, int]:
    """(byte offset, first line number): after what was read before, if the file still starts so."""
    if feed is None:
        return 0, 1
    bytes_read, lines_read, prefix = feed
    if 0 < bytes_read <= size and _prefix_hash(path, bytes_read) == prefix:
        return bytes_read, lines_read + 1
    return 0, 1


def _save_position(session, source: str, path: Path, read: ReadResult, first_line: int,
                   now: datetime) -> None:
    lines = first_line - 1 + read.lines_read
    values = {"bytes_read": read.bytes_read, "lines_read": lines,
              "prefix_sha256": _prefix_hash(path, read.bytes_read), "imported_at": now}
    row = session.get(TelephonyFeed, (source, path.name))
    if row is None:
        session.add(TelephonyFeed(source=source, file_name=path.name[:120], **values))
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.flush()


def _summary(source, path, first_line, read: ReadResult, counts) -> CallImportSummary:
    problems = sorted(read.problems + counts.unmatched)[:PROBLEMS_KEPT]
    return CallImportSummary(
        source=source, file=path.name, first_line=first_line, lines_read=read.lines_read,
        events=read.events, attempts_created=counts.created, attempts_closed=counts.closed,
        attempts_waiting=counts.still_waiting, duplicates_skipped=counts.duplicates,
        agent_events=counts.agent_events, ignored_events=read.ignored,
        bad_lines=read.bad_lines + len(counts.unmatched), problems=tuple(problems),
        unfinished_line=read.unfinished_line)
