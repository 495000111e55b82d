"""Time the daily call summary and the yearly performance report on a year of demo data.

    .venv/bin/python benchmarks/bench_reports.py              # make bench does this

The database is a year of the app's own demo data (calls, cases, telephony
attempts; about 1,500-2,500 calls each weekday), made once with the app's
migrations and ``generate_demo_data`` and kept in benchmarks/data/ while its
recipe holds. Timed, each the median of ``--runs`` runs after a warm-up:

* the daily summary PDF for the busiest day (target < 2 s);
* the performance report PDF over the full financial year (target < 2 s).

Each is also given as a multiple of a floor measured in the same run: a raw
sqlite3 scan of the same rows (the day's calls and cases grouped by hour; the
year's cases grouped by service) plus writing a one-page reportlab PDF, the
least such a report can cost. Results go to benchmarks/results/reports.json;
the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from timing import timed  # noqa: E402

from contactdesk.auth.credentials import OperatingSystemAccount  # noqa: E402
from contactdesk.auth.sign_in import os_actor  # noqa: E402
from contactdesk.context import ServiceContext  # noqa: E402
from contactdesk.demo.generator import generate_demo_data  # noqa: E402
from contactdesk.persistence.database import Database  # noqa: E402
from contactdesk.persistence.engine import create_database_engine  # noqa: E402
from contactdesk.persistence.migrations import head_revision, upgrade  # noqa: E402
from contactdesk.services.reports import daily_report, performance_report  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "reports.json"
TARGET_S = 2.0
TODAY = date(2026, 4, 1)  # the demo year is the financial year 2025-26
SEED = 2026
RECIPE_VERSION = 2  # 2: the demo data has a telephony feed


def database(days: int, force: bool) -> Path:
    path = DATA / f"reports-{days}d.sqlite3"
    recipe_path = path.with_suffix(".recipe.json")
    recipe = {"days": days, "seed": SEED, "today": TODAY.isoformat(), "head": head_revision(),
              "version": RECIPE_VERSION}
    if (not force and path.exists() and recipe_path.exists()
            and json.loads(recipe_path.read_text()) == recipe):
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    for stale in (path, recipe_path):
        stale.unlink(missing_ok=True)
    print(f"making {path.name}: {days} days of demo data (a few minutes, once)", flush=True)
    made = Database.open(f"sqlite:///{path}")
    try:
        upgrade(made.engine)
        # As the command line on a new file: the running account, which adds the demo staff.
        ctx = ServiceContext(made, os_actor(OperatingSystemAccount()))
        generate_demo_data(ctx, days=days, seed=SEED, today=TODAY)
    finally:
        made.dispose()
    recipe_path.write_text(json.dumps(recipe))
    return path


def busiest_day(path: Path) -> tuple[date, int]:
    with sqlite3.connect(path) as db:
        day, calls = db.execute("SELECT date(started_at), count(*) FROM calls "
                                "GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchone()
    return date.fromisoformat(day), calls


def seconds(work, runs: int) -> dict:
    times, _first, _ = timed(work, runs)
    return {"median_s": statistics.median(times) / 1000, "min_s": min(times) / 1000,
            "max_s": max(times) / 1000}


def floor_pdf(out: Path) -> None:
    canvas = Canvas(str(out))
    canvas.drawString(72, 720, "floor")
    canvas.showPage()
    canvas.save()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--force", action="store_true", help="rebuild the database")
    args = parser.parse_args()
    path = database(args.days, args.force)
    day, day_calls = busiest_day(path)
    year_from, year_to = TODAY - timedelta(days=args.days), TODAY - timedelta(days=1)
    made = Database(create_database_engine(f"sqlite:///{path}"))
    ctx = ServiceContext(made, os_actor(OperatingSystemAccount()))
    raw = sqlite3.connect(path)
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        start, end = f"{day - timedelta(days=1)} 23:00", f"{day + timedelta(days=1)} 01:00"

        def daily_floor():
            raw.execute("SELECT strftime('%H', started_at), count(*) FROM calls WHERE started_at "
                        "BETWEEN ? AND ? GROUP BY 1", (start, end)).fetchall()
            raw.execute("SELECT count(*) FROM cases WHERE received_at BETWEEN ? AND ?",
                        (start, end)).fetchall()
            floor_pdf(out / "floor.pdf")

        def year_floor():
            raw.execute("SELECT service_id, count(*) FROM cases WHERE received_at BETWEEN ? AND ? "
                        "GROUP BY 1", (f"{year_from}", f"{year_to} 23:59")).fetchall()
            floor_pdf(out / "floor.pdf")

        figures["daily"] = {
            "what": f"daily summary for {day} ({day_calls} calls logged)",
            **seconds(lambda: daily_report(ctx, day, out / "daily.pdf"), args.runs),
            "floor_s": seconds(daily_floor, args.runs)["median_s"]}
        figures["performance"] = {
            "what": f"performance report {year_from} to {year_to}",
            **seconds(lambda: performance_report(ctx, year_from, year_to, out / "p.pdf"),
                      args.runs),
            "floor_s": seconds(year_floor, args.runs)["median_s"]}
    made.dispose()
    missed = []
    print(f"{'report':<12} {'median':>9} {'floor':>9} {'x floor':>8}  target < {TARGET_S:.0f} s")
    for name, f in figures.items():
        f["times_floor"] = f["median_s"] / f["floor_s"] if f["floor_s"] else None
        ok = f["median_s"] < TARGET_S
        missed += [] if ok else [name]
        print(f"{name:<12} {f['median_s']:>8.3f}s {f['floor_s']:>8.3f}s {f['times_floor']:>8.1f}  "
              f"{'ok' if ok else 'MISSED'}  {f['what']}")
    RESULTS.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "target_s": TARGET_S, "figures": figures}, indent=2) + "\n")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
