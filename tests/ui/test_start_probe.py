"""The start-up probe benchmarks/bench_start.py reads: first paint, then a usable call form."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.ui.conftest import PASSWORD, add_person

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_says_when_it_first_painted_and_when_a_call_can_be_taken(ui_db_url, tmp_path):
    add_person(ui_db_url, "helen", "admin", "Helen Firth")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONTACTDESK_START_PROBE": "1",
           "XDG_DATA_HOME": str(tmp_path)}  # drafts and outbox stay in the test's folder
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "contactdesk.cli.main", "--db", ui_db_url, "gui",
         "--user", "helen", "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    assert [name for name, _ in lines] == ["first-paint", "call-form-usable"]
    painted, usable = (float(when) for _, when in lines)
    assert painted <= usable
    # What was imported on the way (-X importtime): neither alembic, for a schema already
    # current, nor the modules of the pages not yet shown.
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "ui.call_form" in imported and "sqlalchemy" in imported
    assert not {name for name in imported if name.split(".")[0] == "alembic"}
    assert not {"ui.case_list", "ui.dashboard", "ui.staffing_view", "ui.reports_view",
                "ui.complaints_page", "ui.service_deadlines"} & imported
