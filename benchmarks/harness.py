"""Every hot path on SQLite and PostgreSQL at each size, written to benchmarks/results.md.

    .venv/bin/python benchmarks/harness.py --db sqlite --db postgresql+psycopg://u@host/db
    .venv/bin/python benchmarks/harness.py --sizes 10000,100000      # a short run
    .venv/bin/python benchmarks/harness.py --db sqlite --throwaway-postgres

``--db`` names a database server (repeatable): ``sqlite`` (files in
benchmarks/data/), an ``sqlite:///folder/any.sqlite3`` URL (files beside it), or a
PostgreSQL URL (databases ``contactdesk_bench_<size>`` made on that server, so the
login needs CREATEDB). ``--throwaway-postgres`` starts a private server with the
tests' helper (tests/helpers/postgres.py) and stops it afterwards. Each size's
data is generated once by bulk loading and reused while its recipe holds
(``bench_data.py``). The exit status is 1 when a target is missed at the largest size.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_data  # noqa: E402
from generate_calls import generate_log, log_path  # noqa: E402
from hot_paths import measure_all  # noqa: E402
from results_md import Row, Target, machine, render  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.md"
MEASURED = ROOT / "benchmarks" / "results" / "harness.json"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
# Scripts other benchmarks may add: their rows join the table when they offer
# ``harness_rows(url, runs) -> list[dict]``; otherwise their output is quoted.
COMPANIONS = ("bench_prefix_postgres.py",)
START_SCRIPT = ROOT / "benchmarks" / "bench_start.py"
START_RESULTS = ROOT / "benchmarks" / "results" / "start.json"
START_USER, START_PASSWORD = "bench.start", "bench start desk 2026"


def database_label(url: str) -> str:
    return "PostgreSQL" if bench_data.is_postgres(url) else "SQLite"


def server_version(url: str) -> str:
    con = bench_data.raw_connect(url)
    try:
        return con.execute("SHOW server_version").fetchone()[0]
    finally:
        con.close()


def _companion(name: str):
    """The companion script's module, or None when it is absent (or fails to load)."""
    path = ROOT / "benchmarks" / name
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception:  # another benchmark's failure must not stop this run
        return None
    return module


def companion_rows(url: str, cases: int, runs: int) -> list[Row]:
    """Rows from the companion scripts that offer ``harness_rows``."""
    rows: list[Row] = []
    for name in COMPANIONS:
        offered = getattr(_companion(name), "harness_rows", None)
        if offered is None:
            continue
        for r in offered(url, runs):
            target = r.get("target")
            rows.append(Row(database_label(url), cases, r["name"], r["median"], r["min"], r["max"],
                            r.get("unit", "ms"), r.get("floor"),
                            Target(*target) if target else None, r.get("what", "")))
    return rows


def companion_outputs(base: str, url: str, cases: int, runs: int) -> dict[str, str]:
    """The printed output of companion scripts that offer no rows, run once per database
    at the largest size with the options their --help names (--db/--url, --cases, --runs)."""
    quoted = {}
    for name in COMPANIONS:
        path = ROOT / "benchmarks" / name
        module = _companion(name)
        if module is None or hasattr(module, "harness_rows"):
            continue
        postgres_only = "postgres" in name
        if postgres_only and not bench_data.is_postgres(url):
            continue
        options = subprocess.run([sys.executable, str(path), "--help"], capture_output=True,
                                 text=True, check=False).stdout
        argv, scratch = [], None
        if "--url" in options and postgres_only:
            scratch = bench_data.database_url(base, "contactdesk_bench_scratch")
            bench_data.create_empty(scratch)
            argv += ["--url", scratch]  # such a script fills an empty database of its own
        elif "--db" in options:
            argv += ["--db", url]
        argv += ["--cases", str(cases)] if "--cases" in options else []
        argv += ["--runs", str(runs)] if "--runs" in options else []
        shown = argv[2:] if scratch else argv
        try:
            quoted[f"{database_label(url)}: {name} {' '.join(shown)}".strip()] = \
                _run_script(path, argv)
        finally:
            if scratch:
                bench_data.drop(scratch)
    return quoted


