"""Many desks at once, in real processes: twenty on one PostgreSQL, four on one SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from contactdesk.persistence import audit_chain
from tests.contactdesk.cli.helpers import ROOT

DESKS = {"postgresql": 20, "sqlite": 4}
CALLS_EACH = 50


def start_desk(url: str, agent: str, count: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "CONTACTDESK_DATABASE_URL"}
    return subprocess.Popen([sys.executable, "-m", "tests.helpers.desk_writer", url, agent,
                             str(count)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_desks_saving_at_once_lose_nothing_and_share_references(fresh_database_url, kind):
    url = fresh_database_url(kind)
    desks = [start_desk(url, f"desk{n:02d}", CALLS_EACH) for n in range(DESKS[kind])]
    said = []
    for desk in desks:
        out, err = desk.communicate(timeout=300)
        assert desk.returncode == 0 and "Traceback" not in err, out + err
        said += [line.split()[1] for line in out.splitlines() if line.startswith("saved ")]
    expected = DESKS[kind] * CALLS_EACH
    assert len(said) == len(set(said)) == expected  # every save told its own reference
    from contactdesk.persistence.database import Database

    database = Database.open(url)
    try:
        with database.engine.connect() as connection:
            stored = connection.scalars(text("SELECT reference FROM cases")).all()
            assert sorted(stored) == sorted(said)
            numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in stored)
            assert numbers == list(range(1, expected + 1))  # no gaps, no repeats
            assert audit_chain.verify(connection).intact
    finally:
        database.dispose()
