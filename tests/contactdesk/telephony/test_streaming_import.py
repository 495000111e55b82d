"""A queue_log import streams: batches committed one by one, memory bounded, a killed
import resumed where its last batch left off, calls joined across batch boundaries."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from contactdesk.persistence.database import Database
from contactdesk.persistence.models import CallAttempt, TelephonyFeed
from contactdesk.telephony import importer, queue_log
from contactdesk.telephony.importer import ImportRunning, import_call_log
from tests.contactdesk.cli.helpers import ROOT
from tests.helpers.contexts import context_for

from .test_concurrent_imports import PausedImport, counted
from .test_import_robustness import calls, feed_position, stored

T0 = 1715587200  # 13 May 2024 08:00 UTC


@pytest.fixture
def sqlite_ctx(fresh_database_url):
    database = Database.open(fresh_database_url("sqlite"))
    yield context_for(database, "admin", "test.admin", "Test Admin")
    database.dispose()


def small_batches(monkeypatch, block: int = 4096, batch: int = 16_384) -> None:
    monkeypatch.setattr(queue_log, "BLOCK_BYTES", block)
    monkeypatch.setattr(queue_log, "BATCH_BYTES", batch)


def peak_memory(ctx, log, source: str) -> int:
    tracemalloc.start()
    try:
        summary = import_call_log(ctx, log, source=source)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert summary.bad_lines == 0


def test_memory_stays_bounded_when_the_file_is_five_times_larger(sqlite_ctx, tmp_path, monkeypatch):
    small_batches(monkeypatch, block=16_384, batch=65_536)
    small, large = tmp_path / "small.log", tmp_path / "large.log"
    small.write_bytes(calls(T0, 4_000))
    large.write_bytes(calls(T0, 20_000, prefix="big"))
    import_call_log(sqlite_ctx, small, source="warm-up")  # first-use caches of the database code
    small_peak = peak_memory(sqlite_ctx, small, "small")
    large_peak = peak_memory(sqlite_ctx, large, "large")
    assert counted(sqlite_ctx)[0] == 4_000 + 4_000 + 20_000
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)  # held whole: about 5x


def test_another_desk_writes_between_batches_of_a_long_import(sqlite_ctx, tmp_path, monkeypatch):
    small_batches(monkeypatch)
    log = tmp_path / "queue_log"
    log.write_bytes(calls(T0, 3_000))
    paused, go_on = threading.Event(), threading.Event()

    def progress(done: int, _total: int) -> None:
        if done >= 3 * queue_log.BATCH_BYTES and not paused.is_set():
            paused.set()  # two batches or more are committed; the next is being read
            go_on.wait(30)

    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(
        summary=import_call_log(sqlite_ctx, log, progress=progress)))
    worker.start()
    try:
        assert paused.wait(30)
        path = make_url(str(sqlite_ctx.engine.url)).database
        other = sqlite3.connect(path, timeout=0.5, isolation_level=None)  # a desk: waits 0.5 s at most
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO settings (key, value) VALUES ('desk.note', 'saved')")
            other.execute("COMMIT")
            so_far = other.execute("SELECT count(*) FROM call_attempts").fetchone()[0]
        finally:
            other.close()
    finally:
        go_on.set()
        worker.join(60)
    assert 0 < so_far < 3_000  # the committed batches were visible to the other desk
    assert result["summary"].attempts_created == 3_000 and counted(sqlite_ctx) == (3_000, 3_000)


KILLED_IMPORT = """
import os, signal, sys
from contactdesk.auth.credentials import OperatingSystemAccount
from contactdesk.auth.sign_in import os_actor
from contactdesk.context import ServiceContext
from contactdesk.persistence.database import Database
from contactdesk.telephony import queue_log
from contactdesk.telephony.importer import import_call_log

queue_log.BLOCK_BYTES, queue_log.BATCH_BYTES = 1000, 3000
stop_at = int(sys.argv[3])

def progress(done, total):
    if done >= stop_at:
        os.kill(os.getpid(), signal.SIGKILL)

