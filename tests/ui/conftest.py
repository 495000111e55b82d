"""Fixtures for the desktop front end: a workspace on a fresh SQLite database and a signed-in agent.

The services underneath are tested on SQLite and PostgreSQL in tests/contactdesk;
the widgets are driven here against SQLite.
"""

from __future__ import annotations

import pytest

from contactdesk.workspace import Workspace
from ui.tasks import TaskRunner


@pytest.fixture
def ui_db_url(fresh_database_url) -> str:
    return fresh_database_url("sqlite")


@pytest.fixture
def workspace(ui_db_url):
    workspace = Workspace.open(ui_db_url)
    yield workspace
    workspace.close()


@pytest.fixture
def agent(workspace):
    return workspace.add_user("priya", "agent", "Priya Shah")


@pytest.fixture
def runner(qtbot):
    """Runs work inline so widget tests are deterministic; tests/ui/test_tasks.py covers threads."""
    return TaskRunner(synchronous=True)


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_gui_thread():
    """As in the app (ui/gc_guard.py): no automatic collection while workers may run."""
    import gc

    gc.collect()
    gc.disable()
    yield
    gc.enable()
    gc.collect()
