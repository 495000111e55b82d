"""Shared pytest fixtures for ContactDesk.

Databases
---------
``db_url``            URL of a NEW, migrated (schema + reference data) database for this
                      test; parametrized, so every test using it runs twice, with ids
                      ``[sqlite]`` and ``[postgresql]``.
``empty_db_url``      same parametrization, but an empty database without any schema
                      (for migration tests).
``fresh_database_url``  factory: ``fresh_database_url(kind, *, migrated=True) -> str`` for
                      tests that need several databases or a fixed kind.
``database``          a Database (engine and session factories) on ``db_url``.
``engine``            its engine, disposed after the test.
``make_ctx``          factory: ``make_ctx(role="agent", username=None) -> ServiceContext``
                      for a person of that role (created when missing).
``ctx``               the context of an administrator, ``test.admin``.
``postgres_server``   the session's :class:`ThrowawayPostgres` (started on first use).

Migration runs once per session into a template (an SQLite file that is copied, a
PostgreSQL database ``cd_template`` used as ``CREATE DATABASE ... TEMPLATE``), so a
fresh database per test costs milliseconds.  PostgreSQL tests are never skipped: if
the server cannot start, they error.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.helpers.postgres import ThrowawayPostgres  # noqa: E402

DATABASE_KINDS = ("sqlite", "postgresql")
POSTGRES_TEMPLATE = "cd_template"

_database_numbers = itertools.count(1)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def _upgrade_database(url: str) -> None:
    # Imported lazily so that collecting the tests does not need the app's code.
    from contactdesk.persistence.migrations import upgrade_database

    upgrade_database(url)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    """A throwaway PostgreSQL server for the whole session (started on first use)."""
    server = ThrowawayPostgres()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    _upgrade_database(sqlite_url(path))
    # Fold any WAL content into the main file so a plain file copy is complete.
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def _postgres_template(postgres_server: ThrowawayPostgres) -> str:
    postgres_server.create_database(POSTGRES_TEMPLATE)
    _upgrade_database(postgres_server.url(POSTGRES_TEMPLATE))
    with postgres_server.connect() as conn:
        # Nobody may connect to the template afterwards (a connection would block
        # CREATE DATABASE ... TEMPLATE); drop any the migration left open.
        conn.execute(
            f"ALTER DATABASE {POSTGRES_TEMPLATE} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"
        )
    postgres_server.terminate_connections(POSTGRES_TEMPLATE)
    return POSTGRES_TEMPLATE


@pytest.fixture
def fresh_database_url(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[..., str]]:
    """Factory: ``fresh_database_url(kind, *, migrated=True) -> url``.

    ``kind`` is ``"sqlite"`` or ``"postgresql"``.  Each call gives a new database,
    migrated (schema and reference data) unless ``migrated=False``; PostgreSQL
    databases are dropped when the test ends, SQLite files live in ``tmp_path``.
    """
    created_pg: list[tuple[ThrowawayPostgres, str]] = []
    sqlite_files = itertools.count(1)

    def make(kind: str, *, migrated: bool = True) -> str:
        if kind == "sqlite":
            n = next(sqlite_files)
            stem = "test" if migrated else "empty"
            path = tmp_path / (f"{stem}.sqlite3" if n == 1 else f"{stem}-{n}.sqlite3")
            if migrated:
                shutil.copy(request.getfixturevalue("_sqlite_template"), path)
            else:
                path.touch()
            return sqlite_url(path)
        if kind == "postgresql":
            server: ThrowawayPostgres = request.getfixturevalue("postgres_server")
            template = request.getfixturevalue("_postgres_template") if migrated else None
            name = f"{'test' if migrated else 'empty'}_{next(_database_numbers)}"
            url = server.create_database(name, template=template)
            created_pg.append((server, name))
            return url
        raise ValueError(f"unknown database kind {kind!r}; expected one of {DATABASE_KINDS}")

    yield make

    for server, name in created_pg:
        server.drop_database(name)


@pytest.fixture(params=DATABASE_KINDS, ids=DATABASE_KINDS)
def db_url(request: pytest.FixtureRequest, fresh_database_url: Callable[..., str]) -> str:
    """URL of a new migrated database (``sqlite:///...`` or ``postgresql+psycopg://...``)."""
    return fresh_database_url(request.param)


@pytest.fixture(params=DATABASE_KINDS, ids=DATABASE_KINDS)
def empty_db_url(request: pytest.FixtureRequest, fresh_database_url: Callable[..., str]) -> str:
    """URL of a new, empty database (no tables) for migration tests."""
    return fresh_database_url(request.param, migrated=False)


@pytest.fixture
def database(db_url: str):
    """The test's fresh migrated database, disposed afterwards."""
    from contactdesk.persistence.database import Database

    database = Database.open(db_url)
    yield database
    database.dispose()


@pytest.fixture
def engine(database):
    """The engine of ``database`` (for checks in plain SQL)."""
    return database.engine


@pytest.fixture
def make_ctx(database):
    """Factory: ``make_ctx(role="agent", username=None, full_name=None) -> ServiceContext``."""
    from tests.helpers.contexts import context_for

    return lambda role="agent", username=None, full_name=None, **kw: context_for(
        database, role, username, full_name, **kw)


@pytest.fixture
def ctx(make_ctx):
    """An administrator's context (every permission)."""
    return make_ctx("admin", "test.admin", "Test Admin")
