from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError

from contactdesk.persistence.engine import (
    NotOurDatabase,
    SchemaOutOfDate,
    SchemaTooNew,
    create_database_engine,
)
from contactdesk.persistence.migrations import (
    head_revision,
    require_current_schema,
    schema_state,
    script_directory,
    upgrade,
)
from contactdesk.persistence.models import Base


def test_history_is_linear_with_a_single_head():
    script = script_directory()
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert sum(1 for r in revisions if r.down_revision is None) == 1
    assert head_revision() == script.get_current_head()


def test_upgrade_from_empty_creates_the_schema_and_twice_is_harmless(empty_db_url):
    engine = create_database_engine(empty_db_url)
    try:
        assert schema_state(engine).is_empty
        with pytest.raises(SchemaOutOfDate, match="contactdesk db upgrade"):
            require_current_schema(engine)
        assert upgrade(engine).is_empty
        assert schema_state(engine).is_current
        assert upgrade(engine).is_current  # second run: nothing to do
        with engine.connect() as connection:
            categories = connection.scalar(text("SELECT count(*) FROM categories"))
            services = connection.scalar(text("SELECT count(*) FROM services"))
        assert categories >= 25 and services >= 6
    finally:
        engine.dispose()


def test_models_and_migrations_agree(db_url):
    engine = create_database_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_length_checks_hold_in_the_database_itself(db_url):
    engine = create_database_engine(db_url)
    try:
        with pytest.raises((IntegrityError, DataError)), engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO services (code, name, active) VALUES (:c, 'x', true)"), {"c": "c" * 41})
        with pytest.raises((IntegrityError, DataError)), engine.begin() as connection:
            connection.execute(text("INSERT INTO settings (key, value) VALUES ('k', :v)"),
                               {"v": "v" * 2001})
    finally:
        engine.dispose()


def test_a_database_with_other_tables_is_refused(empty_db_url):
    engine = create_database_engine(empty_db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE invoices (id integer primary key)"))
        with pytest.raises(NotOurDatabase, match="not ContactDesk's"):
            upgrade(engine)
    finally:
        engine.dispose()


def test_a_schema_from_a_newer_app_is_refused(db_url):
    engine = create_database_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(SchemaTooNew, match="newer ContactDesk"):
            upgrade(engine)
    finally:
        engine.dispose()


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("shopping list\n")
    with pytest.raises(NotOurDatabase, match="not a ContactDesk database"):
        create_database_engine(f"sqlite:///{path}")


def test_sqlite_runs_with_wal_full_sync_foreign_keys_and_busy_timeout(tmp_path):
    engine = create_database_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        with engine.connect() as connection:
            pragmas = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                       for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
        assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                           "busy_timeout": 15000}
    finally:
        engine.dispose()


def test_upgrading_a_sqlite_database_with_people_referred_to_keeps_every_reference(tmp_path):
    # 0005 rebuilds `users` on SQLite (a new CHECK); rows elsewhere refer to its people.
    from alembic import command
    from sqlalchemy import text

    from contactdesk.persistence.engine import create_database_engine
    from contactdesk.persistence.migrations import alembic_config, upgrade

    engine = create_database_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, username, full_name, role, active, created_at) "
            "VALUES (7, 'sam', 'Sam Taylor', 'agent', 1, '2026-01-05 09:00:00')"))
        connection.execute(text(
            "INSERT INTO audit_log (at, user_id, entity, entity_id, action) "
            "VALUES ('2026-01-05 09:00:00', 7, 'cases', '1', 'update')"))
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        assert connection.scalar(text(
            "SELECT u.username FROM audit_log a JOIN users u ON u.id = a.user_id")) == "sam"
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
    engine.dispose()
