"""Time the desktop app from its command to its first window painted and to a usable call form.

    .venv/bin/python benchmarks/bench_start.py            # a demo SQLite file, made once
    .venv/bin/python benchmarks/bench_start.py --db URL --user NAME   # password from
                                        # $CONTACTDESK_BENCH_PASSWORD (else the demo one)

Each run is a new process, started offscreen as a person would start it
(`contactdesk gui`, signed in with ``--password-stdin`` so no dialog waits) with
``CONTACTDESK_START_PROBE`` set: the app prints the time of its first window's first paint
(the sign-in window, saying "Signing in as NAME…": it is painted before the database layer
is imported, the schema checked and the person signed in, all of which then run on a
thread) and of the moment the main window's call form can take a call (signed in, the
category and service lists arrived), then exits. The floor is a bare PySide6 main window
started and painted the same way, in a process of its own, alternating with the app's runs
so both see the same machine. Figures are the median of ``--runs`` runs after one warm-up of
each (the disk cache); the target is first paint within 1.5x the floor.
Results go to benchmarks/results/start.json; the exit status is 1 when it is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "start.json"
TARGET_RATIO = 1.5
DEMO_DAYS = 30
SEED = 2026
PROBE = "CONTACTDESK_START_PROBE"  # read by ui/app.py
BARE_WINDOW = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched is window:
            print(f"first-paint {time.time():.6f}", flush=True)
            os._exit(0)
        return False

probe = FirstPaint()
window.installEventFilter(probe)
window.show()
app.exec()
"""


def demo_database(force: bool) -> Path:
    """A month of the app's own demo data, made once and kept while its recipe holds."""
    from contactdesk.persistence.migrations import head_revision

    path = DATA / f"start-{DEMO_DAYS}d.sqlite3"
    recipe_path = path.with_suffix(".recipe.json")
    recipe = {"days": DEMO_DAYS, "seed": SEED, "head": head_revision()}
    if (not force and path.exists() and recipe_path.exists()
            and json.loads(recipe_path.read_text()) == recipe):
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    for stale in (path, recipe_path):
        stale.unlink(missing_ok=True)
    print(f"making {path.name}: {DEMO_DAYS} days of demo data (once)", flush=True)
    url = f"sqlite:///{path}"
    for command in (["db", "upgrade"], ["demo-data", "--days", str(DEMO_DAYS), "--seed", str(SEED)]):
        subprocess.run([sys.executable, "-m", "contactdesk.cli.main", "--db", url, *command],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    recipe_path.write_text(json.dumps(recipe))
    return path


def demo_sign_in(path: Path) -> tuple[str, str]:
    """An administrator of the demo data (every tab is theirs) and the demo password."""
    with sqlite3.connect(path) as db:
        (username,) = db.execute("SELECT username FROM users WHERE role = 'admin' AND active "
                                 "ORDER BY id LIMIT 1").fetchone()
        (password,) = db.execute("SELECT value FROM settings WHERE key = 'demo_password'").fetchone()
    return username, password


def stamps(command: list[str], env: dict[str, str], stdin: str = "") -> dict[str, float]:
    """Seconds from starting ``command`` to each ``name <epoch seconds>`` line it prints."""
    start = time.time()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    seen = {}
    for line in done.stdout.splitlines():
        name, _, when = line.partition(" ")
        try:
            seen[name] = float(when) - start
        except ValueError:
            continue
    if "first-paint" not in seen:
        raise SystemExit(f"no first paint from {command[:4]}…: {done.stderr.strip()[-500:]}")
    return seen


def summary(values: list[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(values) * 1000, "min_ms": min(values) * 1000,
            "max_ms": max(values) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", metavar="URL", help="database to sign in to (default: demo SQLite)")
    parser.add_argument("--user", help="who signs in (with --db)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--force", action="store_true", help="rebuild the demo database")
    args = parser.parse_args()
    if args.db:
        if not args.user:
            parser.error("--db needs --user")
        url, username = args.db, args.user
        password = os.environ.get("CONTACTDESK_BENCH_PASSWORD", "streetpride demo desk")
    else:
        path = demo_database(args.force)
        url = f"sqlite:///{path}"
        username, password = demo_sign_in(path)
    # A data folder of its own: no draft or outbox of a real desk is offered back or sent.
    data_home = tempfile.TemporaryDirectory()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", PROBE: "1", "XDG_DATA_HOME": data_home.name}
    app = [sys.executable, "-m", "contactdesk.cli.main", "--db", url, "gui", "--user", username,
           "--password-stdin"]
    bare = [sys.executable, "-c", BARE_WINDOW]
    floor, paint, usable = [], [], []
    for run in range(args.runs + 1):  # the first of each warms the disk cache: not counted
        floor_seen = stamps(bare, env)
        app_seen = stamps(app, env, password + "\n")
        if run:
            floor.append(floor_seen["first-paint"])
            paint.append(app_seen["first-paint"])
            usable.append(app_seen.get("call-form-usable", float("nan")))
    figures = {"floor": {"what": "a bare PySide6 main window, first paint", **summary(floor)},
               "first_paint": {"what": "contactdesk gui, first window (sign-in) first paint",
                               **summary(paint)},
               "call_form": {"what": "contactdesk gui, signed in, call form usable (lists loaded)",
                             **summary(usable)}}
    data_home.cleanup()
    floor_ms = figures["floor"]["median_ms"]
    print(f"{'start':<12} {'median':>9} {'min':>9} {'max':>9} {'x floor':>8}  "
          f"target <= {TARGET_RATIO}x floor")
    for name, f in figures.items():
        f["times_floor"] = f["median_ms"] / floor_ms
        print(f"{name:<12} {f['median_ms']:>7.0f}ms {f['min_ms']:>7.0f}ms {f['max_ms']:>7.0f}ms "
              f"{f['times_floor']:>8.2f}  {f['what']}")
    met = figures["first_paint"]["times_floor"] <= TARGET_RATIO
    print("first paint:", "met" if met else "MISSED")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()},"
                   f" {os.cpu_count()} CPUs",
        "database": "demo SQLite" if not args.db else url.split("@")[-1],
        "runs": args.runs, "target_times_floor": TARGET_RATIO, "met": met,
        "figures": figures}, indent=2) + "\n")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
