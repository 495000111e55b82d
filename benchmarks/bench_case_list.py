"""Time the case list, its searches and a call save at a million cases on SQLite.

    .venv/bin/python benchmarks/bench_case_list.py            # make bench does this

Each figure is the median of ``--runs`` runs after one warm-up run, through
the app's own code (``search_cases``, ``log_call``) on an engine made the way
the app makes it. Each is also given as a multiple of a floor measured in the
same run on the same file, so figures from different machines compare:

* reads: a raw ``SELECT id FROM cases ORDER BY id DESC LIMIT 200`` through
  sqlite3, the least any page of the list can cost;
* the save: a raw one-row INSERT and COMMIT through sqlite3 with the app's
  durability settings (WAL, synchronous=FULL), the least any save can cost.

The searches are what an agent types, taken from the data: a whole reference,
a landline number as people say it, a caller's surname, a street name, the
first half of a postcode and the start of the second. Results go to
benchmarks/results/case_list.json; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_cases import DEFAULT_CASES, default_path, generate  # noqa: E402
from timing import timed  # noqa: E402

from contactdesk.auth.credentials import OperatingSystemAccount  # noqa: E402
from contactdesk.auth.sign_in import os_actor  # noqa: E402
from contactdesk.context import ServiceContext  # noqa: E402
from contactdesk.persistence.database import Database  # noqa: E402
from contactdesk.persistence.engine import create_database_engine  # noqa: E402
from contactdesk.services.calls import CallInput, log_call  # noqa: E402
from contactdesk.services.case_search import CaseQuery, search_cases  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "case_list.json"
TARGETS_MS = {"list": 150.0, "search": 100.0, "save": 50.0}


@dataclass
class Figure:
    name: str
    what: str  # the query or the input
    kind: str  # list, search or save: which target and which floor apply
    median_ms: float
    min_ms: float
    max_ms: float
    first_ms: float  # the warm-up run
    rows: int
    floor_ms: float = 0.0
    times_floor: float = 0.0
    target_ms: float = 0.0
    met: bool = True


def read_floor(path: Path, runs: int) -> float:
    con = sqlite3.connect(path)
    try:
        def read():
            return con.execute("SELECT id FROM cases ORDER BY id DESC LIMIT 200").fetchall()
        times, _, _ = timed(read, runs)
    finally:
        con.close()
    return statistics.median(times)


def write_floor(path: Path, runs: int) -> float:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, at TEXT)")

        def write():
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO bench_floor (at) VALUES (?)", (datetime.now(UTC).isoformat(),))
            con.execute("COMMIT")
        times, _, _ = timed(write, runs)
        con.execute("DROP TABLE bench_floor")
    finally:
        con.close()
    return statistics.median(times)


def typed_searches(path: Path, cases: int) -> list[tuple[str, str]]:
    """(key, text) searches an agent would type, from the generated cases in the middle
    (the same ones every run: saves timed earlier only add cases at the end)."""
    con = sqlite3.connect(path)
    try:
        middle = cases // 2
        reference = con.execute("SELECT reference FROM cases WHERE id = ?", (middle,)).fetchone()[0]
        phone = con.execute("SELECT phone_raw FROM callers WHERE phone_e164 LIKE '+441709%' "
                            "AND id >= ? ORDER BY id LIMIT 1", (middle // 3,)).fetchone()[0]
        name = con.execute("SELECT name FROM callers WHERE id >= ? AND name NOT LIKE '% % %' "
                           "ORDER BY id LIMIT 1", (middle // 2,)).fetchone()[0]
        location, postcode = con.execute(
            "SELECT location, postcode FROM cases WHERE id >= ? AND location GLOB '[0-9]*' "
            "ORDER BY id LIMIT 1", (middle,)).fetchone()
    finally:
        con.close()
    street = location.split(",")[0].split(" ", 1)[1]  # "14 Wellgate, Rotherham" -> Wellgate
    outward, inward = postcode.split()
    return [("reference", reference), ("phone", phone), ("name", name.split()[-1]),
            ("street", street), ("postcode", f"{outward.lower()} {inward[0]}")]


def measure(path: Path, cases: int, runs: int) -> tuple[list[Figure], dict]:
    made = Database(create_database_engine(f"sqlite:///{path}"))
    desk = ServiceContext(made, os_actor(OperatingSystemAccount()))
    figures: list[Figure] = []

    def add(name: str, what: str, kind: str, action: Callable[[], object], rows) -> object:
        times, first, result = timed(action, runs)
        figures.append(Figure(name, what, kind, statistics.median(times), min(times), max(times),
                              first, rows(result)))
        return result

    def page_rows(page) -> int:
        return len(page.rows)

    try:
        first = add("list: first page", "no filter, newest first", "list",
                    lambda: search_cases(desk, CaseQuery()), page_rows)
        add("list: next page", "the page after the first", "list",
            lambda: search_cases(desk, CaseQuery(), first.next), page_rows)
        searches = typed_searches(path, cases)
        for key, text in searches:
            add(f"search: {key}", text, "search",
                lambda text=text: search_cases(desk, CaseQuery(text=text)), page_rows)
        name = dict(searches)["name"]
        found = search_cases(desk, CaseQuery(text=name))
        add("search: next page", f"the page after the first for {name}", "search",
            lambda: search_cases(desk, CaseQuery(text=name), found.next), page_rows)
        saves = iter(range(10**6))

        def save():
            n = next(saves)
            return log_call(desk, CallInput(
                caller_phone=f"07700 9{n % 100000:05d}", caller_name="Benchmark Caller",
                address=f"{n % 180 + 1} Wellgate, Rotherham", postcode="S60 2TH",
                category="Fly tipping", description="Mattress dumped on the verge"))
        add("save: log a call", "new case, caller, call (log_call)", "save", save,
            lambda saved: int(saved.created_case))
    finally:
        made.dispose()
    floors = {"read_ms": read_floor(path, runs), "write_ms": write_floor(path, runs)}
    for f in figures:
        f.floor_ms = floors["write_ms"] if f.kind == "save" else floors["read_ms"]
        f.times_floor = f.median_ms / f.floor_ms if f.floor_ms else 0.0
        f.target_ms = TARGETS_MS[f.kind]
        f.met = f.median_ms < f.target_ms
    return figures, floors


def table(figures: list[Figure], floors: dict) -> str:
    lines = [f"{'':22} {'median':>8} {'min':>7} {'max':>7} {'first':>7} {'x floor':>8} "
             f"{'target':>7}  rows  searched for",
             "-" * 100]
    for f in figures:
        mark = "ok" if f.met else "MISSED"
        lines.append(f"{f.name:22} {f.median_ms:6.1f}ms {f.min_ms:5.1f}ms {f.max_ms:5.1f}ms "
                     f"{f.first_ms:5.1f}ms {f.times_floor:7.1f}x {f.target_ms:5.0f}ms {mark:>6} "
                     f"{f.rows:4d}  {f.what}")
    lines.append(f"floors: read {floors['read_ms']:.2f} ms (SELECT id ... ORDER BY id DESC "
                 f"LIMIT 200), write {floors['write_ms']:.2f} ms (one-row INSERT + COMMIT)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    parser.add_argument("--db", type=Path, help="SQLite file (made if missing)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    path = generate(args.db or default_path(args.cases), args.cases)
    with sqlite3.connect(path) as con:
        cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    figures, floors = measure(path, args.cases, args.runs)
    print(f"\n{cases:,} cases in {path} (SQLite {sqlite3.sqlite_version}, "
          f"Python {platform.python_version()}, {args.runs} runs each)\n")
    print(table(figures, floors))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cases": cases, "runs": args.runs, "sqlite": sqlite3.sqlite_version,
        "python": platform.python_version(), "machine": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "floors_ms": floors, "targets_ms": TARGETS_MS,
        "figures": [asdict(f) for f in figures],
    }, indent=2) + "\n")
    print(f"\nwrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
