"""Opening a database: engine options per backend, and clear errors when it fails.

SQLite runs in WAL mode with synchronous=FULL (an acknowledged save survives
a power cut) and writers take the lock up front with BEGIN IMMEDIATE, so two
desks never deadlock half-way through a save.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from ..domain.errors import ContactDeskError
from .local_file import UnsafeLocation, check_location
from .timeouts import CONNECT_TIMEOUT_S, POOL_TIMEOUT_S, SQLITE_BUSY_S, postgres_connect_args

BUSY_TIMEOUT_MS = SQLITE_BUSY_S * 1000
# Execution option marking a connection that will write (see _begin_sqlite).
WRITE = "contactdesk_write"


class DatabaseError(ContactDeskError):
    """The database cannot be used; the message says why and what to do."""


class DatabaseUnavailable(DatabaseError):
    pass


class NotOurDatabase(DatabaseError):
    pass


class SchemaTooNew(DatabaseError):
    pass


class SchemaOutOfDate(DatabaseError):
    pass


class LoginNotAllowed(DatabaseUnavailable):
    """The login connected but may not read the database's tables."""


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def database_name(url: str) -> str:
    """How a message names the database: a file, or a database on a server."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite":
        return f"the database file {parsed.database}"
    return (f"the database {parsed.database} on {parsed.host or 'localhost'}:"
            f"{parsed.port or 5432}")


def create_database_engine(url: str) -> Engine:
    """Build the engine for ``url`` without connecting."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"'{url}' is not a database URL (use sqlite:///path/to/file.sqlite3 "
            "or postgresql+psycopg://user@host/dbname)"
        ) from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            return _sqlite_engine(parsed)
        if backend == "postgresql":
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=5,
                                 pool_timeout=POOL_TIMEOUT_S,
                                 connect_args=postgres_connect_args())
    except NoSuchModuleError as exc:
        raise DatabaseUnavailable(f"no database driver for {parsed.drivername}: {exc}") from None
    raise DatabaseUnavailable(
        f"unsupported database '{backend}': ContactDesk runs on SQLite or PostgreSQL"
    )


def _sqlite_engine(parsed) -> Engine:
    database = parsed.database
    if database and database != ":memory:":
        try:
            check_location(Path(database))  # a network share is refused before anything else
        except UnsafeLocation as exc:
            raise DatabaseUnavailable(str(exc)) from None
        folder = Path(database).expanduser().resolve().parent
        if not folder.is_dir():
            raise DatabaseUnavailable(f"folder {folder} does not exist: create it or choose another path")
        _refuse_foreign_file(Path(database).expanduser())
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        # Let SQLAlchemy's BEGIN below, not pysqlite, open transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_sqlite(connection):
        write = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _refuse_foreign_file(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot read {path}: {exc.strerror}") from None
    if header != _SQLITE_MAGIC:
        raise NotOurDatabase(
            f"{path} is not a ContactDesk database (not an SQLite file): choose another file"
        )


def explain_connection_error(url: str, exc: BaseException) -> DatabaseError:
    """Turn a driver error on connect into a one-line message naming the database."""
    where = describe_url(url)
    original = getattr(exc, "orig", exc)
    if isinstance(original, sqlite3.DatabaseError) and "not a database" in str(original):
        return NotOurDatabase(f"{where} is not a ContactDesk database: choose another file")
    text = str(original).lower()
    if getattr(getattr(original, "diag", None), "sqlstate", None) == "42501":
        return LoginNotAllowed(f"this login may not read {database_name(url)}: ask an "
                               "administrator to add you as a ContactDesk user")
    parsed = make_url(url) if "://" in url else None
    server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}" if parsed else where
    for words, sentence in (
            (("timeout expired", "timed out"),
             f"the database server {server} did not answer within {CONNECT_TIMEOUT_S} seconds: "
             "check the network, or ask IT whether the server is running"),
            (("connection refused",),
             f"nothing is accepting connections at {server}: ask IT whether the database "
             "server is running, and check the address"),
            (("could not translate host name", "name or service not known", "nodename nor"),
             f"the server name in {where} is unknown: check the address"),
            (("does not exist",) if parsed and parsed.database and
             f'database "{parsed.database}"' in text else (),
             f"there is no database {parsed.database if parsed else ''} on {server}: check "
             "the URL, or create it and run `contactdesk db upgrade`"),
            (("unable to open database file",),
             f"{where} cannot be opened: check the file and its folder exist and this account "
             "may write to them"),
            (("readonly", "read-only"), f"{where} is read-only for this account: ask IT for "
             "write access to the file and its folder")):
        if words and any(w in text for w in words):
            return DatabaseUnavailable(sentence)
    return DatabaseUnavailable(f"cannot open the database {where} ({type(original).__name__}): "
                               "check the URL and that the server is running")


def table_names(engine: Engine) -> set[str]:
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    except DBAPIError as exc:
        raise explain_connection_error(str(engine.url), exc) from None
