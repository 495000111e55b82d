"""Rows of the benchmark, their targets and verdicts, and benchmarks/results.md.

A row is one hot path measured on one database at one size: the app's figure
(median, min, max of its runs), the floor measured beside it in the same run and
the target. The ratio always reads "times worse than the floor": time / floor for
times and memory, floor / rate for rates. A missed row names why and what would
fix it, from ``KNOWN_REASONS``.
"""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass, field

UNITS = {"ms": "ms", "s": "s", "lines/s": "lines/s", "MB": "MB"}


@dataclass(frozen=True)
class Target:
    """``kind``: "max" (at most ``limit``), "min" (at least ``limit``, for rates) or
    "ratio" (at most ``limit`` times the floor)."""

    kind: str
    limit: float
    unit: str = "ms"

    def text(self) -> str:
        if self.kind == "ratio":
            return f"<= {self.limit:g}x floor"
        sign = ">=" if self.kind == "min" else "<="
        return f"{sign} {number(self.limit)} {self.unit}"


@dataclass
class Row:
    database: str  # "SQLite" or "PostgreSQL"
    cases: int
    name: str
    median: float
    low: float
    high: float
    unit: str
    floor: float | None
    target: Target | None
    what: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if not self.floor or not self.median:
            return None
        return self.floor / self.median if self.unit == "lines/s" else self.median / self.floor

    @property
    def met(self) -> bool | None:
        """None when the row has no target (shown for its growth only)."""
        t = self.target
        if t is None:
            return None
        if t.kind == "ratio":
            return self.ratio is not None and self.ratio <= t.limit
        if t.kind == "min":
            return self.median >= t.limit
        return self.median <= t.limit


# Why a row misses and what would fix it: (hot path, database or None for both) -> text.
KNOWN_REASONS: dict[tuple[str, str | None], str] = {
    ("search: reference prefix", "PostgreSQL"):
        "when the median grows with the cases, `LIKE 'x%'` under a non-C collation is scanning "
        "every case: byte-order ranges (migration 0010) fix that; when it does not, the gap is "
        "as on SQLite: planning counts and Python row building beside one index range read.",
    ("search: postcode", "PostgreSQL"):
        "as the reference prefix on PostgreSQL: a scan when the median grows with the cases "
        "(ranges fix it), otherwise planning counts and Python row building.",
    ("search: name", None):
        "a common surname matches thousands of callers, whose cases are gathered and sorted "
        "before the page is cut; the raw floor costs as much, so only another plan would fix "
        "it: walk the newest cases and check each against the callers' ids.",
    ("search: street", None):
        "a street word shared by many cases: the word table's case ids are gathered and sorted "
        "before the page is cut; walking the newest cases and probing the word index (the "
        "planner's membership read, with thresholds tuned for this database) would fix it.",
    ("subject access search", None):
        "not profiled yet: every record of every matching caller is gathered, with each case's "
        "entries read one case at a time; reading them in one query per request is the first "
        "thing to try.",
    ("search: reference prefix", None):
        "the search counts what each filter's index holds to choose its plan, then builds the "
        "query and a CaseRow per row in Python, where the floor is one index range read: "
        "skipping the count when the prefix alone is selective would bring it nearer.",
    ("search: postcode", None):
        "as the reference prefix: planning counts and Python row building beside a single "
        "index range read.",
    ("queue_log import: speed", None):
        "each line is parsed and folded into attempts in Python and stored under the table's "
        "unique keys, indexes and checks, where the floor only splits lines into a bare table: "
        "profile the reader's fold and the store (about half each when last profiled) and "
        "bulk insert each batch in one statement.",
    ("queue_log import: peak memory", None):
        "memory grows with the file because every attempt is held before storing: a streaming "
        "import that stores each batch as it is read would bound it.",
    ("call save", None):
        "a save is several statements (caller match, reference counter, caller, call, case, "
        "link, audit rows) and one durable commit, where the floor is one insert and commit; "
        "it meets its target on an idle machine, so a miss is most likely a busy one: rerun, "
        "and profile log_call if it persists.",
    ("year to date", None):
        "the year is summed over the wait histogram (hundreds of thousands of rows a year): a "
        "daily rollup kept by the import would make it a few hundred rows.",
    ("daily summary PDF", None):
        "the overdue count scans every case ever received: counting from an index on the due "
        "time of open cases would fix it.",
    ("case list: first page", None):
        "most of the time is Python building the query and turning rows into objects: a cached "
        "compiled statement and plain tuples for rows would bring it nearer the floor.",
    ("case list: next page", None):
        "as the first page: query building and row objects in Python dominate.",
    ("performance report PDF", None):
        "case handling (`case_performance.case_handling_in`) joins every case ever received to "
        "its service and filters by date inside the sums, once per year compared: linear in all "
        "cases; date ranges in the WHERE (served by the received_at index) would fix it.",
    ("app memory, case list open", None):
        "the list model holds more rows than are shown: loading pages lazily would fix it.",
    ("start to first paint", None):
        "the window needs a signed-in workspace, so SQLAlchemy, the data model (with holidays "
        "and phonenumbers) and the sign-in load before the first paint (tabs are already built "
        "when first shown, alembic is not loaded): painting the window before signing in would "
        "fix it.",
}


