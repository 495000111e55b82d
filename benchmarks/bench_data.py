"""The harness's data: one database per size on each database server, bulk loaded once.

Each size's database holds ``cases`` cases with their callers and calls
(``generate_cases``) and 2.5 attempts a case over five financial years
(``generate_calls``: at a million cases, the 2.5 million attempts the
year to date is measured over), with the wait histogram rebuilt by the app.
SQLite files are filled through ``executemany`` in big transactions; PostgreSQL
databases through ``COPY`` (psycopg's ``cursor.copy``) with triggers off, then
the search word tables are filled in one statement each, as the migration does.

The recipe a database was made from is kept beside it (a ``.recipe.json`` for a
file, the database's comment on PostgreSQL); it is reused while that holds.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
from datetime import date
from pathlib import Path

from generate_calls import GENERATOR as CALLS_GENERATOR
from generate_calls import SOURCE, fill_attempts
from generate_cases import GENERATOR as CASES_GENERATOR
from generate_cases import fill_cases
from sqlalchemy.engine import make_url

from contactdesk.auth.credentials import OperatingSystemAccount
from contactdesk.auth.sign_in import os_actor
from contactdesk.context import ServiceContext
from contactdesk.persistence.database import Database
from contactdesk.persistence.migrations import head_revision, upgrade_database
from contactdesk.telephony.store import refresh_wait_days

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "benchmarks" / "data"
ATTEMPTS_PER_CASE = 2.5
SEED = 2026
TODAY = date(2026, 4, 1)  # fixed, so a database stays valid from day to day
_INSERT = re.compile(r"INSERT INTO (\w+) \(([^)]*)\) VALUES \([?, ]*\)$")


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def database_url(base: str, name: str) -> str:
    """The URL of database ``name`` beside ``base``: a file in the same folder for SQLite
    (``sqlite`` alone means benchmarks/data/), a database on the same server for PostgreSQL."""
    if is_postgres(base):
        url = make_url(base).set(database=name)
        return url.render_as_string(hide_password=False)
    folder = DATA_DIR if base == "sqlite" else Path(make_url(base).database or ".").parent
    return f"sqlite:///{folder / f'{name}.sqlite3'}"


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def raw_connect(url: str):
    """A plain driver connection (sqlite3 or psycopg, autocommit) for floors and loading."""
    if not is_postgres(url):
        return sqlite3.connect(sqlite_path(url), isolation_level=None)
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(conninfo, autocommit=True)


def recipe_for(cases: int) -> dict:
    return {"cases": cases, "attempts": attempts_for(cases), "seed": SEED,
            "today": TODAY.isoformat(), "schema": head_revision(),
            "generators": [CASES_GENERATOR, CALLS_GENERATOR]}


def attempts_for(cases: int) -> int:
    return int(cases * ATTEMPTS_PER_CASE)


class CopyLoader:
    """sqlite3's execute/executemany/commit over psycopg: plain INSERTs become COPY."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, sql: str, params: tuple | None = None):
        if sql.startswith("PRAGMA"):
            return []
        return self.connection.execute(sql.replace("?", "%s"), params or None)

    def executemany(self, sql: str, rows) -> None:
        match = _INSERT.match(sql)
        with self.connection.cursor() as cursor:
            if match is None:
                cursor.executemany(sql.replace("?", "%s"), list(rows))
                return
            table, columns = match.groups()
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def commit(self) -> None:
        self.connection.commit()


# -- one size's database ----------------------------------------------------------------

def prepare(base: str, cases: int, say=print) -> str:
    """The URL of the database for ``cases`` on ``base``'s server, made unless it is."""
    url = database_url(base, f"contactdesk_bench_{cases}")
    recipe = recipe_for(cases)
    if _recipe_held(url) == recipe:
        say(f"reusing {_describe(url)} ({cases:,} cases)")
        return url
    say(f"making {_describe(url)}: {cases:,} cases, {attempts_for(cases):,} attempts")
    create_empty(url)
    upgrade_database(url)
    if is_postgres(url):
        _fill_postgres(url, cases)
    else:
        _fill_sqlite(url, cases)
    days = _histogram_days(url)
    ctx = ServiceContext(Database.open(url), os_actor(OperatingSystemAccount()))
    try:
        with ctx.uow(write=True) as uow:
            refresh_wait_days(uow.session, SOURCE, days)
            uow.commit()
    finally:
        ctx.database.dispose()
    _analyse(url)
    _keep_recipe(url, recipe)
    return url


