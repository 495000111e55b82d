"""Two imports of one feed at once: the second waits for the first, nothing counts twice."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading

import pytest
from sqlalchemy import func, select

from contactdesk.persistence.database import Database
from contactdesk.persistence.models import CallAttempt, CallWaitDay, TelephonyFeed
from contactdesk.telephony import importer
from contactdesk.telephony.importer import ImportRunning, import_call_log
from tests.contactdesk.cli.helpers import ROOT
from tests.helpers.contexts import context_for

from .test_import_robustness import calls


class PausedImport:
    """An import on a thread that stops after its first block, holding its feed, until told."""

    def __init__(self, ctx, log) -> None:
        self.reading, self._go_on = threading.Event(), threading.Event()
        self.summary, self.error = None, None
        self._thread = threading.Thread(target=self._run, args=(ctx, log))
        self._thread.start()
        assert self.reading.wait(30), self.error

    def _progress(self, done: int, total: int) -> None:
        if not self.reading.is_set():
            self.reading.set()
            self._go_on.wait(30)

    def _run(self, ctx, log) -> None:
        try:
            self.summary = import_call_log(ctx, log, progress=self._progress)
        except Exception as exc:  # handed to the test, which fails on it
            self.error = exc
            self.reading.set()

    def finish(self):
        self._go_on.set()
        self._thread.join(30)
        assert self.error is None, self.error
        return self.summary


def counted(ctx) -> tuple[int, int]:
    """(attempts stored, attempts in the wait histogram the figures are summed from)."""
    with ctx.uow() as uow:
        return (uow.session.scalar(select(func.count()).select_from(CallAttempt)),
                uow.session.scalar(select(func.coalesce(func.sum(CallWaitDay.attempts), 0))))


def test_a_second_import_waits_for_the_first_then_reads_only_what_it_left(ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_bytes(calls(1715587200, 3))
    first = PausedImport(ctx, log)
    second: dict = {}

    def run_second() -> None:
        try:
            second["summary"] = import_call_log(ctx, log)
        except Exception as exc:
            second["error"] = exc

    thread = threading.Thread(target=run_second)
    thread.start()
    thread.join(1.0)
    assert thread.is_alive(), second  # held back while the first holds the feed
    done = first.finish()
    thread.join(30)
    assert "error" not in second, second
    later = second["summary"]
    assert (done.first_line, done.lines_read, done.attempts_created) == (1, 9, 3)
    assert (later.first_line, later.lines_read, later.attempts_created) == (10, 0, 0)
    assert counted(ctx) == (3, 3)


def test_an_import_says_so_when_another_holds_the_feed_too_long(fresh_database_url, tmp_path,
                                                                monkeypatch):
    database = Database.open(fresh_database_url("postgresql"))
    try:
        ctx = context_for(database, "admin", "test.admin")
        log = tmp_path / "queue_log"
        log.write_bytes(calls(1715587200, 3))
        monkeypatch.setattr(importer, "IMPORT_WAIT_S", 0.5)
        first = PausedImport(ctx, log)
        try:
            with pytest.raises(ImportRunning) as refused:
                import_call_log(ctx, log)
        finally:
            done = first.finish()
        assert str(refused.value) == ("an import of queue_log (asterisk) is already running; "
                                      "try again when it finishes")
        assert done.attempts_created == 3 and counted(ctx) == (3, 3)
        # Another file, or the same file for another source, is another feed: no wait.
        other = PausedImport(ctx, log)
        try:
            assert import_call_log(ctx, log, source="pbx-b").attempts_created == 3
        finally:
            other.finish()
    finally:
        database.dispose()


def test_two_commands_importing_one_file_at_once_count_each_attempt_once(db_url, engine, tmp_path):
    log = tmp_path / "queue_log"
    log.write_bytes(calls(1715587200, 20_000))  # 60,000 lines: long enough to overlap
    environment = {k: v for k, v in os.environ.items() if k != "CONTACTDESK_DATABASE_URL"}
    command = [sys.executable, "-m", "contactdesk", "--db", db_url, "import-calls", str(log)]
    runs = [subprocess.Popen(command, cwd=ROOT, env=environment, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    read = sorted(int(re.search(r"(\d+) lines read", out).group(1)) for out, _err in outputs)
    created = sorted(int(re.search(r"attempts: (\d+) new", out).group(1)) for out, _err in outputs)
    assert (read, created) == ([0, 60_000], [0, 20_000])
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(CallAttempt)) == 20_000
        assert connection.scalar(select(func.sum(CallWaitDay.attempts))) == 20_000
        assert connection.execute(select(TelephonyFeed.bytes_read, TelephonyFeed.lines_read)
                                  ).one() == (log.stat().st_size, 60_000)