def reason(row: Row) -> str:
    return (KNOWN_REASONS.get((row.name, row.database))
            or KNOWN_REASONS.get((row.name, None))
            or "not a known cause: profile this path (no entry in KNOWN_REASONS).")


def number(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.3g}" if value >= 0.01 else f"{value:.2g}"


def amount(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{number(value)} {UNITS.get(unit, unit)}"


def verdict(row: Row) -> str:
    return {None: "-", True: "met", False: "missed"}[row.met]


# -- results.md ---------------------------------------------------------------------

def machine() -> dict[str, str]:
    """CPU, cores, RAM, OS and the versions the figures depend on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        ram_text = f"{ram:.1f} GB"
    except (ValueError, OSError, AttributeError):
        ram_text = "unknown"
    return {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": ram_text,
            "OS": platform.platform(), "Python": platform.python_version(),
            "SQLite": sqlite3.sqlite_version}


def database_table(rows: list[Row]) -> list[str]:
    lines = ["| hot path | median | min | max | floor | ratio | target | result |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:.1f}x"
        lines.append(f"| {r.name} | {amount(r.median, r.unit)} | {amount(r.low, r.unit)} | "
                     f"{amount(r.high, r.unit)} | {amount(r.floor, r.unit)} | {ratio} | "
                     f"{r.target.text() if r.target else '-'} | {verdict(r)} |")
    missed = [r for r in rows if r.met is False]
    if missed:
        lines += ["", "Missed:", ""]
        lines += [f"* **{r.name}**: {reason(r)}" for r in missed]
    measured = [r for r in rows if r.what or r.notes]
    if measured:
        lines += ["", "What was measured:", ""]
        lines += [f"* {r.name}: {'; '.join([r.what, *r.notes] if r.what else r.notes)}"
                  for r in measured]
    return lines


def growth_table(rows: list[Row]) -> list[str]:
    sizes = sorted({r.cases for r in rows})
    header = "| hot path | database | " + " | ".join(f"{s:,} cases" for s in sizes) + " |"
    lines = [header, "|---|---|" + "---|" * len(sizes)]
    keys = list(dict.fromkeys((r.name, r.database) for r in rows))
    by_key = {(r.name, r.database, r.cases): r for r in rows}
    for name, database in keys:
        cells = []
        for size in sizes:
            r = by_key.get((name, database, size))
            cells.append("-" if r is None else amount(r.median, r.unit))
        lines.append(f"| {name} | {database} | " + " | ".join(cells) + " |")
    return lines


def render(rows: list[Row], facts: dict[str, str], command: str, extra: list[str] = ()) -> str:
    """The whole results.md: per database at the largest size, growth, machine."""
    out = ["# Benchmark results", "",
           f"Written by `{command}` on {facts.pop('measured', 'unknown date')}. Each app figure "
           "is the median of its runs beside a floor measured in the same run on the same data "
           "(the cheapest raw SQL giving the same answer, a plain parse-and-insert, a bare "
           "process). Ratio = times the floor; a missed row says why.", ""]
    for database in dict.fromkeys(r.database for r in rows):
        mine = [r for r in rows if r.database == database]
        largest = max(r.cases for r in mine)
        at_largest = [r for r in mine if r.cases == largest]
        met = sum(r.met is True for r in at_largest)
        judged = sum(r.met is not None for r in at_largest)
        out += [f"## {database}, {largest:,} cases ({met} of {judged} targets met)", ""]
        out += database_table(at_largest) + [""]
    out += ["## Growth (median)", ""] + growth_table(rows) + [""]
    out += list(extra)
    out += ["## Machine", "", "| | |", "|---|---|"]
    out += [f"| {key} | {value} |" for key, value in facts.items()] + [""]
    return "\n".join(out)
