"""Every hot path timed through the app's own code beside its floor, on one database.

A floor is the cheapest raw SQL (through the plain driver, sqlite3 or psycopg)
giving the same answer on the same data, timed in the same run. Paths whose
figure is memory, or whose cost is a whole process, run in a child process
(``bench_child.py``) so that its peak memory is theirs alone.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from bench_data import is_postgres, raw_connect
from results_md import Row, Target
from timing import timed

from contactdesk.auth.credentials import OperatingSystemAccount
from contactdesk.auth.sign_in import os_actor
from contactdesk.context import ServiceContext
from contactdesk.domain.call_metrics import Definition, ytd_spans
from contactdesk.dtos.cases import CaseQuery
from contactdesk.dtos.stats import StatsQuery
from contactdesk.persistence.database import Database
from contactdesk.services.call_stats import call_stats, year_to_date
from contactdesk.services.callers import caller_history
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.case_search import search_cases
from contactdesk.services.reports import daily_report, performance_report

HERE = Path(__file__).resolve().parent
BUSY_DAY = date(2026, 3, 2)  # a Monday in the last month of the data
YEAR_FROM, YEAR_TO = date(2025, 4, 1), date(2026, 3, 31)
LIST_COLUMNS = ("SELECT c.id, c.reference, c.received_at, c.status, cat.name, s.name, cl.name, "
                "c.location, c.postcode, c.due_at, cl.phone_e164 FROM cases c "
                "JOIN categories cat ON cat.id = c.category_id "
                "JOIN services s ON s.id = c.service_id "
                "LEFT JOIN callers cl ON cl.id = c.caller_id ")
NEWEST = " ORDER BY c.received_at DESC, c.id DESC LIMIT 200"
WAIT_SUMS = ("SELECT sum(attempts), sum(CASE WHEN outcome = 'answered' THEN attempts ELSE 0 END), "
             "sum(CASE WHEN outcome = 'answered' AND wait_seconds <= 21 THEN attempts ELSE 0 END), "
             "sum(CASE WHEN outcome = 'abandoned' THEN attempts ELSE 0 END) "
             "FROM call_wait_days WHERE local_day BETWEEN ? AND ?")
# The year to date reads the daily rollup (one row per source, day and queue).
ROLLUP_SUMS = ("SELECT sum(offered), sum(answered), sum(answered_within_21s), sum(abandoned) "
               "FROM daily_call_rollup WHERE local_day BETWEEN ? AND ?")


class Bench:
    """The app (a service context) and the floor (a raw connection) on one database."""

    def __init__(self, url: str, database: str, cases: int, runs: int):
        self.url, self.database, self.cases, self.runs = url, database, cases, runs
        self.ctx = ServiceContext(Database.open(url), os_actor(OperatingSystemAccount()))
        self.raw = raw_connect(url)
        self.rows: list[Row] = []

    def close(self) -> None:
        self.raw.close()
        self.ctx.database.dispose()

    def sql(self, query: str, params: tuple = ()) -> list:
        if is_postgres(self.url):
            query = query.replace("?", "%s")
        return self.raw.execute(query, params).fetchall()

    def time(self, name: str, target: Target | None, app: Callable[[], object],
             floor: Callable[[], object] | None, what: str = "", runs: int | None = None,
             unit: str = "ms") -> object:
        runs = runs or self.runs
        times, _, result = timed(app, runs)
        floor_ms = statistics.median(timed(floor, runs)[0]) if floor else None
        scale = 1000 if unit == "s" else 1
        self.rows.append(Row(self.database, self.cases, name, statistics.median(times) / scale,
                             min(times) / scale, max(times) / scale, unit,
                             None if floor_ms is None else floor_ms / scale, target, what))
        return result

    # -- the hot paths ------------------------------------------------------------------

    def case_list(self) -> None:
        first = self.time("case list: first page", Target("ratio", 2),
                          lambda: search_cases(self.ctx, CaseQuery()),
                          lambda: self.sql(LIST_COLUMNS + NEWEST), "200 newest cases, no filter")
        last = self.sql(LIST_COLUMNS + NEWEST)[-1]
        self.time("case list: next page", Target("ratio", 2),
                  lambda: search_cases(self.ctx, CaseQuery(), first.next),
                  lambda: self.sql(LIST_COLUMNS + "WHERE (c.received_at, c.id) < (?, ?)" + NEWEST,
                                   (last[2], last[0])), "the 200 after those (keyset)")

    def searches(self) -> dict[str, str]:
        typed = self._typed()
        found = "SELECT c.id FROM cases c "
        newest = " ORDER BY c.received_at DESC, c.id DESC LIMIT 201"
        prefix = typed["reference prefix"]
        floors = {
            "reference": (found + "WHERE c.reference = ?", (typed["reference"],)),
            "reference prefix": (found + "WHERE c.reference >= ? AND c.reference < ?" + newest,
                                 (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1))),
            "phone": (found + "JOIN callers cl ON cl.id = c.caller_id WHERE cl.phone_e164 = ?"
                      + newest, (typed["phone e164"],)),
            "name": (found + "WHERE c.caller_id IN (SELECT caller_id FROM caller_name_words "
                     "WHERE word = ?)" + newest, (typed["name"].lower(),)),
            "street": (found + "WHERE c.id IN (SELECT case_id FROM case_location_words "
                       "WHERE word = ?)" + newest, (typed["street"].split()[0].lower(),)),
            "postcode": (found + "WHERE c.postcode >= ? AND c.postcode < ?" + newest,
                         (typed["postcode range"], typed["postcode range"][:-1]
                          + chr(ord(typed["postcode range"][-1]) + 1))),
        }
        targets = {"reference prefix": Target("ratio", 2), "postcode": Target("ratio", 2)}
        for key, (query, params) in floors.items():
            text = typed[key]
            self.time(f"search: {key}", targets.get(key, Target("max", 100)),
                      lambda text=text: search_cases(self.ctx, CaseQuery(text=text)),
                      lambda query=query, params=params: self.sql(query, params), f"typed '{text}'")
        return typed

    def _typed(self) -> dict[str, str]:
        """What an agent types, taken from the middle of the data (the same every run)."""
        middle = self.cases // 2
        reference = self.sql("SELECT reference FROM cases WHERE id = ?", (middle,))[0][0]
        phone_raw, e164 = self.sql(
            "SELECT phone_raw, phone_e164 FROM callers WHERE phone_e164 LIKE ? AND id >= ? "
            "ORDER BY id LIMIT 1", ("+441709%", middle // 3))[0]  # a landline, said aloud
        name = [n for (n,) in self.sql("SELECT name FROM callers WHERE id >= ? ORDER BY id "
                                       "LIMIT 50", (middle // 2,)) if len(n.split()) == 2][0]
        location, postcode = [r for r in self.sql(
            "SELECT location, postcode FROM cases WHERE id >= ? AND location IS NOT NULL "
            "AND postcode IS NOT NULL ORDER BY id LIMIT 50", (middle,)) if r[0][0].isdigit()][0]
        outward, inward = postcode.split()
        return {"reference": reference, "reference prefix": reference[:-2],
                "phone": phone_raw, "phone e164": e164, "name": name.split()[-1],
                "street": location.split(",")[0].split(" ", 1)[1],
                "postcode": f"{outward.lower()} {inward[0]}",
                "postcode range": f"{outward} {inward[0]}"}

    def caller_history(self, e164: str) -> None:
        self.time("caller history", Target("max", 100),
                  lambda: caller_history(self.ctx, e164),
                  lambda: (self.sql("SELECT id, name FROM callers WHERE phone_e164 = ? "
                                    "ORDER BY id DESC LIMIT 1", (e164,)),
                           self.sql("SELECT k.id, k.started_at FROM calls k WHERE k.caller_id IN "
                                    "(SELECT id FROM callers WHERE phone_e164 = ?) "
                                    "ORDER BY k.started_at DESC LIMIT 10", (e164,))),
                  "a landline caller's recent calls and open cases")

    def call_save(self) -> None:
        saves = iter(range(10**6))

        def save():
            n = next(saves)
            return log_call(self.ctx, CallInput(
                caller_phone=f"07700 9{n % 100000:05d}", caller_name="Benchmark Caller",
                address=f"{n % 180 + 1} Wellgate, Rotherham", postcode="S60 2TH",
                category="Fly tipping", description="Mattress dumped on the verge"))
        self.time("call save", Target("max", 50), save, self._insert_floor(),
                  "a new caller, call and case, committed (log_call)")

    def _insert_floor(self) -> Callable[[], object]:
        """One raw row inserted and committed: the least any save can cost."""
        key = "serial" if is_postgres(self.url) else "INTEGER"  # both: ids made by the database
        self.raw.execute(f"CREATE TABLE IF NOT EXISTS bench_floor (id {key} PRIMARY KEY, at TEXT)")

        def write():
            if is_postgres(self.url):
                with self.raw.transaction():
                    self.raw.execute("INSERT INTO bench_floor (at) VALUES (now()::text)")
            else:
                self.raw.execute("BEGIN IMMEDIATE")
                self.raw.execute("INSERT INTO bench_floor (at) VALUES (datetime('now'))")
                self.raw.execute("COMMIT")
        return write

    def statistics(self) -> None:
        day = BUSY_DAY.isoformat()
        self.time("a day's statistics", Target("max", 100),
                  lambda: call_stats(self.ctx, StatsQuery(BUSY_DAY, BUSY_DAY, by="hour")),
                  lambda: self.sql(WAIT_SUMS, (day, day)), f"{day} by hour")
        as_of = date(2026, 3, 31)
        spans = [(a.isoformat(), b.isoformat()) for a, b in ytd_spans(as_of)]
        self.time("year to date", Target("max", 20),
                  lambda: year_to_date(self.ctx, as_of, Definition()),
                  lambda: [self.sql(ROLLUP_SUMS, span) for span in spans],
                  f"as of {as_of}: a full financial year each side")

    def reports(self, folder: Path) -> None:
        start = f"{BUSY_DAY - timedelta(days=1)} 23:00"
        end = f"{BUSY_DAY + timedelta(days=1)} 01:00"
        runs = max(3, self.runs // 3)
        self.time("daily summary PDF", Target("max", 0.5, "s"),
                  lambda: daily_report(self.ctx, BUSY_DAY, folder / "daily.pdf"),
                  lambda: (self.sql("SELECT count(*) FROM calls WHERE started_at BETWEEN ? AND ?",
                                    (start, end)), _floor_pdf(folder / "floor.pdf")),
                  f"{BUSY_DAY}", runs=runs, unit="s")
        self.time("performance report PDF", Target("max", 2, "s"),
                  lambda: performance_report(self.ctx, YEAR_FROM, YEAR_TO, folder / "perf.pdf"),
                  lambda: (self.sql("SELECT service_id, count(*) FROM cases WHERE received_at "
                                    "BETWEEN ? AND ? GROUP BY service_id",
                                    (f"{YEAR_FROM}", f"{YEAR_TO} 23:59")),
                           _floor_pdf(folder / "floor.pdf")),
                  f"{YEAR_FROM} to {YEAR_TO} beside the year before", runs=runs, unit="s")

    def subject_access(self, phone: str, e164: str) -> None:
        try:
            from contactdesk.services.subject_access import find_subject
        except ImportError:
            return
        # The floor: the caller's cases by number, and one scan of each free-text column for
        # the number's digits (a subject access search must find mentions of the person in
        # other people's records too).
        digits = "%" + e164.removeprefix("+44") + "%"
        texts = ("SELECT id FROM cases WHERE description LIKE ?",
                 "SELECT id FROM case_notes WHERE body LIKE ?",
                 "SELECT id FROM calls WHERE summary LIKE ?")
        self.time("subject access search", Target("max", 1000),
                  lambda: find_subject(self.ctx, phone=phone),
                  lambda: [self.sql("SELECT c.id FROM cases c JOIN callers cl "
                                    "ON cl.id = c.caller_id WHERE cl.phone_e164 = ?", (e164,))]
                  + [self.sql(query, (digits,)) for query in texts],
                  "everything held about one caller, by phone; floor: their cases by number "
                  "and a scan of each free-text column for the number", runs=max(3, self.runs // 3))


def _floor_pdf(out: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas
    canvas = Canvas(str(out))
    canvas.drawString(72, 720, "floor")
    canvas.showPage()
    canvas.save()


# -- paths measured in a child process -------------------------------------------------------

def child(task: str, url: str, *args: str) -> dict:
    """Run ``bench_child.py task url args``; its JSON answer (seconds, peak MB, ...)."""
    done = subprocess.run([sys.executable, str(HERE / "bench_child.py"), task, url, *args],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{task} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def process_rows(bench: Bench, log: Path, fresh: Callable[[str], str],
                 dispose: Callable[[str], None], runs: int) -> None:
    """The import (speed and peak memory), the year's CSV export and app memory."""
    database, cases = bench.database, bench.cases
    app, floor = [], []
    for n in range(runs):
        for kind, into in (("import", app), ("import_floor", floor)):
            url = fresh(f"contactdesk_bench_import_{n}")
            try:
                into.append(child(kind, url, str(log)))
            finally:
                dispose(url)
    lines = app[0]["lines"]
    rates = [lines / a["seconds"] for a in app]
    floor_rate = statistics.median(lines / f["seconds"] for f in floor)
    bench.rows.append(Row(database, cases, "queue_log import: speed", statistics.median(rates),
                          min(rates), max(rates), "lines/s", floor_rate,
                          Target("min", 300_000, "lines/s"),
                          f"{lines:,} lines into a new migrated database",
                          [f"floor: read, split on '|' and insert each line's fields in "
                           f"batches into a bare table ({floor_rate:,.0f} lines/s)"]))
    peaks = [a["peak_mb"] for a in app]
    bench.rows.append(Row(database, cases, "queue_log import: peak memory",
                          statistics.median(peaks), min(peaks), max(peaks), "MB",
                          statistics.median(a["floor_mb"] for a in app), Target("ratio", 1.5),
                          "peak resident memory of the importing process; floor: the same "
                          "process before reading (bounded memory stays near it at any size)",
                          [f"the plain parse-and-insert peaks at "
                           f"{statistics.median(f['peak_mb'] for f in floor):.0f} MB"]))
    with tempfile.TemporaryDirectory() as folder:
        exported = [child("export", bench.url, folder) for _ in range(max(1, runs))]
    peaks = [e["peak_mb"] for e in exported]
    bench.rows.append(Row(database, cases, "CSV export of a year: peak memory",
                          statistics.median(peaks), min(peaks), max(peaks), "MB",
                          exported[0]["floor_mb"], Target("max", 150, "MB"),
                          f"{exported[0]['written']:,} cases, {YEAR_FROM} to {YEAR_TO}",
                          [f"time {statistics.median(e['seconds'] for e in exported):.2f} s"]))
    shown = [child("app_memory", bench.url) for _ in range(max(1, runs))]
    peaks = [s["peak_mb"] for s in shown]
    bench.rows.append(Row(database, cases, "app memory, case list open",
                          statistics.median(peaks), min(peaks), max(peaks), "MB",
                          shown[0]["floor_mb"], Target("max", 250, "MB"),
                          "the case list shown with its first page; floor: a bare window"))


def measure_all(url: str, database: str, cases: int, runs: int, log: Path,
                fresh: Callable[[str], str], dispose: Callable[[str], None],
                say=print) -> list[Row]:
    bench = Bench(url, database, cases, runs)
    try:
        say(f"  {database} {cases:,}: case list and searches")
        bench.case_list()
        typed = bench.searches()
        bench.caller_history(typed["phone e164"])
        bench.call_save()
        say(f"  {database} {cases:,}: statistics and reports")
        bench.statistics()
        with tempfile.TemporaryDirectory() as folder:
            bench.reports(Path(folder))
        bench.subject_access(typed["phone"], typed["phone e164"])
    finally:
        bench.close()
    say(f"  {database} {cases:,}: import, export and app memory (child processes)")
    process_rows(bench, log, fresh, dispose, max(1, min(3, runs)))
    return bench.rows

