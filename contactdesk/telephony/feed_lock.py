"""The hold one import keeps on its feed (source and file) across all its batches.

An import commits batch by batch, so no transaction spans it: the hold lives
beside the transactions. On PostgreSQL it is a session-level advisory lock on a
connection of its own; on SQLite (a local file, by rule) an operating-system
lock on a small file beside the database. Both are released by the server or
the system if the importing process dies, so a killed import never leaves its
feed held. A second import of the feed tries again for a bounded time, then says
the first is still running. The lock file goes when the import ends; one that
another import removed while this one waited for it is opened anew.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from ..domain.errors import ContactDeskError

FEED_LOCK_SPACE = 7_301_020  # first key of every feed's advisory lock (PostgreSQL)

_in_memory_held: set[tuple[str, int]] = set()  # feeds held in a database with no file
_in_memory_guard = threading.Lock()


def feed_lock_key(source: str, name: str) -> tuple[int, int]:
    """The two keys of the PostgreSQL advisory lock an import of this feed holds."""
    digest = hashlib.sha256(f"{source}\x00{name}".encode()).digest()
    return FEED_LOCK_SPACE, int.from_bytes(digest[:4], "big", signed=True)


@contextmanager
def feed_held(engine: Engine, source: str, name: str, wait_s: float,
              refuse: Callable[[], Exception]) -> Iterator[None]:
    """Hold the feed for the block; raise ``refuse()`` when it stays held for ``wait_s``."""
    space, key = feed_lock_key(source, name)
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, space, key, wait_s, refuse):
            yield
        return
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        with _in_memory_lock((str(engine.url), key), wait_s, refuse):
            yield
        return
    with _file_lock(Path(f"{database}-import-{key & 0xFFFFFFFF:08x}.lock"), wait_s, refuse):
        yield


def _retry(attempt: Callable[[], bool], wait_s: float, refuse: Callable[[], Exception]) -> None:
    deadline = time.monotonic() + wait_s
    pause = 0.05
    while not attempt():
        if time.monotonic() >= deadline:
            raise refuse()
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


@contextmanager
def _advisory_lock(engine: Engine, space: int, key: int, wait_s: float,
                   refuse: Callable[[], Exception]) -> Iterator[None]:
    params = {"space": space, "key": key}
    connection = engine.connect()
    try:
        def take() -> bool:
            got = connection.scalar(text("SELECT pg_try_advisory_lock(CAST(:space AS integer), "
                                         "CAST(:key AS integer))"), params)
            connection.commit()  # the lock is the session's: it outlives the transaction
            return bool(got)

        _retry(take, wait_s, refuse)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(CAST(:space AS integer), "
                                    "CAST(:key AS integer))"), params)
            connection.commit()
    except BaseException:
        connection.invalidate()  # never hand a connection that may still hold the lock back
        raise
    finally:
        connection.close()


@contextmanager
def _in_memory_lock(held: tuple[str, int], wait_s: float,
                    refuse: Callable[[], Exception]) -> Iterator[None]:
    def take() -> bool:
        with _in_memory_guard:
            if held in _in_memory_held:
                return False
            _in_memory_held.add(held)
            return True

    _retry(take, wait_s, refuse)
    try:
        yield
    finally:
        with _in_memory_guard:
            _in_memory_held.discard(held)


@contextmanager
def _file_lock(path: Path, wait_s: float, refuse: Callable[[], Exception]) -> Iterator[None]:
    # Each import opens the file itself, so two threads of one process exclude each other too.
    held: list = []

    def take() -> bool:
        try:
            handle = open(path, "a+b")  # noqa: SIM115 - closed on release
        except OSError as exc:
            raise ContactDeskError(f"cannot create {path.name} beside the database to hold the "
                                   f"import: {exc.strerror or exc}") from None
        if _try_lock(handle.fileno()) and _still_at(path, handle.fileno()):
            held.append(handle)
            return True
        handle.close()  # held by another, or removed by the holder that just finished
        return False

    _retry(take, wait_s, refuse)
    handle = held[0]
    try:
        yield
    finally:
        if sys.platform != "win32":  # an open file cannot be removed there: it stays, empty
            path.unlink(missing_ok=True)  # while locked: a waiter sees it gone and opens anew
        _unlock(handle.fileno())
        handle.close()


def _still_at(path: Path, fd: int) -> bool:
    """The locked file is still the one at ``path`` (not removed by the import before)."""
    try:
        named, opened = os.stat(path), os.fstat(fd)
    except FileNotFoundError:
        return False
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
