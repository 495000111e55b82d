"""Fill an SQLite file with N realistic cases, their callers and calls, fast.

    .venv/bin/python benchmarks/generate_cases.py --cases 1000000

The schema comes from the app's own migrations (so the search indexes, word
tables and their triggers are the ones a real database has); rows then go in
straight through sqlite3 ``executemany`` in a few big transactions, which is
what makes a million cases take about a minute instead of hours through the
services.

What the data looks like (a borough's contact centre over eight years):
cases spread over working days from 2019 to yesterday, ids rising with time;
references per category prefix and year; about 2.2 cases per caller, 15% of
cases anonymous; callers named from the demo name lists, unique UK mobile or
Rotherham (01709) numbers; locations on ~2,500 streets (the demo gazetteer's
real streets first) with their postcodes; cases more than two months old are
nearly all finished, a small backlog is overdue, recent ones mostly open;
0.5% have no due time (legacy imports).

The file is reused when it already holds N cases (``--force`` rebuilds it).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sqlite3
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contactdesk.demo import GAZETTEER_CSV  # noqa: E402
from contactdesk.demo.texts import FIRST_NAMES, SURNAMES, TITLES  # noqa: E402
from contactdesk.persistence.migrations import head_revision, upgrade_database  # noqa: E402

GENERATOR = 1  # bump when the data this script makes changes
DEFAULT_CASES = 1_000_000
DATA_DIR = ROOT / "benchmarks" / "data"
FIRST_DAY = date(2019, 1, 2)
BATCH = 50_000

STREET_STEMS = (
    "Abbey", "Albert", "Alma", "Ash", "Aston", "Bawtry", "Beech", "Birch", "Blyth", "Bramley",
    "Brecks", "Brinsworth", "Broom", "Canklow", "Carlton", "Catcliffe", "Cedar", "Chapel",
    "Church", "Clifton", "Coronation", "Cross", "Dalton", "Derwent", "Dinnington", "Don",
    "Doncaster", "East", "Eastwood", "Elm", "Fairfield", "Ferham", "Fitzwilliam", "Garden",
    "Greasbrough", "Green", "Greenfield", "Grove", "Hall", "Harthill", "Hawthorn", "Hellaby",
    "Herringthorpe", "High", "Highfield", "Hill", "Holly", "Kilnhurst", "Kimberworth", "King",
    "Kiveton", "Laughton", "Lime", "Maltby", "Manor", "Maple", "Masbrough", "Meadow", "Mill",
    "Moorgate", "Morthen", "Munsbrough", "New", "North", "Oak", "Old", "Orchard", "Park",
    "Parkgate", "Queen", "Rawmarsh", "Ravenfield", "Rosehill", "Sandygate", "School", "Sitwell",
    "South", "Spring", "Station", "Swinton", "Sycamore", "Thorpe", "Thrybergh", "Thurcroft",
    "Tickhill", "Todwick", "Treeton", "Ulley", "Valley", "Victoria", "Wales", "Wath", "Well",
    "Wentworth", "West", "Whiston", "Wickersley", "Willow", "Windmill", "Wood", "Woodlands",
    "Worrygoose", "Wortley", "Aughton", "Anston", "Bolton", "Brampton", "Denaby", "Firbeck",
    "Goldthorpe", "Harley", "Hooton", "Letwell", "Loversall", "Micklebring", "Netherfield",
    "Nursery", "Oldcoates", "Pleasley", "Psalters", "Roche", "Scholes", "Slade", "Stag",
    "Stainton", "Upper", "Wadworth", "Waverley", "Wingfield", "Woodsetts", "Yew",
)
STREET_KINDS = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Crescent", "Way",
                "Grove", "Terrace", "View", "Gardens", "Court", "Rise", "Walk", "Place")
# Locality -> postcode district.
LOCALITIES = {
    "Rotherham town centre": "S60", "Moorgate": "S60", "Broom": "S60", "Canklow": "S60",
    "Whiston": "S60", "Brinsworth": "S60", "Kimberworth": "S61", "Greasbrough": "S61",
    "Kimberworth Park": "S61", "Rawmarsh": "S62", "Parkgate": "S62", "Wath-upon-Dearne": "S63",
    "Swinton": "S64", "Kilnhurst": "S64", "Herringthorpe": "S65", "Dalton": "S65",
    "Thrybergh": "S65", "Eastwood": "S65", "Clifton": "S65", "Wickersley": "S66",
    "Bramley": "S66", "Maltby": "S66", "Thurcroft": "S66", "Dinnington": "S25",
    "Anston": "S25", "Kiveton Park": "S26", "Aston": "S26", "Wales": "S26", "Harthill": "S26",
}
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
LOCATED_GROUPS = {"SP", "PK", "HR"}  # Streetpride, parking and housing cases have a place
CATEGORY_WEIGHT = {"SP": 6.0, "CT": 2.0, "BR": 0.3, "BEN": 1.2, "PK": 1.0, "HR": 1.2,
                   "ASC": 0.4, "GEN": 0.8}


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_US = 86_400_000_000
_DAY_TEXT: dict[int, str] = {}


def stamp(moment: datetime) -> str:
    """The text SQLAlchemy stores for a UTC datetime on SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def stamp_us(us: int) -> str:
    """``stamp`` for microseconds since 1970 (UTC), about five times faster."""
    day, rest = divmod(us, DAY_US)
    text = _DAY_TEXT.get(day)
    if text is None:
        text = _DAY_TEXT[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
    seconds, micro = divmod(rest, 1_000_000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{text}{hours:02d}:{minutes:02d}:{seconds:02d}.{micro:06d}"


def working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


class Generator:
    def __init__(self, con: sqlite3.Connection, cases: int, seed: int, today: date):
        self.con = con
        self.n = cases
        self.rng = random.Random(seed)
        self.now = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=7)
        self.days = working_days(FIRST_DAY, today - timedelta(days=1))

    # -- reference data ---------------------------------------------------------
    def users(self) -> list[int]:
        now = stamp(self.now)
        rows = [(f"bench{i:02d}", f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}",
                 "agent" if i < 36 else "supervisor", 1, now) for i in range(40)]
        self.con.executemany("INSERT INTO users (username, full_name, role, active, created_at) "
                             "VALUES (?, ?, ?, ?, ?)", rows)
        return [r[0] for r in self.con.execute(
            "SELECT id FROM users WHERE username LIKE 'bench%' ORDER BY id")]

    def streets(self) -> list[tuple[int, str, str, list[str]]]:
        """(usrn, street name, town, postcodes): the demo gazetteer's, then made-up ones."""
        rng = self.rng
        found: dict[tuple[str, str], tuple[int, str, str, set[str]]] = {}
        with open(GAZETTEER_CSV, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                key = (row["street"], row["locality"])
                usrn = int(row["usrn"])
                found.setdefault(key, (usrn, row["street"], row["locality"], set()))[3].add(
                    row["postcode"])
        streets = [(u, name, loc, sorted(codes)) for u, name, loc, codes in found.values()]
        names = {(s[1], s[2]) for s in streets}
        localities = list(LOCALITIES)
        usrn = 31_000_000
        while len(streets) < 2_500:
            name = f"{rng.choice(STREET_STEMS)} {rng.choice(STREET_KINDS)}"
            locality = rng.choice(localities)
            if (name, locality) in names:
                continue
            names.add((name, locality))
            district = LOCALITIES[locality]
            codes = sorted({f"{district} {rng.randint(1, 9)}{rng.choice(UNIT_LETTERS)}"
                            f"{rng.choice(UNIT_LETTERS)}" for _ in range(rng.randint(1, 3))})
            usrn += 1
            streets.append((usrn, name, locality, codes))
        known = {r[0] for r in self.con.execute("SELECT usrn FROM streets")}
        self.con.executemany(
            "INSERT INTO streets (usrn, name, locality, town) VALUES (?, ?, ?, 'Rotherham')",
            [(u, name, loc) for u, name, loc, _ in streets if u not in known])
        return streets

    # -- callers ------------------------------------------------------------------
    def callers(self, streets) -> list[tuple[str, str]]:
        """Insert the callers; return each one's (address, postcode) by id - 1."""
        rng = self.rng
        count = max(1, int(self.n * 0.45))
        mobiles = iter(rng.sample(range(400_000_000, 1_000_000_000), count))  # 074.. to 079..
        landlines = iter(rng.sample(range(200_000, 999_999), min(790_000, count)))
        homes, rows = [], []
        created = stamp(self.now - timedelta(days=3000))
        for _ in range(count):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            if rng.random() < 0.2:
                name = f"{rng.choice(TITLES)} {name}"
            landline = next(landlines, None) if rng.random() < 0.35 else None
            digits = f"1709{landline}" if landline is not None else f"7{next(mobiles)}"
            raw = f"0{digits[:4]} {digits[4:]}"
            _usrn, street, locality, codes = rng.choice(streets)
            address = f"{rng.randint(1, 180)} {street}, {locality}"
            postcode = rng.choice(codes)
            email = (f"{name.split()[-2].lower()}.{name.split()[-1].lower()}{rng.randint(1, 99)}"
                     "@example.com") if rng.random() < 0.3 else None
            rows.append((name, f"+44{digits}", raw, email, address, postcode, created, created))
            homes.append((address, postcode))
            if len(rows) == BATCH:
                self._insert_callers(rows)
        self._insert_callers(rows)
        return homes

    def _insert_callers(self, rows: list) -> None:
        self.con.executemany(
            "INSERT INTO callers (name, phone_e164, phone_raw, email, address, postcode, "
            "created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)", rows)
        rows.clear()

    # -- cases and calls ------------------------------------------------------------
    def cases(self, users: list[int], streets, homes) -> dict[tuple[str, int], int]:
        rng, n, random = self.rng, self.n, self.rng.random
        categories = self.con.execute(
            "SELECT c.id, g.prefix, c.default_service_id, c.target_amount, c.target_unit, c.name "
            "FROM categories c JOIN category_groups g ON g.id = c.group_id ORDER BY c.id").fetchall()
        services = [r[0] for r in self.con.execute("SELECT id FROM services")]
        weights = list(accumulate(CATEGORY_WEIGHT[prefix] for _, prefix, *_ in categories))
        priorities = ("normal", "high", "low", "urgent")
        priority_weights = list(accumulate((85, 8, 5, 2)))
        counters: dict[tuple[str, int], int] = {}
        agents, everyone = users[:36], users
        now_us = (self.now - EPOCH) // timedelta(microseconds=1)
        day_starts = [(datetime(d.year, d.month, d.day, 8, tzinfo=UTC) - EPOCH)
                      // timedelta(microseconds=1) for d in self.days]
        years = [d.year for d in self.days]
        cases, calls, links = [], [], []
        day_count, caller_count = len(self.days), len(homes)
        for case_id in range(1, n + 1):
            day = min(day_count - 1, (case_id - 1) * day_count // n)
            received = day_starts[day] + int(random() * 12 * 3600 * 1_000_000)
            category_id, prefix, service_id, amount, unit, category_name = rng.choices(
                categories, cum_weights=weights)[0]
            if random() < 0.05:
                service_id = rng.choice(services)
            year = years[day]
            number = counters[(prefix, year)] = counters.get((prefix, year), 0) + 1
            reference = f"{prefix}-{year}-{number:06d}"
            caller_id = 1 + int(random() * caller_count) if random() < 0.85 else None
            location = postcode = usrn = None
            if prefix in LOCATED_GROUPS:
                usrn, street, locality, codes = rng.choice(streets)
                postcode = rng.choice(codes)
                if random() < 0.9:
                    location = f"{1 + int(random() * 180)} {street}, {locality}"
                else:
                    location = f"Near the shops, {street}, {locality}"
                if random() < 0.3:
                    usrn = None  # typed by hand, not picked from the gazetteer
            elif caller_id is not None and random() < 0.5:
                location, postcode = homes[caller_id - 1]
            target = amount * 3_600_000_000 if unit == "working_hours" \
                else amount * DAY_US * 7 // 5
            due = None if random() < 0.005 else stamp_us(received + target)
            status, closed = self._status((now_us - received) // DAY_US)
            closed_at = None
            if closed:
                closed_at = stamp_us(min(received + int(target * (0.2 + random() * 1.1)),
                                         now_us - 300_000_000))
            agent = rng.choice(agents)
            updater = agent if status == "new" else rng.choice(everyone)
            created = stamp_us(received + 60_000_000 + int(random() * 540_000_000))
            key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            description = f"{category_name} reported by phone" + (f" at {location}" if location else "")
            priority = rng.choices(priorities, cum_weights=priority_weights)[0]
            received_text = stamp_us(received)
            cases.append((case_id, reference, category_id, service_id, status, priority,
                          description, location, postcode, usrn, caller_id, received_text, due,
                          closed_at, agent, created, updater, closed_at or created,
                          1 if status == "new" else 2 + int(random() * 4), key))
            wait = round(rng.expovariate(1 / 25), 1)
            started = received - int((wait + 60 + random() * 340) * 1_000_000)
            calls.append((case_id, "phone" if random() < 0.9 else "email", agent, caller_id,
                          category_id, stamp_us(started), stamp_us(started + int(wait * 1e6)),
                          received_text, wait, "case_created", description, key))
            links.append((case_id, case_id))
            if len(cases) == BATCH:
                self._insert_cases(cases, calls, links)
        self._insert_cases(cases, calls, links)
        return counters

    def _status(self, age_days: int) -> tuple[str, bool]:
        r = self.rng.random()
        if age_days > 60:
            if r < 0.005:
                return self.rng.choice(("routed", "in_progress")), False  # the overdue backlog
            if r < 0.02:
                return "duplicate", True
            if r < 0.03:
                return "withdrawn", True
            return ("resolved" if r < 0.05 else "closed"), True
        if r < max(0.06, 1 - age_days / 20):
            return self.rng.choices(("new", "routed", "in_progress"), (2, 5, 3))[0], False
        return ("resolved" if r < 0.7 else "closed"), True

    def _insert_cases(self, cases: list, calls: list, links: list) -> None:
        self.con.executemany(
            "INSERT INTO cases (id, reference, category_id, service_id, status, priority, "
            "description, location, postcode, usrn, caller_id, received_at, due_at, closed_at, "
            "created_by_id, created_at, updated_by_id, updated_at, version, idempotency_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cases)
        self.con.executemany(
            "INSERT INTO calls (id, channel, agent_id, caller_id, category_id, started_at, "
            "answered_at, ended_at, wait_seconds, outcome, summary, idempotency_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", calls)
        self.con.executemany("INSERT INTO call_cases (call_id, case_id, link) "
                             "VALUES (?, ?, 'created')", links)
        self.con.commit()
        for batch in (cases, calls, links):
            batch.clear()


def fill_cases(con, cases: int, seed: int, today: date, say=lambda *a: None) -> None:
    """Fill a migrated database through ``con`` (sqlite3, or anything with its
    execute/executemany/commit) with ``cases`` cases, their callers and calls."""
    started = time.perf_counter()
    gen = Generator(con, cases, seed, today)
    users = gen.users()
    streets = gen.streets()
    say(f"{len(streets):,} streets, {len(users)} users")
    homes = gen.callers(streets)
    say(f"{len(homes):,} callers  ({time.perf_counter() - started:.0f} s)")
    counters = gen.cases(users, streets, homes)
    con.executemany(
        "INSERT INTO reference_counters (prefix, year, last_value) VALUES (?, ?, ?) "
        "ON CONFLICT (prefix, year) DO UPDATE SET last_value = excluded.last_value",
        [(prefix, year, last) for (prefix, year), last in counters.items()])
    con.commit()
    say(f"{cases:,} cases and calls  ({time.perf_counter() - started:.0f} s)")


def _recipe(cases: int, seed: int) -> dict:
    """What a file was made from: rebuilt when any of it changes (a new migration too)."""
    return {"cases": cases, "seed": seed, "schema": head_revision(), "generator": GENERATOR}


def generate(path: Path, cases: int, seed: int = 2026, today: date | None = None,
             force: bool = False, quiet: bool = False) -> Path:
    """Make ``path`` hold ``cases`` generated cases, unless it was made so already
    (benchmarks may have added a few saves since: that is fine)."""
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    marker = Path(f"{path}.recipe.json")
    recipe = _recipe(cases, seed)
    if not force and path.exists() and marker.exists() \
            and json.loads(marker.read_text()) == recipe:
        say(f"{path} was made with {cases:,} cases already (--force makes it again)")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal", ".recipe.json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    upgrade_database(f"sqlite:///{path}")
    con = sqlite3.connect(path, isolation_level="DEFERRED")
    try:
        con.execute("PRAGMA journal_mode=OFF")  # one writer filling a new file: no journal
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-1000000")
        con.execute("PRAGMA foreign_keys=OFF")
        fill_cases(con, cases, seed, today or date.today(), say)
        con.execute("PRAGMA journal_mode=WAL")  # what the app uses
    finally:
        con.close()
    marker.write_text(json.dumps(recipe) + "\n")
    size = path.stat().st_size / 1e6
    say(f"wrote {path} ({size:,.0f} MB) in {time.perf_counter() - started:.0f} s")
    return path


def default_path(cases: int) -> Path:
    return DATA_DIR / f"cases-{cases}.sqlite3"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    parser.add_argument("--out", type=Path, help="SQLite file (default benchmarks/data/...)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true", help="rebuild even if the file exists")
    args = parser.parse_args(argv)
    generate(args.out or default_path(args.cases), args.cases, args.seed, force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
