"""Imports no file can break: bounded memory, a position kept, impossible times, batches."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from contactdesk.persistence.models import CallAttempt, TelephonyFeed
from contactdesk.services.call_stats import StatsQuery, call_stats
from contactdesk.telephony import queue_log
from contactdesk.telephony.importer import import_call_log
from tests.helpers.contexts import context_for

from .test_sample_figures import DAY, SAMPLE

MB = 1 << 20
TOO_LONG = "longer than 64 KiB: not a queue_log line"


def calls(first_epoch: int, count: int, prefix: str = "call") -> bytes:
    """``count`` answered calls a minute apart: entry, answer after 5 s, 60 s of talk."""
    lines = []
    for n in range(count):
        t, callid = first_epoch + 60 * n, f"{prefix}-{n}"
        lines += [f"{t}|{callid}|council-main|NONE|ENTERQUEUE||07700900{n % 1000:03d}|1",
                  f"{t + 5}|{callid}|council-main|PJSIP/201|CONNECT|5|{callid}.1|2",
                  f"{t + 65}|{callid}|council-main|PJSIP/201|COMPLETECALLER|5|60|1"]
    return ("\n".join(lines) + "\n").encode()


def feed_position(ctx, name: str = "queue_log") -> tuple[int, int]:
    with ctx.uow() as uow:
        return tuple(uow.session.execute(
            select(TelephonyFeed.bytes_read, TelephonyFeed.lines_read)
            .where(TelephonyFeed.file_name == name)).one())


def stored(ctx, source: str) -> set[tuple]:
    a = CallAttempt
    with ctx.uow() as uow:
        return set(uow.session.execute(
            select(a.callid, a.queue, a.entered_epoch, a.outcome, a.wait_seconds,
                   a.talk_seconds, a.agent, a.ended_epoch).where(a.source == source)).all())


@pytest.mark.parametrize("shape", ["no line end", "long lines"])
def test_a_200_mb_file_of_junk_imports_in_bounded_memory_within_seconds(ctx, tmp_path, shape):
    log = tmp_path / "queue_log"
    piece = b"x" * MB if shape == "no line end" else b"y" * (MB - 1) + b"\n"
    with log.open("wb") as handle:
        for _ in range(200):
            handle.write(piece)
    import_call_log(ctx, SAMPLE, source="warm-up")  # first-use caches of the database code
    tracemalloc.start()
    try:
        started = time.perf_counter()
        summary = import_call_log(ctx, log)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    lines = 1 if shape == "no line end" else 200
    assert (summary.lines_read, summary.bad_lines, summary.events) == (lines, lines, 0)
    assert summary.problems[0] == (1, TOO_LONG) and not summary.unfinished_line
    assert peak < 4 * MB, f"peak {peak / MB:.1f} MB above the baseline"
    assert elapsed < 10
    assert feed_position(ctx) == (200 * MB, lines)

    # The next import starts after the junk: the rest of an endless line is skipped.
    with log.open("ab") as handle:
        handle.write((b"the end of that line\n" if shape == "no line end" else b"") +
                     calls(1715587200, 2))
    again = import_call_log(ctx, log)
    assert (again.first_line, again.lines_read, again.bad_lines, again.attempts_created) == (
        lines + 1, 6, 0, 2)
    log.unlink()


def test_a_file_of_only_bad_lines_still_moves_the_position_on(ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_bytes(b"garbage\n\x00\x01\x02\n5|boot|main|NONE|ENTERQUEUE||1|1\n")
    first = import_call_log(ctx, log)
    assert (first.lines_read, first.bad_lines, first.events) == (3, 3, 0)
    assert feed_position(ctx) == (log.stat().st_size, 3)
    with log.open("ab") as handle:
        handle.write(calls(1715587200, 2))
    second = import_call_log(ctx, log)
    assert (second.first_line, second.lines_read, second.bad_lines) == (4, 6, 0)
    assert (second.attempts_created, second.attempts_closed) == (2, 2)
    assert call_stats(ctx, StatsQuery(DAY, DAY)).figures.counts.answered == 2
    assert feed_position(ctx) == (log.stat().st_size, 9)


def test_calls_stamped_before_2000_or_in_the_future_are_bad_lines_in_both_formats(
        database, tmp_path):
    now = datetime(2026, 5, 13, 12, 0, tzinfo=UTC)
    ctx = context_for(database, "admin", "test.admin", clock=lambda: now)
    ahead = int(now.timestamp()) + 86_400
    log = tmp_path / "queue_log"
    log.write_text("5|boot|main|NONE|ENTERQUEUE||1|1\n"
                   "10|boot|main|NONE|ABANDON|1|1|5\n"
                   "1715587200|ok|main|NONE|ENTERQUEUE||1|1\n"
                   "1715587203|ok|main|NONE|ABANDON|1|1|3\n"
                   f"{ahead + 3600}|later|main|NONE|ENTERQUEUE||1|1\n"
                   "20|NONE|NONE|NONE|QUEUESTART|\n")
    summary = import_call_log(ctx, log)
    assert summary.problems == (
        (1, "stamped 1970-01-01 00:00:05, before 2000: is the PBX clock set?"),
        (2, "stamped 1970-01-01 00:00:10, before 2000: is the PBX clock set?"),
        (5, "stamped 2026-05-14 13:00:00, more than a day in the future: is the PBX clock set?"),
        (6, "stamped 1970-01-01 00:00:20, before 2000: is the PBX clock set?"),
    )
    assert {row[0] for row in stored(ctx, "asterisk")} == {"ok"}
    assert summary.agent_events == 0 and "line 1: stamped 1970" in "\n".join(summary.lines())

    export = tmp_path / "calls.csv"
    export.write_text("call_id,queue,entered,outcome,wait_seconds\n"
                      "c1,main,1999-12-31T23:00:00Z,abandoned,4\n"
                      "c2,main,2026-05-13T09:00:00Z,abandoned,4\n"
                      "c3,main,2026-05-15T09:00:00Z,abandoned,4\n")
    rows = import_call_log(ctx, export, fmt="csv")
    assert (rows.attempts_created, rows.events, rows.bad_lines) == (1, 1, 2)
    assert rows.problems == (
        (2, "stamped 1999-12-31 23:00:00, before 2000: is the PBX clock set?"),
        (4, "stamped 2026-05-15 09:00:00, more than a day in the future: is the PBX clock set?"))


def test_a_log_read_in_tiny_blocks_and_batches_stores_what_one_read_stores(ctx, monkeypatch):
    whole = import_call_log(ctx, SAMPLE, source="whole")
    monkeypatch.setattr(queue_log, "BLOCK_BYTES", 37)  # lines cut across blocks
    monkeypatch.setattr(queue_log, "BATCH_BYTES", 1)  # every block a batch of its own
    batched = import_call_log(ctx, SAMPLE, source="batched")
    fields = ("lines_read", "events", "attempts_created", "attempts_closed", "attempts_waiting",
              "duplicates_skipped", "agent_events", "ignored_events", "bad_lines")
    assert [getattr(batched, f) for f in fields] == [getattr(whole, f) for f in fields]
    assert stored(ctx, "batched") == stored(ctx, "whole") and len(stored(ctx, "whole")) == 11
    assert call_stats(ctx, StatsQuery(DAY, DAY, source="batched")).figures.as_dict() == \
        call_stats(ctx, StatsQuery(DAY, DAY, source="whole")).figures.as_dict()


def test_outcomes_of_many_calls_left_waiting_by_an_earlier_import_all_land(ctx, tmp_path):
    log, t = tmp_path / "queue_log", 1715587200
    log.write_text("".join(f"{t + n}|w{n}|council-main|NONE|ENTERQUEUE||1|1\n" for n in range(1200)))
    assert import_call_log(ctx, log).attempts_waiting == 1200
    with log.open("a") as handle:
        handle.write("".join(f"{t + 1300 + n}|w{n}|council-main|NONE|ABANDON|1|1|{n % 60}\n"
                             for n in range(1200)))
        handle.write(f"{t + 2600}|w5|council-main|NONE|ABANDON|1|1|9\n")  # the first outcome stands
    second = import_call_log(ctx, log)
    assert (second.attempts_closed, second.duplicates_skipped, second.bad_lines) == (1200, 1, 0)
    figures = call_stats(ctx, StatsQuery(DAY, DAY)).figures
    assert (figures.counts.abandoned, figures.counts.unresolved) == (1200, 0)
    assert figures.average_abandon_seconds == pytest.approx(29.5)
