"""Make the call statistics benchmark's inputs: a queue_log file and a database of attempts.

    .venv/bin/python benchmarks/generate_calls.py --lines 1000000 --attempts 2500000

Both come from the demo's telephony model (``contactdesk.demo.telephony``: two queues,
the intraday and weekly shape, waits that grow with load, abandons, timeouts, exits by
key and empty queues, agents' log-ins and breaks), so they look like a council contact
centre's PBX, and the same seed makes the same files.

* ``queue_log-N.log``: exactly N Asterisk queue_log lines, from 1 April 2025 at about
  1,250 calls a working day (about 3.1 lines a call: a million lines is some ten months).
  The last day stops where the line count is reached, like a log read in the middle of
  a day: its last few callers are still waiting or talking.
* ``calls-N.sqlite3``: the app's own migrations, then exactly N queue attempts of one
  feed (source ``pbx``) over five financial years, 1 April 2021 to 31 March 2026, at
  the volume that takes (2,500,000 is about 2,000 calls a working day, the demo's
  council), and the wait histogram rebuilt from them by the app's ``refresh_wait_days``.
  Attempts go in through sqlite3 ``executemany`` (a few seconds a million).

Each file goes to ``benchmarks/data/`` (git-ignored) with a ``.recipe.json`` beside it,
and is reused until its size, the seed, the schema head or the generator changes
(``--force`` makes it again).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contactdesk.auth.credentials import OperatingSystemAccount  # noqa: E402
from contactdesk.auth.sign_in import os_actor  # noqa: E402
from contactdesk.context import ServiceContext  # noqa: E402
from contactdesk.demo.telephony import ATTEMPT_COLUMNS, CallCentre  # noqa: E402
from contactdesk.demo.texts import FIRST_NAMES, SURNAMES  # noqa: E402
from contactdesk.persistence.database import Database  # noqa: E402
from contactdesk.persistence.migrations import head_revision, upgrade_database  # noqa: E402
from contactdesk.telephony.store import refresh_wait_days  # noqa: E402

GENERATOR = 1  # bump when the data this script makes changes
DEFAULT_LINES = 1_000_000
DEFAULT_ATTEMPTS = 2_500_000
DATA_DIR = ROOT / "benchmarks" / "data"
SOURCE = "pbx"
LOG_FIRST_DAY = date(2025, 4, 1)
LOG_CALLS_PER_DAY = 1250
DB_FIRST_DAY, DB_LAST_DAY = date(2021, 4, 1), date(2026, 3, 31)  # five financial years
AGENTS = 28
BATCH_DAYS = 40


def agent_names(seed: int, count: int = AGENTS) -> list[str]:
    """Usernames for the PBX's agents (first.last, unique)."""
    rng = random.Random(seed)
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)}.{rng.choice(SURNAMES)}".lower().replace(" ", "").replace("'", "")
        if name not in names:
            names.append(name)
    return names


def _fresh(path: Path, recipe: dict, force: bool, say) -> bool:
    """True when ``path`` was made from ``recipe`` already; otherwise clears the way."""
    marker = Path(f"{path}.recipe.json")
    if not force and path.exists() and marker.exists() and json.loads(marker.read_text()) == recipe:
        say(f"{path} was made already (--force makes it again)")
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal", ".recipe.json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return False


def generate_log(path: Path, lines: int, seed: int = 2026, force: bool = False,
                 quiet: bool = False) -> Path:
    """Make ``path`` hold exactly ``lines`` queue_log lines (unless it was made so already)."""
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    recipe = {"lines": lines, "seed": seed, "first_day": LOG_FIRST_DAY.isoformat(),
              "calls_per_day": LOG_CALLS_PER_DAY, "generator": GENERATOR}
    if _fresh(path, recipe, force, say):
        return path
    started = time.perf_counter()
    centre = CallCentre(seed, agent_names(seed), calls_per_day=LOG_CALLS_PER_DAY)
    written, day = 0, LOG_FIRST_DAY
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        while written < lines:
            for d in centre.working_days(day, day):
                block = centre.log_lines(centre.day(d))[:lines - written]
                handle.writelines(block)
                written += len(block)
            day = date.fromordinal(day.toordinal() + 1)
    Path(f"{path}.recipe.json").write_text(json.dumps(recipe) + "\n")
    say(f"wrote {path} ({written:,} lines to {day.isoformat()}, "
        f"{path.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - started:.1f} s")
    return path