def start_rows(url: str, cases: int, runs: int, quoted: dict[str, str]) -> list[Row]:
    """Start to first paint and to a usable call form, by bench_start.py when it is there:
    signed in as a person added for it; its figures are read from its results file."""
    if not START_SCRIPT.exists():
        return []
    from contactdesk.auth.credentials import OperatingSystemAccount
    from contactdesk.auth.sign_in import os_actor
    from contactdesk.context import ServiceContext
    from contactdesk.domain.errors import ValidationError
    from contactdesk.persistence.database import Database
    from contactdesk.services.users import add_user
    ctx = ServiceContext(Database.open(url), os_actor(OperatingSystemAccount()))
    try:
        add_user(ctx, START_USER, "agent", "Bench Start", START_PASSWORD)
    except ValidationError:
        pass  # added by an earlier run
    finally:
        ctx.database.dispose()
    before = START_RESULTS.stat().st_mtime if START_RESULTS.exists() else 0
    env = {**os.environ, "CONTACTDESK_BENCH_PASSWORD": START_PASSWORD}
    done = subprocess.run([sys.executable, str(START_SCRIPT), "--db", url, "--user", START_USER,
                           "--runs", str(min(runs, 5))], capture_output=True, text=True,
                          env=env, check=False)
    if not START_RESULTS.exists() or START_RESULTS.stat().st_mtime == before:
        quoted[f"{database_label(url)}: bench_start.py at {cases:,} cases"] = \
            (done.stdout + done.stderr).strip()[-3000:]
        return []
    figures = json.loads(START_RESULTS.read_text())["figures"]
    floor = figures["floor"]["median_ms"]
    label = database_label(url)
    return [Row(label, cases, name, f["median_ms"], f["min_ms"], f["max_ms"], "ms", floor, target,
                f"{f['what']}; floor: {figures['floor']['what']}")
            for name, f, target in (
                ("start to first paint", figures["first_paint"], Target("ratio", 1.5)),
                ("start to usable call form", figures["call_form"], None))]


# The floor of a no-op upgrade: a bare Python process reading the schema version with the
# driver alone (argv[1]: the database URL as SQLAlchemy writes it).
VERSION_READ = """
import sys
url = sys.argv[1]
if url.startswith("sqlite:///"):
    import sqlite3
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
else:
    import psycopg
    connection = psycopg.connect(url.replace("+psycopg", "", 1))
print(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])
"""


def upgrade_rows(url: str, cases: int, runs: int) -> list[Row]:
    """`contactdesk db upgrade` on a database already at the head: what every desk start and
    every scheduled job pays (a process start, the version check, nothing else)."""
    import statistics
    import time

    def timed(command: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, capture_output=True, timeout=120)
        return (time.perf_counter() - started) * 1000

    app = [sys.executable, "-m", "contactdesk.cli.main", "--db", url, "db", "upgrade"]
    bare = [sys.executable, "-c", VERSION_READ, url]
    timed(app)  # the first run may bring the database up to date; the rest have nothing to do
    apps, floors = [], []
    for _ in range(max(3, runs)):
        apps.append(timed(app))
        floors.append(timed(bare))
    return [Row(database_label(url), cases, "db upgrade, nothing to do", statistics.median(apps),
                min(apps), max(apps), "ms", statistics.median(floors), Target("max", 500),
                "contactdesk db upgrade on a database at the latest schema; floor: a bare Python "
                "process reading alembic_version with the driver")]


def _run_script(path: Path, argv: list[str]) -> str:
    try:
        done = subprocess.run([sys.executable, str(path), *argv], capture_output=True,
                              text=True, timeout=3600, check=False)
    except subprocess.TimeoutExpired:
        return "did not finish within an hour"
    return (done.stdout + done.stderr).strip()[-4000:] or f"exit status {done.returncode}"