def _describe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _fill_sqlite(url: str, cases: int) -> None:
    con = sqlite3.connect(sqlite_path(url), isolation_level="DEFERRED")
    try:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000",
                       "foreign_keys=OFF"):
            con.execute(f"PRAGMA {pragma}")  # one writer filling a new file
        fill_cases(con, cases, SEED, TODAY)
        fill_attempts(con, attempts_for(cases), SEED)
        con.execute("PRAGMA journal_mode=WAL")  # what the app uses
    finally:
        con.close()


def _fill_postgres(url: str, cases: int) -> None:
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as connection:
        # Triggers off while loading (no audit rows, no notifications, no word triggers
        # per row); the word tables are filled afterwards in one statement each.
        connection.execute("SET session_replication_role = replica")
        connection.execute("SET timezone = 'UTC'")
        loader = CopyLoader(connection)
        fill_cases(loader, cases, SEED, TODAY)
        fill_attempts(loader, attempts_for(cases), SEED)
        for statement in _word_fills():
            connection.execute(statement)
        _reset_sequences(connection)
        connection.commit()


def _word_fills() -> list[str]:
    """The search word tables' fill statements, from the migration that made them."""
    path = ROOT / "db" / "versions" / "0002_case_search_indexes.py"
    spec = importlib.util.spec_from_file_location("case_search_indexes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [f"INSERT INTO {words} ({owner}, word) "
            f"{module._postgres_words('t.id', f't.{column}', f'{table} AS t, ')} "
            "ON CONFLICT DO NOTHING" for words, owner, table, column in module.WORD_TABLES]


def _reset_sequences(connection) -> None:
    """Rows went in with their ids: move each id sequence past them."""
    rows = connection.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND column_name = 'id' AND column_default LIKE 'nextval%' "
        "UNION SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND column_name = 'id' AND is_identity = 'YES'").fetchall()
    for (table,) in rows:
        connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")


def _histogram_days(url: str) -> set[date]:
    con = raw_connect(url)
    try:
        days = con.execute("SELECT DISTINCT local_day FROM call_attempts").fetchall()
    finally:
        con.close()
    return {d if isinstance(d, date) else date.fromisoformat(d) for (d,) in days}


def _analyse(url: str) -> None:
    """Planner statistics, as a database in use would have them."""
    con = raw_connect(url)
    try:
        con.execute("ANALYZE")
        if not is_postgres(url):
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


# -- recipes and empty databases ---------------------------------------------------------

def _admin(url: str):
    return raw_connect(database_url(url, "postgres"))


def _recipe_held(url: str) -> dict | None:
    if is_postgres(url):
        with _admin(url) as con:
            row = con.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                              "WHERE datname = %s", (make_url(url).database,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None
    marker = Path(f"{sqlite_path(url)}.recipe.json")
    if sqlite_path(url).exists() and marker.exists():
        return json.loads(marker.read_text())
    return None


def _keep_recipe(url: str, recipe: dict) -> None:
    text = json.dumps(recipe)
    if is_postgres(url):
        name = make_url(url).database
        with _admin(url) as con:
            con.execute(f'COMMENT ON DATABASE "{name}" IS \'{text}\'')
    else:
        Path(f"{sqlite_path(url)}.recipe.json").write_text(text + "\n")


def create_empty(url: str) -> None:
    if is_postgres(url):
        name = make_url(url).database
        with _admin(url) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            con.execute(f'CREATE DATABASE "{name}"')
        return
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal", ".recipe.json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def fresh_migrated(base: str, name: str) -> str:
    """A new empty database ``name`` with the app's schema (for the import runs)."""
    url = database_url(base, name)
    create_empty(url)
    upgrade_database(url)
    return url


def drop(url: str) -> None:
    if is_postgres(url):
        with _admin(url) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{sqlite_path(url)}{suffix}").unlink(missing_ok=True)