ctx = ServiceContext(Database.open(sys.argv[1]), os_actor(OperatingSystemAccount()))
import_call_log(ctx, sys.argv[2], source="pbx", progress=progress)
"""


def test_an_import_killed_between_batches_resumes_without_counting_twice(ctx, db_url, tmp_path):
    log = tmp_path / "queue_log"
    log.write_bytes(calls(T0, 300))  # 900 lines, some 62 KB: about twenty batches
    environment = {k: v for k, v in os.environ.items() if k != "CONTACTDESK_DATABASE_URL"}
    run = subprocess.run([sys.executable, "-c", KILLED_IMPORT, db_url, str(log), "31000"],
                         cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr
    position, lines = feed_position(ctx)
    assert 0 < position < log.stat().st_size and 0 < lines < 900
    kept = counted(ctx)[0]
    assert 0 < kept < 300
    resumed = import_call_log(ctx, log, source="pbx")
    assert (resumed.first_line, resumed.lines_read) == (lines + 1, 900 - lines)
    assert (resumed.bad_lines, resumed.duplicates_skipped) == (0, 0)
    assert resumed.attempts_created == 300 - kept
    whole = import_call_log(ctx, log, source="whole")
    assert stored(ctx, "pbx") == stored(ctx, "whole") and len(stored(ctx, "pbx")) == 300
    with ctx.uow() as uow:
        open_calls = uow.session.scalar(select(func.count()).select_from(CallAttempt).where(
            CallAttempt.source == "pbx", CallAttempt.talk_seconds.is_(None)))
        positions = uow.session.execute(select(TelephonyFeed.source, TelephonyFeed.bytes_read)
                                        .order_by(TelephonyFeed.source)).all()
    assert open_calls == 0 and whole.attempts_created == 300
    assert positions == [("pbx", log.stat().st_size), ("whole", log.stat().st_size)]


def spanning_log() -> bytes:
    """A caller who waits through many batches while 400 short calls come and go, answered
    then talking through many more; and one still waiting when the log ends."""
    lines = [f"{T0}|long|council-main|NONE|ENTERQUEUE||07700900001|1"]
    for n in range(400):
        t = T0 + 1 + n
        lines += [f"{t}|short-{n}|council-main|NONE|ENTERQUEUE||07700900{n:03d}|2",
                  f"{t}|short-{n}|council-main|NONE|ABANDON|2|2|0"]
        if n == 200:
            lines.append(f"{t}|long|council-main|PJSIP/201|CONNECT|201|long.1|3")
    lines += [f"{T0 + 500}|long|council-main|PJSIP/201|COMPLETEAGENT|201|299|1",
              f"{T0 + 501}|late|council-main|NONE|ENTERQUEUE||07700900002|1"]
    return ("\n".join(lines) + "\n").encode()


def test_a_call_spanning_batches_is_joined_and_counted_as_one_read(ctx, tmp_path, monkeypatch):
    log = tmp_path / "queue_log"
    log.write_bytes(spanning_log())
    whole = import_call_log(ctx, log, source="whole")
    small_batches(monkeypatch, block=512, batch=1)  # every block of some 8 lines a batch
    batched = import_call_log(ctx, log, source="batched")
    fields = ("lines_read", "events", "attempts_created", "attempts_closed", "attempts_waiting",
              "duplicates_skipped", "bad_lines")
    assert [getattr(batched, f) for f in fields] == [getattr(whole, f) for f in fields] == \
        [804, 804, 402, 401, 1, 0, 0]
    assert stored(ctx, "batched") == stored(ctx, "whole")
    long_call = {row for row in stored(ctx, "batched") if row[0] == "long"}
    assert long_call == {("long", "council-main", T0, "answered", 201, 299, "PJSIP/201", T0 + 500)}
    assert counted(ctx) == (2 * 402, 2 * 402)


def test_a_second_import_of_a_sqlite_feed_says_so_when_the_first_holds_it_too_long(
        sqlite_ctx, tmp_path, monkeypatch):
    log = tmp_path / "queue_log"
    log.write_bytes(calls(T0, 3))
    monkeypatch.setattr(importer, "IMPORT_WAIT_S", 0.5)
    first = PausedImport(sqlite_ctx, log)
    try:
        with pytest.raises(ImportRunning, match="an import of queue_log .asterisk. is already running"):
            import_call_log(sqlite_ctx, log)
        # Another source is another feed: it goes ahead while the first is held.
        assert import_call_log(sqlite_ctx, log, source="pbx-b").attempts_created == 3
    finally:
        done = first.finish()
    assert done.attempts_created == 3 and counted(sqlite_ctx) == (6, 6)
    database = Path(make_url(str(sqlite_ctx.engine.url)).database)
    assert not list(database.parent.glob(f"{database.name}-import-*"))  # held no longer, none left