def run(bases: list[str], sizes: list[int], runs: int, out: Path, command: str,
        say=print) -> list[Row]:
    rows: list[Row] = []
    quoted: dict[str, str] = {}
    facts = {"measured": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")} | machine()
    for base in bases:
        label = database_label(base)
        if label == "PostgreSQL":
            note = os.environ.get("BENCH_PG_NOTE")
            facts["PostgreSQL"] = server_version(base) + (f", {note}" if note else "")
        for cases in sizes:
            url = bench_data.prepare(base, cases, say)
            log = generate_log(log_path(cases), cases, quiet=True)
            rows += measure_all(url, label, cases, runs, log,
                                lambda name, base=base: bench_data.fresh_migrated(base, name),
                                bench_data.drop, say)
            rows += companion_rows(url, cases, runs)
            say(f"  {label} {cases:,}: start (bench_start.py)")
            rows += start_rows(url, cases, runs, quoted)
            rows += upgrade_rows(url, cases, runs)
            write(out, rows, facts, command, quoted)
        say(f"  {label}: companion benchmarks")
        quoted |= companion_outputs(base, url, max(sizes), runs)
        write(out, rows, facts, command, quoted)
    say(f"wrote {out}")
    return rows


def write(out: Path, rows: list[Row], facts: dict, command: str, quoted: dict) -> None:
    """results.md, and the rows beside it (so it can be rendered again with --render-only)."""
    out.write_text(render(rows, dict(facts), command, _quoted(quoted)))
    MEASURED.parent.mkdir(parents=True, exist_ok=True)
    MEASURED.write_text(json.dumps({"facts": facts, "command": command, "quoted": quoted,
                                    "rows": [asdict(r) for r in rows]}, indent=1) + "\n")


def render_again(out: Path) -> None:
    """results.md from the last run's rows: for a change of KNOWN_REASONS or layout."""
    kept = json.loads(MEASURED.read_text())
    rows = [Row(**{**r, "target": Target(**r["target"]) if r["target"] else None})
            for r in kept["rows"]]
    out.write_text(render(rows, kept["facts"], kept["command"], _quoted(kept["quoted"])))


def _quoted(quoted: dict[str, str]) -> list[str]:
    lines = []
    for name, text in quoted.items():
        lines += [f"## {name}", "", "```", text, "```", ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", default=[],
                        help="sqlite, an SQLite URL or a PostgreSQL URL (repeatable)")
    parser.add_argument("--throwaway-postgres", action="store_true",
                        help="also run on a private PostgreSQL started for this run")
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="case counts, comma-separated (queue_log lines = cases, "
                             "attempts = 2.5 x cases)")
    parser.add_argument("--runs", type=int, default=9, help="runs of each timed path")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--render-only", action="store_true",
                        help="write results.md again from the last run's rows, measuring nothing")
    args = parser.parse_args(argv)
    if args.render_only:
        render_again(args.out)
        return 0
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    bases = args.db or ["sqlite"]
    command = "make bench" if "MAKELEVEL" in os.environ else \
        "python benchmarks/harness.py " + " ".join(argv if argv is not None else sys.argv[1:])
    server = None
    if args.throwaway_postgres:
        from tests.helpers.postgres import ThrowawayPostgres
        server = ThrowawayPostgres().start()
        bases.append(server.url("postgres"))
        os.environ["BENCH_PG_NOTE"] = "throwaway server (tests' helper: fsync and synchronous_commit off)"
    try:
        rows = run(bases, sizes, args.runs, args.out, command)
    finally:
        if server is not None:
            server.stop()
    largest = max(sizes)
    return 1 if any(r.met is False for r in rows if r.cases == largest) else 0


if __name__ == "__main__":
    sys.exit(main())
