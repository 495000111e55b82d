"""Time the call statistics on SQLite: a queue_log import and the year-to-date figures.

    .venv/bin/python benchmarks/bench_call_stats.py            # make bench does this

* import: ``import_call_log`` of a 1,000,000-line queue_log into a new migrated
  database, as lines per second (the median of ``--import-runs`` runs, each into its own
  new file). Floor: the least any import can cost, measured in the same run: read the
  file as text and split every line on ``|`` (nothing kept), then ``executemany`` the
  attempts the import made into a bare table (no constraints, no indexes) through
  sqlite3, WAL and synchronous=FULL like the app, committed.
* year to date: ``year_to_date(ctx, as_of, Definition())`` over the 2,500,000-attempt
  database, for 31 March (the worst case: a full financial year each side) and 30
  September (mid-year); the median of ``--runs`` runs after a warm-up. Floor: one
  hand-written aggregate per span through sqlite3 over the same rows the app sums (the
  wait histogram, ``call_wait_days``): offered, answered, answered within 21 s and
  abandoned. For reference the same aggregate over the attempts themselves is timed too
  (what the figures would cost without the histogram).

Results go to benchmarks/results/call_stats.json; the exit status is 1 when a target is
missed.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_calls import (  # noqa: E402
    DEFAULT_ATTEMPTS,
    DEFAULT_LINES,
    db_path,
    generate_db,
    generate_log,
    log_path,
)
from timing import timed  # noqa: E402

from contactdesk.auth.credentials import OperatingSystemAccount  # noqa: E402
from contactdesk.auth.sign_in import os_actor  # noqa: E402
from contactdesk.context import ServiceContext  # noqa: E402
from contactdesk.domain.call_metrics import Definition, ytd_spans  # noqa: E402
from contactdesk.persistence.database import Database  # noqa: E402
from contactdesk.persistence.migrations import upgrade_database  # noqa: E402
from contactdesk.services.call_stats import year_to_date  # noqa: E402
from contactdesk.telephony.importer import import_call_log  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "call_stats.json"
TARGET_LINES_PER_S = 300_000  # issue 14: a streaming import at council scale
TARGET_YTD_MS = 200.0
AS_OF = {"late": date(2026, 3, 31), "mid": date(2025, 9, 30)}
ATTEMPT_COLUMNS = ("source", "callid", "queue", "entered_epoch", "local_day", "local_hour",
                   "outcome", "wait_seconds", "talk_seconds", "agent", "ended_epoch")


@dataclass
class Figure:
    name: str
    what: str
    median_ms: float
    min_ms: float
    max_ms: float
    first_ms: float  # the warm-up run (the import: the first run)
    floor_ms: float
    times_floor: float
    target: str
    met: bool
    rate: float = 0.0  # lines per second (import)
    rows: int = 0  # lines read (import) or attempts offered this year + last (ytd)


def context(path: Path) -> ServiceContext:
    """The running account on the SQLite file ``path``, as the command line acts."""
    return ServiceContext(Database.open(f"sqlite:///{path}"), os_actor(OperatingSystemAccount()))


# -- the import ---------------------------------------------------------------

def import_once(template: Path, log: Path, work: Path, n: int) -> tuple[float, object, Path]:
    target = work / f"import-{n}.sqlite3"
    shutil.copy(template, target)
    ctx = context(target)
    try:
        start = time.perf_counter()
        summary = import_call_log(ctx, log)
        elapsed = (time.perf_counter() - start) * 1000
    finally:
        ctx.database.dispose()
    return elapsed, summary, target


def import_floor(log: Path, rows: list[tuple], work: Path) -> tuple[float, float]:
    """(read and split ms, bare executemany + commit ms)."""
    start = time.perf_counter()
    lines = 0
    with open(log, encoding="utf-8", newline="\n") as handle:
        for line in handle:
            line.split("|")
            lines += 1
    read_ms = (time.perf_counter() - start) * 1000
    assert lines > 0
    bare = work / "floor.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{bare}{suffix}").unlink(missing_ok=True)
    con = sqlite3.connect(bare, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute(f"CREATE TABLE attempts ({', '.join(ATTEMPT_COLUMNS)})")
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(f"INSERT INTO attempts VALUES ({', '.join('?' for _ in ATTEMPT_COLUMNS)})", rows)
        con.execute("COMMIT")
        insert_ms = (time.perf_counter() - start) * 1000
    finally:
        con.close()
    return read_ms, insert_ms


def measure_import(log: Path, runs: int, work: Path) -> tuple[Figure, dict]:
    template = work / "migrated.sqlite3"
    upgrade_database(f"sqlite:///{template}")
    with sqlite3.connect(template) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    times, summaries, target = [], [], None
    for n in range(runs):
        elapsed, summary, target = import_once(template, log, work, n)
        times.append(elapsed)
        summaries.append(summary)
        if n < runs - 1:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
    summary = summaries[-1]
    with sqlite3.connect(target) as con:
        rows = con.execute(f"SELECT {', '.join(ATTEMPT_COLUMNS)} FROM call_attempts ORDER BY id").fetchall()
    floors = [import_floor(log, rows, work) for _ in range(runs)]
    read_ms = statistics.median(f[0] for f in floors)
    insert_ms = statistics.median(f[1] for f in floors)
    floor_ms = read_ms + insert_ms
    median = statistics.median(times)
    rate = summary.lines_read / (median / 1000)
    figure = Figure(
        "import: queue_log", f"{summary.lines_read:,} lines, {summary.attempts_created:,} attempts, "
        f"{summary.agent_events:,} agent events into a new migrated SQLite file",
        median, min(times), max(times), times[0], floor_ms, median / floor_ms,
        f">= {TARGET_LINES_PER_S:,} lines/s", rate >= TARGET_LINES_PER_S, rate, summary.lines_read)
    detail = {"read_split_ms": read_ms, "bare_insert_ms": insert_ms, "floor_lines_per_s":
              summary.lines_read / (floor_ms / 1000), "attempts": summary.attempts_created,
              "attempts_waiting": summary.attempts_waiting, "bad_lines": summary.bad_lines}
    return figure, detail


# -- year to date ---------------------------------------------------------------

SUMS = ("SELECT sum(attempts), sum(CASE WHEN outcome = 'answered' THEN attempts ELSE 0 END), "
        "sum(CASE WHEN outcome = 'answered' AND wait_seconds <= 21 THEN attempts ELSE 0 END), "
        "sum(CASE WHEN outcome = 'abandoned' THEN attempts ELSE 0 END) "
        "FROM call_wait_days WHERE source <> 'app' AND outcome IS NOT NULL "
        "AND local_day BETWEEN ? AND ?")
SUMS_ATTEMPTS = ("SELECT count(*), sum(outcome = 'answered'), "
                 "sum(outcome = 'answered' AND wait_seconds <= 21), sum(outcome = 'abandoned') "
                 "FROM call_attempts WHERE source <> 'app' AND outcome IS NOT NULL "
                 "AND local_day BETWEEN ? AND ?")


def raw_ytd(con: sqlite3.Connection, sql: str, as_of: date) -> list[tuple]:
    return [con.execute(sql, (first.isoformat(), last.isoformat())).fetchone()
            for first, last in ytd_spans(as_of)]


def measure_ytd(db: Path, runs: int) -> tuple[list[Figure], dict]:
    ctx = context(db)
    con = sqlite3.connect(db)
    figures, detail = [], {}
    try:
        for key, as_of in AS_OF.items():
            times, first, ytd = timed(lambda as_of=as_of: year_to_date(ctx, as_of, Definition()), runs)
            floor_times, _, raw = timed(lambda as_of=as_of: raw_ytd(con, SUMS, as_of), runs)
            scan_times, _, _ = timed(lambda as_of=as_of: raw_ytd(con, SUMS_ATTEMPTS, as_of), max(3, runs // 3))
            this, last = ytd.this_year.figures.counts, ytd.last_year.figures.counts
            got = [(c.offered, c.answered, c.answered_within, c.abandoned) for c in (this, last)]
            if got != [tuple(r) for r in raw]:
                raise RuntimeError(f"year_to_date {got} differs from the raw sums {raw}")
            median, floor = statistics.median(times), statistics.median(floor_times)
            spans = " and ".join(f"{a} to {b}" for a, b in ytd_spans(as_of))
            figures.append(Figure(
                f"ytd: {key} ({as_of})", f"{spans}: {this.offered:,} and {last.offered:,} offered",
                median, min(times), max(times), first, floor, median / floor,
                f"< {TARGET_YTD_MS:.0f} ms", median < TARGET_YTD_MS, rows=this.offered + last.offered))
            detail[key] = {"as_of": as_of.isoformat(), "raw_attempts_scan_ms": statistics.median(scan_times),
                           "service_level_this_year": ytd.this_year.figures.service_level,
                           "service_level_last_year": ytd.last_year.figures.service_level}
    finally:
        con.close()
        ctx.database.dispose()
    return figures, detail


def table(figures: list[Figure]) -> str:
    lines = [f"{'':28} {'median':>10} {'min':>9} {'max':>9} {'first':>9} {'floor':>9} {'x floor':>8}"
             "  target", "-" * 110]
    for f in figures:
        mark = "ok" if f.met else "MISSED"
        rate = f"  {f.rate:,.0f} lines/s" if f.rate else ""
        lines.append(f"{f.name:28} {f.median_ms:8.1f}ms {f.min_ms:7.1f}ms {f.max_ms:7.1f}ms "
                     f"{f.first_ms:7.1f}ms {f.floor_ms:7.1f}ms {f.times_floor:7.1f}x  "
                     f"{f.target} {mark}{rate}")
        lines.append(f"{'':28} {f.what}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES)
    parser.add_argument("--attempts", type=int, default=DEFAULT_ATTEMPTS)
    parser.add_argument("--runs", type=int, default=15, help="year-to-date runs")
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    log = generate_log(log_path(args.lines), args.lines)
    db = generate_db(db_path(args.attempts), args.attempts)
    with tempfile.TemporaryDirectory(prefix="bench-calls-", dir=db.parent) as folder:
        imported, import_detail = measure_import(log, args.import_runs, Path(folder))
    ytd, ytd_detail = measure_ytd(db, args.runs)
    figures = [imported, *ytd]
    with sqlite3.connect(db) as con:
        attempts = con.execute("SELECT count(*) FROM call_attempts").fetchone()[0]
        histogram = con.execute("SELECT count(*) FROM call_wait_days").fetchone()[0]
    print(f"\n{args.lines:,}-line queue_log {log.name}; {attempts:,} attempts "
          f"({histogram:,} histogram rows) in {db.name} (SQLite {sqlite3.sqlite_version}, "
          f"Python {platform.python_version()}; import {args.import_runs} runs, "
          f"year to date {args.runs} runs)\n")
    print(table(figures))
    print(f"import floor: read and split {import_detail['read_split_ms']:.0f} ms + bare executemany "
          f"{import_detail['bare_insert_ms']:.0f} ms = {import_detail['floor_lines_per_s']:,.0f} lines/s")
    for key, d in ytd_detail.items():
        print(f"ytd {key}: the same sums over the attempts themselves (no histogram) "
              f"{d['raw_attempts_scan_ms']:.0f} ms")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "lines": args.lines, "attempts": attempts, "histogram_rows": histogram,
        "runs": args.runs, "import_runs": args.import_runs, "sqlite": sqlite3.sqlite_version,
        "python": platform.python_version(), "machine": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "targets": {"import_lines_per_s": TARGET_LINES_PER_S, "ytd_ms": TARGET_YTD_MS},
        "import": import_detail, "ytd": ytd_detail,
        "figures": [asdict(f) for f in figures],
    }, indent=2) + "\n")
    print(f"\nwrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
