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
        "the prefix is one range of the byte-ordered reference index (migration 0010) and the "
        "statement is compiled once and kept, but the floor reads only ids from the index "
        "while the search returns whole rows joined to caller, category and service (the same "
        "joined statement run raw costs several times the floor) and each query pays a "
        "connection check-out round trip (pool_pre_ping): an index holding the list's columns, "
        "or a floor returning the same columns, would show the true gap.",
    ("search: postcode", "PostgreSQL"):
        "as the reference prefix on PostgreSQL: a range of the byte-ordered index, then rows "
        "joined and built in Python beside a floor that reads ids only.",
    ("search: name", None):
        "a common surname matches thousands of callers; on PostgreSQL the newest cases are "
        "walked and checked against the callers' ids until the page is full; a miss here is a "
        "busy machine or a plan the counts chose badly: rerun, then compare the walk and the "
        "gather plans (tests/contactdesk/services/test_case_search_walk.py).",
    ("search: street", None):
        "a street word shared by many cases: the word is counted, then its cases gathered again "
        "before the walk; reusing the counted ids (about 20 ms at a million cases) would bring "
        "it under target on a busy machine.",
    ("subject access search", None):
        "every case description, note and call summary is scanned for mentions of the person "
        "(names, numbers, e-mail): the person's own records are read in one query per kind. "
        "Reading mentions through pg_trgm GIN indexes (on PostgreSQL) or an FTS5 trigram "
        "table (SQLite) would make the scans index reads: about 0.2 ms instead of 800 ms for "
        "the cases at a million, at the cost of indexes kept on every write.",
    ("search: reference prefix", None):
        "the statement is compiled once and kept and rows are built from tuples, but the floor "
        "reads only ids from the index while the search returns whole rows joined to caller, "
        "category and service (that joined statement run raw through sqlite3 costs about 5x the "
        "ids-only floor): a covering index for the list's columns would close the rest.",
    ("search: postcode", None):
        "as the reference prefix: a single index range, then rows joined and built beside a "
        "floor that reads ids only.",
    ("queue_log import: speed", None):
        "the common events are folded in the reader's line loop and each batch is inserted in "
        "one executemany (SQLite) or COPY (PostgreSQL); what remains is the per-line fold in "
        "Python (about 30% of the time) and inserting under the attempts table's unique key, "
        "two indexes and ten CHECK constraints (the real table costs about 4.5x a bare one on "
        "SQLite, 1.7x on PostgreSQL, where text keys compare under the database's collation): "
        "a compiled reader (mypyc) and a COLLATE \"C\" unique key on PostgreSQL are next.",
    ("queue_log import: peak memory", None):
        "memory grows with the file: check that each batch is stored and released as it is "
        "read (the import streams in batches of about 20,000 lines).",
    ("call save", None):
        "a save is several statements (caller match, reference counter, caller, call, case, "
        "link, audit rows) and one durable commit, where the floor is one insert and commit; "
        "it meets its target on an idle machine, so a miss is most likely a busy one: rerun, "
        "and profile log_call if it persists.",
    ("year to date", None):
        "the default definition reads daily_call_rollup (a few thousand rows a year); a miss "
        "means the rollup was not used: a definition other than 21 s without short-abandon "
        "exclusion, or the rollup missing for the source (check the import kept it).",
    ("daily summary PDF", None):
        "the overdue count reads the cases open at the day's end from the closed_at index "
        "(migration 0011); a miss means another part of the summary grew with all cases: "
        "profile daily_summary.",
    ("case list: first page", None):
        "the page statement is compiled once and kept and rows are built from tuples; on "
        "PostgreSQL each page also pays a connection check-out round trip (pool_pre_ping) that "
        "the floor's open connection does not: checking connections only after an idle spell "
        "would close most of the gap.",
    ("case list: next page", None):
        "as the first page: a kept statement and tuple rows; the connection check-out round "
        "trip on PostgreSQL is the rest.",
    ("performance report PDF", None):
        "the call-to-case ledger reads every answered queue attempt of both years compared and "
        "matches the year's calls to them in Python (a few seconds a year at council scale), "
        "on top of case handling joining the span's cases to their services: a daily ledger "
        "rollup kept by the import and by each call save (as daily_call_rollup is for the "
        "queue figures) would make the ledger a few hundred rows a year.",
    ("app memory, case list open", None):
        "the list model holds more rows than are shown: loading pages lazily would fix it.",
    ("db upgrade, nothing to do", None):
        "the version check reads the head revision from the migration files and compares it "
        "with alembic_version without importing alembic; what remains is the process start, "
        "SQLAlchemy and the data model (loaded to refill the catalogue's reference data): "
        "skipping the model import when the version matches would leave the process start.",
    ("start to first paint", None):
        "the sign-in window is painted before the database layer loads; what remains before "
        "the paint is PySide6 itself, the stylesheet, the settings files and the package "
        "metadata read for the version (importlib.metadata, about 25 ms): a version written "
        "into the package at build time would remove that.",
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
