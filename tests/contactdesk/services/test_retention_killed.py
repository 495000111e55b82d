"""Retention killed mid-run by the operating system, then run again: never a half-anonymised case."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta

from sqlalchemy import text

from contactdesk.persistence import audit_chain
from contactdesk.workspace import Workspace
from tests.contactdesk.cli.helpers import ROOT, run_cli

AS_OF = date.today() + timedelta(days=120)  # every demo case closed is past one month


def states(engine) -> list[tuple]:
    """(anonymised?, description removed?, location gone?, notes all removed?) per closed case."""
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT c.anonymised_at IS NOT NULL, c.description = '[removed]', "
            "c.location IS NULL AND c.postcode IS NULL, "
            "NOT EXISTS (SELECT 1 FROM case_notes n WHERE n.case_id = c.id "
            "            AND n.body <> '[removed]') "
            "FROM cases c WHERE c.closed_at IS NOT NULL")).all()


def anonymised(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT count(*) FROM cases WHERE anonymised_at IS NOT NULL"))


def test_a_killed_run_leaves_whole_cases_and_the_next_run_finishes(db_url, engine):
    owner = Workspace.for_this_account(db_url)
    owner.demo.generate_demo_data(days=2, telephony=False)
    for period in owner.retention.retention_periods():
        owner.retention.set_retention(period.code, 1)
    owner.close()
    total = len(states(engine))
    assert total > 40

    run = subprocess.Popen([sys.executable, "-m", "contactdesk", "--db", db_url, "retention",
                            "run", "--as-of", AS_OF.isoformat()], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env={k: v for k, v in os.environ.items()
                                if k != "CONTACTDESK_DATABASE_URL"})
    deadline = time.monotonic() + 60
    while anonymised(engine) < 5 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=10)
    done = anonymised(engine)
    assert 5 <= done < total, "the run was to be killed part-way"

    for anon, description_removed, place_gone, notes_removed in states(engine):
        if anon:  # each case is wholly anonymised or wholly as it was
            assert description_removed and place_gone and notes_removed
        else:
            assert not description_removed
    with engine.connect() as connection:
        assert audit_chain.verify(connection).intact

    again = run_cli("retention", "run", "--as-of", AS_OF.isoformat(), db=db_url)
    assert again.code == 0
    assert anonymised(engine) == total
    assert all(row == (True, True, True, True) for row in states(engine))
    with engine.connect() as connection:
        assert audit_chain.verify(connection).intact
