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
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from ..domain.errors import ContactDeskError, ValidationError
from ..persistence.base import utcnow
from ..persistence.models import APP_SOURCE, CallAttempt, CallWaitDay, TelephonyFeed
from ..persistence.uow import UnitOfWork
from .call_csv import read_call_csv
from .queue_log import read_queue_log
from .records import PROBLEMS_KEPT, ReadResult
from .store import store_read

FORMATS = ("asterisk-queue-log", "csv")
DEFAULT_SOURCES = {"asterisk-queue-log": "asterisk", "csv": "csv"}
_SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


class ImportConflict(ContactDeskError):
    """Another import of the same file changed the stored position meanwhile."""


@dataclass(frozen=True)
class CallImportSummary:
    source: str
    file: str
    first_line: int  # 1, or where an earlier import of this file stopped + 1
    lines_read: int
    events: int
    attempts_created: int
    attempts_closed: int
    attempts_waiting: int  # created with no outcome yet: an import that sees it closes it
    duplicates_skipped: int
    agent_events: int
    ignored_events: int
    bad_lines: int
    problems: tuple[tuple[int, str], ...]  # (line, reason), the first 20 by line
    unfinished_line: bool = False  # the last line had no line end yet and was left for later
    also_in: str | None = None  # another feed that already holds these calls

    def lines(self) -> list[str]:
        """The summary as a person reads it (the CLI and the import dialog)."""
        where = f" from line {self.first_line}" if self.first_line > 1 else ""
        text = [
            f"{self.file} ({self.source}): {self.lines_read} lines read{where}, {self.events} events",
            f"attempts: {self.attempts_created} new, {self.attempts_closed} closed, "
            f"{self.attempts_waiting} still waiting; {self.duplicates_skipped} duplicates skipped",
            f"agent and system events: {self.agent_events} new; {self.ignored_events} other events ignored",
            f"bad lines: {self.bad_lines}",
        ]
        text += [f"line {line}: {reason}" for line, reason in self.problems]
        if self.bad_lines > len(self.problems):
            text.append(f"... and {self.bad_lines - len(self.problems)} more")
        if self.also_in:
            text.append(f"warning: these calls are already stored as feed '{self.also_in}'; "
                        "the figures add feeds together, so they now count twice (import them "
                        f"with --source {self.also_in})")
        if self.unfinished_line:
            text.append(f"the last line has no line end yet (the log may still be being written): "
                        f"the next import reads it from line {self.first_line + self.lines_read}; "
                        "if the file is finished, import it again with --complete")
        return text


def check_source_name(source: str) -> str:
    if source == APP_SOURCE:
        raise ValidationError.single("source", f"'{APP_SOURCE}' is kept for calls logged in the app")
    if not _SOURCE_NAME.fullmatch(source):
        raise ValidationError.single(
            "source", f"'{source[:50]}' is not a source name: use up to 40 letters, digits, . _ or -")
    return source


def import_call_log(engine: Engine, path: Path | str, fmt: str = "asterisk-queue-log",
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
    feed = _feed(engine, source, path.name) if fmt == "asterisk-queue-log" else None
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
        with UnitOfWork(engine, write=True) as uow:
            if fmt == "asterisk-queue-log" and _feed_in(uow.session, source, path.name) != feed:
                raise conflict
            counts = store_read(uow.session, source, read)
            overlap = _also_in_other_feed(uow.session, source, read)
            if fmt == "asterisk-queue-log":
                _save_position(uow.session, source, path, read, first_line)
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


def _feed(engine: Engine, source: str, name: str) -> tuple[int, int, str] | None:
    with UnitOfWork(engine) as uow:
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


def _save_position(session, source: str, path: Path, read: ReadResult, first_line: int) -> None:
    lines = first_line - 1 + read.lines_read
    values = {"bytes_read": read.bytes_read, "lines_read": lines,
              "prefix_sha256": _prefix_hash(path, read.bytes_read), "imported_at": utcnow()}
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
