"""`db upgrade` on a current schema is a version check, not an Alembic run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from alembic import command
from sqlalchemy import text

from contactdesk.persistence.engine import create_database_engine
from contactdesk.persistence.migrations import (
    alembic_config,
    head_revision,
    known_revisions,
    schema_state,
    script_directory,
)
from contactdesk.workspace import Workspace


def test_the_head_read_from_the_files_is_alembics():
    script = script_directory()
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {r.revision: r.down_revision for r in script.walk_revisions()}


def test_a_current_schema_is_upgraded_without_importing_alembic(db_url):
    probe = textwrap.dedent(f"""
        import sys
        from contactdesk.workspace import Workspace
        before = Workspace.migrate({db_url!r})
        assert before.is_current, before
        print(sorted(name for name in sys.modules if name.split(".")[0] == "alembic"))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_an_older_schema_is_still_migrated(empty_db_url):
    engine = create_database_engine(empty_db_url)
    try:
        previous = known_revisions()[head_revision()]
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, previous)
        state = schema_state(engine)
        assert state.current == previous and not state.is_current
    finally:
        engine.dispose()
    before = Workspace.migrate(empty_db_url)
    assert before.current == previous
    engine = create_database_engine(empty_db_url)
    try:
        assert schema_state(engine).is_current
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
    finally:
        engine.dispose()
