"""Prefix searches on PostgreSQL at a million cases, before and after migration 0010.

    .venv/bin/python benchmarks/bench_prefix_postgres.py [--url URL] [--cases N] [--runs 15]

Without ``--url`` a throwaway server is started (the helper the tests use; C.UTF-8
collation). The cases are bulk-loaded with ``generate_series`` after ``db upgrade``;
the run then times each search through ``search_cases`` (median, min, max of
``--runs`` after a warm-up), the SQL statements it ran (summed from the client),
and a floor: the cheapest raw SQL giving the same rows. "Before" is schema 0009
with the search as it was (``search_as_before``); "after" is the head.
The plan of every statement a search runs is checked for ``Seq Scan on cases``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sqlalchemy import event, text  # noqa: E402
from timing import timed  # noqa: E402

from contactdesk.context import ServiceContext  # noqa: E402
from contactdesk.persistence.database import Database  # noqa: E402
from contactdesk.persistence.engine import create_database_engine  # noqa: E402
from contactdesk.persistence.migrations import alembic_config  # noqa: E402
from contactdesk.services import case_filters, case_plan  # noqa: E402
from contactdesk.services.case_search import CaseQuery, search_cases  # noqa: E402
from contactdesk.workspace import Workspace  # noqa: E402
from tests.helpers.contexts import context_for  # noqa: E402

# Reference prefixes by how often they are used, and postcode districts by how many
# localities each covers (as benchmarks/generate_cases.py draws them).
PREFIXES = {"SP": 6.0, "CT": 2.0, "BR": 0.3, "BEN": 1.2, "PK": 1.0, "HR": 1.2, "ASC": 0.4,
            "GEN": 0.8}
LOCATED = ("SP", "PK", "HR")  # these always have a place; others half of the time
DISTRICTS = {"S60": 6, "S61": 3, "S62": 2, "S63": 1, "S64": 2, "S65": 5, "S66": 4, "S25": 2,
             "S26": 4}
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
PAGE_COLUMNS = ("c.id, c.reference, c.received_at, c.status, cat.name, s.name, c.location, "
                "c.postcode, c.due_at")

# (name, what is typed, floor: the raw SQL condition giving the same page of rows)
SEARCHES = (
    ("reference prefix", "SP-2026-0086",
     "c.reference >= 'SP-2026-0086' AND c.reference < 'SP-2026-0087'"),
    ("postcode prefix", "s60 2", "c.postcode >= 'S60 2' AND c.postcode < 'S60 3'"),
    ("reference part", "2026-0086", " OR ".join(
        f"c.reference BETWEEN '{p}-2026-008600' AND '{p}-2026-008699'" for p in PREFIXES)),
    ("whole reference", "SP-2026-008662", "c.reference = 'SP-2026-008662'"),
)


def _weighted(choices: dict[str, float], draw: str) -> str:
    """SQL picking a key of ``choices`` by weight, ``draw`` being uniform in [0, 1)."""
    total, bound, arms = sum(choices.values()), 0.0, []
    for key, weight in list(choices.items())[:-1]:
        bound += weight / total
        arms.append(f"WHEN {draw} < {bound:.6f} THEN '{key}'")
    return f"CASE {' '.join(arms)} ELSE '{list(choices)[-1]}' END"


def fill(engine, cases: int) -> None:
    """``cases`` cases received over 2025 and 2026 (a case every 63 s), references numbered
    per prefix and year, postcodes as the generator spreads them; triggers off while
    loading (the word tables are not searched here)."""
    letters = f"substr('{UNIT_LETTERS}', 1 + floor(random() * {len(UNIT_LETTERS)})::int, 1)"
    postcode = (f"{_weighted(DISTRICTS, 'random()')} || ' ' || (1 + floor(random() * 9)::int)"
                f" || {letters} || {letters}")
    located = ", ".join(f"'{p}'" for p in LOCATED)
    with engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        connection.exec_driver_sql("SELECT setseed(0.14)")
        category, service = connection.execute(text(
            "SELECT id, default_service_id FROM categories ORDER BY id LIMIT 1")).one()
        connection.execute(text(f"""
            INSERT INTO cases (reference, category_id, service_id, status, priority,
                description, location, postcode, received_at, due_at, created_at,
                updated_at, version, idempotency_key)
            SELECT prefix || '-' || year || '-' || lpad(row_number() OVER (
                       PARTITION BY prefix, year ORDER BY n)::text, 6, '0'),
                   :category, :service,
                   (ARRAY['new','routed','in_progress','resolved','closed'])[1 + n % 5],
                   'normal', 'Reported by phone', (n % 180 + 1) || ' Wellgate, Rotherham',
                   CASE WHEN prefix IN ({located}) OR random() < 0.5 THEN {postcode} END,
                   ts, ts + interval '10 days', ts, ts, 1, 'bench-' || n
            FROM (SELECT n, ts, extract(year FROM ts)::int AS year,
                         {_weighted(PREFIXES, 'random()')} AS prefix
                  FROM (SELECT n, timestamptz '2025-01-01 08:00+00' + n * interval '63 seconds'
                               AS ts FROM generate_series(1, :cases) AS n) AS timed
                 ) AS drawn ORDER BY n"""),
            {"cases": cases, "category": category, "service": service})
        connection.execute(text("DELETE FROM reference_counters"))
        connection.execute(text(
            "INSERT INTO reference_counters (prefix, year, last_value) "
            "SELECT split_part(reference, '-', 1), split_part(reference, '-', 2)::int, "
            "max(split_part(reference, '-', 3)::int) FROM cases GROUP BY 1, 2"))
    analyse(engine, vacuum=True)


def analyse(engine, vacuum: bool = False) -> None:
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE cases" if vacuum else "ANALYZE cases")


class Statements:
    """The SQL statements the engine runs while ``capturing``, and their client time."""

    def __init__(self, engine):
        self.capturing = False
        self.seen: list[tuple[str, object]] = []
        self.seconds = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()
        if self.capturing:
            self.seen.append((statement, parameters))

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.seconds += time.perf_counter() - conn.info.pop("started", time.perf_counter())


def plans(engine, watched: Statements, action) -> list[str]:
    """EXPLAIN of each SELECT on cases that ``action`` runs."""
    watched.seen, watched.capturing = [], True
    try:
        action()
    finally:
        watched.capturing = False
    found = []
    with engine.connect() as connection:
        for statement, parameters in watched.seen:
            if "cases" in statement and statement.lstrip().upper().startswith("SELECT"):
                rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
                found.append("\n".join(r[0] for r in rows))
    return found


def measure(engine, desk: ServiceContext, runs: int, label: str) -> list[dict]:
    watched = Statements(engine)
    figures = []
    for name, typed, floor_where in SEARCHES:
        def search(typed=typed):
            return search_cases(desk, CaseQuery(text=typed))

        watched.seconds = 0.0
        times, first, page = timed(search, runs)
        sql_ms = watched.seconds * 1000 / (runs + 1)
        floor_sql = (f"SELECT {PAGE_COLUMNS} FROM cases c "
                     "JOIN categories cat ON cat.id = c.category_id "
                     "JOIN services s ON s.id = c.service_id "
                     f"WHERE {floor_where} ORDER BY c.received_at DESC, c.id DESC LIMIT 200")
        with engine.connect() as connection:
            floor_times, _, floor_rows = timed(
                lambda sql=floor_sql, c=connection: c.exec_driver_sql(sql).all(), runs)
        same = [r.id for r in page.rows] == [r[0] for r in floor_rows]
        scans = sum("Seq Scan on cases" in p for p in plans(engine, watched, search))
        figures.append({"state": label, "search": name, "typed": typed, "rows": len(page.rows),
                        "median": statistics.median(times), "min": min(times),
                        "max": max(times), "sql": sql_ms,
                        "floor": statistics.median(floor_times), "same_rows": same,
                        "seq_scans": scans})
    event.remove(engine, "before_cursor_execute", watched._before)
    event.remove(engine, "after_cursor_execute", watched._after)
    return figures


def set_revision(engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision) if revision != "head" else command.upgrade(
            config, revision)


@contextmanager
def search_as_before():
    """The search before 0010: LIKE 'x%' on references and postcodes, every filter counted
    and, when it leads, joined back to the cases as a set of ids."""
    planner, search_filter = case_plan.Planner, case_filters.Filter
    saved = (planner.byte_prefix, planner._direct, search_filter.size,
             case_plan.references_beginning)

    def size(self, connection, cap):
        size = 0
        for part in self.parts:
            size += case_filters.count_capped(connection, part, cap - size)
            if size >= cap:
                break
        return size

    planner.byte_prefix, planner._direct = planner.starts_with, lambda self, n: False
    search_filter.size, case_plan.references_beginning = size, lambda prefix: None
    try:
        yield
    finally:
        (planner.byte_prefix, planner._direct, search_filter.size,
         case_plan.references_beginning) = saved


def run(url: str, cases: int, runs: int) -> list[dict]:
    Workspace.migrate(url)
    engine = create_database_engine(url)
    database = Database(engine)
    try:
        began = time.perf_counter()
        fill(engine, cases)
        print(f"{cases:,} cases loaded in {time.perf_counter() - began:.1f} s", flush=True)
        desk = context_for(database, "agent", "bench.agent")
        figures = []
        # Before: schema 0009 and the search as it was.
        set_revision(engine, "0009")
        analyse(engine)  # a column's type change drops its statistics
        with search_as_before():
            figures += measure(engine, desk, runs, "before")
        began = time.perf_counter()
        set_revision(engine, "head")
        print(f"migration 0010 at {cases:,} cases: {time.perf_counter() - began:.1f} s")
        analyse(engine)
        figures += measure(engine, desk, runs, "after")
    finally:
        database.dispose()
    return figures


def table(figures: list[dict]) -> str:
    lines = ["| search | typed | state | median ms | min | max | SQL ms | floor ms | "
             "x floor | seq scans | same rows |", "|---" * 11 + "|"]
    for f in figures:
        lines.append(
            f"| {f['search']} | `{f['typed']}` | {f['state']} | {f['median']:.2f} | "
            f"{f['min']:.2f} | {f['max']:.2f} | {f['sql']:.2f} | {f['floor']:.2f} | "
            f"{f['median'] / f['floor']:.1f} | {f['seq_scans']} | "
            f"{'yes' if f['same_rows'] else 'NO'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throwaway one)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    if args.url:
        figures = run(args.url, args.cases, args.runs)
    else:
        from sqlalchemy import create_engine

        from tests.helpers.postgres import ThrowawayPostgres

        with ThrowawayPostgres() as server:
            admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql("CREATE DATABASE bench_prefix")
            admin.dispose()
            figures = run(server.url("bench_prefix"), args.cases, args.runs)
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
