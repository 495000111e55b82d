"""A desk killed with SIGKILL at random moments: what it reported saved is there, audited, intact."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from contactdesk.persistence import audit_chain
from contactdesk.persistence.database import Database
from contactdesk.persistence.local_file import integrity_problem
from tests.contactdesk.cli.helpers import ROOT

KILLS = {"sqlite": 12, "postgresql": 8}


def kill_part_way(url: str, agent: str, rng: random.Random) -> list[str]:
    """Start a desk saving calls, SIGKILL it after a random moment; what it said it saved."""
    env = {k: v for k, v in os.environ.items() if k != "CONTACTDESK_DATABASE_URL"}
    desk = subprocess.Popen([sys.executable, "-m", "tests.helpers.desk_writer", url, agent, "400"],
                            cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    first = desk.stdout.readline()  # imports done and one save made: now any moment will do
    time.sleep(rng.uniform(0.0, 0.6))
    desk.send_signal(signal.SIGKILL)
    rest, _ = desk.communicate(timeout=30)
    return [line.split()[1] for line in (first + rest).splitlines() if line.startswith("saved ")]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_desk_killed_at_random_moments_loses_nothing_it_reported(fresh_database_url, kind):
    url = fresh_database_url(kind)
    rng = random.Random(2026)
    reported: list[str] = []
    for number in range(KILLS[kind]):
        reported += kill_part_way(url, f"desk{number}", rng)
    database = Database.open(url)
    try:
        assert integrity_problem(database.engine) is None
        with database.engine.connect() as connection:
            stored = set(connection.scalars(text("SELECT reference FROM cases")))
            audited = set(connection.scalars(text(
                "SELECT c.reference FROM cases c JOIN audit_log a ON a.entity = 'cases' "
                "AND a.entity_id = CAST(c.id AS TEXT) AND a.action = 'create'")))
            assert audit_chain.verify(connection).intact
    finally:
        database.dispose()
    assert len(reported) >= KILLS[kind]
    assert set(reported) <= stored  # every save the desk reported is there
    assert stored <= audited        # and every case there has its audit rows
