"""A desk killed with SIGKILL at random moments: what it reported saved is there, audited, intact."""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import text

from contactdesk.persistence import audit_chain
from contactdesk.persistence.database import Database
from contactdesk.persistence.local_file import integrity_problem
from tests.contactdesk.cli.helpers import ROOT

KILLS = 100
DEADLINE = 30.0  # seconds any one reply from a desk may take


class Desks:
    """The forking helper: one import, then a real process per desk, killed at will."""

    def __init__(self, spare_url: str):
        env = {k: v for k, v in os.environ.items() if k != "CONTACTDESK_DATABASE_URL"}
        self.process = subprocess.Popen([sys.executable, "-m", "tests.helpers.desk_forker"],
                                        cwd=ROOT, env=env, text=True, bufsize=1,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.next_line() == "ready"
        self.tell(f"warm {spare_url}")
        assert self.next_line() == "warm"

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.strip())
        self.lines.put("")

    def next_line(self) -> str:
        line = self.lines.get(timeout=DEADLINE)
        assert line, "the desk helper stopped"
        return line

    def tell(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=DEADLINE)
        self.process.stdout.close()


def kill_part_way(desks: Desks, url: str, agent: str, rng: random.Random) -> list[str]:
    """Start a desk saving calls, SIGKILL it after a random moment; what it said it saved."""
    desks.tell(f"{url} {agent} 400")
    reply = desks.next_line()
    assert reply.startswith("child "), reply
    pid = int(reply.split()[1])
    said = [desks.next_line()]  # database opened and one save made: now any moment will do
    time.sleep(rng.uniform(0.0, 0.25))
    os.kill(pid, signal.SIGKILL)
    desks.tell(f"reap {pid}")
    while not (line := desks.next_line()).startswith("reaped "):
        said.append(line)
    assert not [line for line in said if not line.startswith("saved ")], said
    return [line.split()[1] for line in said]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_desk_killed_at_random_moments_loses_nothing_it_reported(fresh_database_url, kind):
    url = fresh_database_url(kind)
    rng = random.Random(2026)
    reported: list[str] = []
    desks = Desks(fresh_database_url(kind))
    try:
        for number in range(KILLS):
            reported += kill_part_way(desks, url, f"desk{number}", rng)
    finally:
        desks.close()
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
    assert len(reported) >= KILLS
    assert set(reported) <= stored  # every save the desk reported is there
    assert stored <= audited        # and every case there has its audit rows