def fill_attempts(con, attempts: int, seed: int = 2026) -> list[date]:
    """Insert exactly ``attempts`` queue attempts of the feed through ``con`` (sqlite3, or
    anything with its execute/executemany/commit); returns the working days they cover."""
    # The volume that makes ``attempts`` over the span (a little over: the surplus at the
    # start of the first day is deleted afterwards, so the count is exact).
    probe = CallCentre(seed, agent_names(seed), calls_per_day=1000)
    days = probe.working_days(DB_FIRST_DAY, DB_LAST_DAY)
    per_1000 = sum(probe.volume(d) for d in days)
    sql = (f"INSERT INTO call_attempts ({', '.join(ATTEMPT_COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in ATTEMPT_COLUMNS)})")
    margin = 1.002
    for _ in range(5):
        centre = CallCentre(seed, agent_names(seed), calls_per_day=1000 * attempts / per_1000 * margin)
        total = 0
        for start in range(0, len(days), BATCH_DAYS):
            records = centre.records(centre.day(d) for d in days[start:start + BATCH_DAYS])
            records = [(SOURCE, *r[1:]) for r in records]
            con.executemany(sql, records)
            con.commit()
            total += len(records)
        if total >= attempts:
            break
        # Small volumes round unevenly day by day: aim higher and make them again.
        con.execute("DELETE FROM call_attempts")
        con.commit()
        margin *= attempts / max(total, 1) * 1.02
    else:
        raise RuntimeError(f"made {total} attempts, fewer than {attempts}")
    # Exactly ``attempts``: the surplus goes from the start of the first day.
    con.execute("DELETE FROM call_attempts WHERE id <= (SELECT min(id) FROM call_attempts) + ?",
                (total - attempts - 1,))
    con.commit()
    return days


def generate_db(path: Path, attempts: int, seed: int = 2026, force: bool = False,
                quiet: bool = False) -> Path:
    """Make ``path`` a migrated SQLite file with exactly ``attempts`` queue attempts and
    their wait histogram (unless it was made so already)."""
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    recipe = {"attempts": attempts, "seed": seed, "first_day": DB_FIRST_DAY.isoformat(),
              "last_day": DB_LAST_DAY.isoformat(), "schema": head_revision(),
              "generator": GENERATOR}
    if _fresh(path, recipe, force, say):
        return path
    started = time.perf_counter()
    upgrade_database(f"sqlite:///{path}")
    con = sqlite3.connect(path, isolation_level="DEFERRED")
    try:
        con.execute("PRAGMA journal_mode=OFF")  # one writer filling a new file: no journal
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-1000000")
        days = fill_attempts(con, attempts, seed)
        say(f"{attempts:,} attempts, {days[0]} to {days[-1]}  "
            f"({time.perf_counter() - started:.0f} s)")
    finally:
        con.close()
    ctx = ServiceContext(Database.open(f"sqlite:///{path}"), os_actor(OperatingSystemAccount()))
    try:
        with ctx.uow(write=True) as uow:
            refresh_wait_days(uow.session, SOURCE, set(days))
            uow.commit()
    finally:
        ctx.database.dispose()
    con = sqlite3.connect(path)
    try:
        histogram = con.execute("SELECT count(*) FROM call_wait_days").fetchone()[0]
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    Path(f"{path}.recipe.json").write_text(json.dumps(recipe) + "\n")
    say(f"wrote {path} ({path.stat().st_size / 1e6:,.0f} MB, {histogram:,} histogram rows) "
        f"in {time.perf_counter() - started:.0f} s")
    return path


def log_path(lines: int) -> Path:
    return DATA_DIR / f"queue_log-{lines}.log"


def db_path(attempts: int) -> Path:
    return DATA_DIR / f"calls-{attempts}.sqlite3"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES, help="queue_log lines")
    parser.add_argument("--attempts", type=int, default=DEFAULT_ATTEMPTS,
                        help="queue attempts in the database")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true", help="make the files again")
    args = parser.parse_args(argv)
    generate_log(log_path(args.lines), args.lines, args.seed, args.force)
    generate_db(db_path(args.attempts), args.attempts, args.seed, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
