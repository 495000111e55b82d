"""Alembic migrations run from code, so they work in a checkout, a wheel or a bundle.

The Alembic environment lives in the top-level ``db`` package; its location is
resolved from the installed package rather than a path relative to the
current directory.

Alembic itself is imported only when there is something to migrate: a start-up
with a current schema compares the head read from the revision files with
``alembic_version`` and is done.
"""

from __future__ import annotations

import ast
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from . import grants
from .engine import (
    DatabaseError,
    NotOurDatabase,
    SchemaOutOfDate,
    SchemaTooNew,
    create_database_engine,
    describe_url,
    explain_connection_error,
    table_names,
)
from .reference_data import seed_reference_data

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# A table only ContactDesk creates: with alembic_version it marks a database as ours.
MARKER_TABLE = "reference_counters"


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("db")))
    config.attributes["engine"] = engine
    return config


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def _assigned_string(tree: ast.Module, name: str) -> str | None:
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if isinstance(target, ast.Name) and target.id == name and node.value is not None:
            value = ast.literal_eval(node.value)
            return value if isinstance(value, str) or value is None else None
    return None


@cache
def known_revisions() -> dict[str, str | None]:
    """Each revision of ``db/versions`` and the one it revises, read from the files
    (parsed, not imported: no alembic needed to know where the schema should be)."""
    revisions: dict[str, str | None] = {}
    for path in (resources.files("db") / "versions").iterdir():
        if not path.name.endswith(".py") or path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        revision = _assigned_string(tree, "revision")
        if revision:
            revisions[revision] = _assigned_string(tree, "down_revision")
    return revisions


def head_revision() -> str:
    revisions = known_revisions()
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads; expected one")
    return heads.pop()


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def is_empty(self) -> bool:
        return self.current is None

    @property
    def is_current(self) -> bool:
        return self.current == self.head


def schema_state(engine: Engine) -> SchemaState:
    """Where the database stands against this app's migrations.

    Raises NotOurDatabase for a database holding someone else's tables and
    SchemaTooNew for one migrated by a newer ContactDesk.
    """
    where = describe_url(str(engine.url))
    tables = table_names(engine)
    head = head_revision()
    if not tables:
        return SchemaState(None, head)
    if "alembic_version" not in tables or MARKER_TABLE not in tables:
        raise NotOurDatabase(
            f"{where} holds tables that are not ContactDesk's: choose an empty or ContactDesk database"
        )
    try:
        with engine.connect() as connection:
            current = connection.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError as exc:
        raise explain_connection_error(str(engine.url), exc) from None
    if current is not None and current not in known_revisions():
        raise SchemaTooNew(
            f"{where} was migrated by a newer ContactDesk (schema {current}): update this app"
        )
    return SchemaState(current, head)


def require_current_schema(engine: Engine) -> None:
    state = schema_state(engine)
    if not state.is_current:
        raise SchemaOutOfDate(
            f"the database {describe_url(str(engine.url))} needs its schema created or updated: "
            "run `contactdesk db upgrade`"
        )


@contextmanager
def _foreign_keys_deferred_on_sqlite(connection: Connection):
    """SQLite alters a table by copying it, dropping the old one and renaming the copy.

    With foreign keys on, dropping a table other rows refer to fails (or cascades), so
    they are off while the migrations run (SQLite's own recipe for schema changes) and
    every reference is checked before they are back on.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection  # outside any transaction: PRAGMA applies
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _refuse_broken_references(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:  # raised inside the transaction: nothing is kept
        raise MigrationBroken(
            f"the upgrade would leave {len(broken)} broken references (first in table "
            f"{broken[0][0]}): the database was not changed; report this")


class MigrationBroken(DatabaseError):
    pass


def upgrade(engine: Engine) -> SchemaState:
    """Create or migrate the schema to the latest revision and seed reference data."""
    before = schema_state(engine)
    if not before.is_current:
        from alembic import command

        try:
            with engine.connect() as connection:
                with _foreign_keys_deferred_on_sqlite(connection):
                    with connection.begin():
                        if connection.dialect.name == "postgresql":  # rebuilding takes time
                            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
                        config = alembic_config(engine)
                        config.attributes["connection"] = connection
                        command.upgrade(config, "head")
                        _refuse_broken_references(connection)
                        if connection.dialect.name == "postgresql":
                            grants.apply(connection)
        except DBAPIError as exc:
            raise explain_connection_error(str(engine.url), exc) from None
    seed_reference_data(engine)
    return before


def upgrade_database(url: str) -> None:
    """Convenience for tests and scripts: open ``url`` and upgrade it."""
    engine = create_database_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
