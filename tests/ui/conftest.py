"""Fixtures for the desktop front end: a fresh SQLite database and a signed-in agent.

The services underneath are tested on SQLite and PostgreSQL in tests/contactdesk;
the widgets are driven here against SQLite.
"""

from __future__ import annotations

import pytest

from contactdesk.auth.credentials import Password
from contactdesk.workspace import Workspace
from ui.tasks import TaskRunner

# Every person these tests add signs in with this password.
PASSWORD = "kettle on, phones ringing, Monday"


def add_person(url: str, username: str, role: str, full_name: str):
    """Add a user (as the operating-system account, as `contactdesk users add` does)."""
    admin = Workspace.for_this_account(url)
    try:
        return admin.users.add_user(username, role, full_name, PASSWORD)
    finally:
        admin.close()


def sign_in(url: str, username: str) -> Workspace:
    return Workspace.open(url, Password(username, PASSWORD))


@pytest.fixture
def ui_db_url(fresh_database_url) -> str:
    return fresh_database_url("sqlite")


@pytest.fixture
def agent(ui_db_url):
    return add_person(ui_db_url, "priya", "agent", "Priya Shah")


@pytest.fixture
def workspace(ui_db_url, agent):
    """The agent Priya Shah, signed in."""
    workspace = sign_in(ui_db_url, agent.username)
    yield workspace
    workspace.close()


@pytest.fixture
def signed_in(ui_db_url):
    """Factory: ``signed_in(username, role, full_name)`` adds that person and signs them in."""
    opened: list[Workspace] = []

    def make(username: str, role: str, full_name: str) -> Workspace:
        add_person(ui_db_url, username, role, full_name)
        opened.append(sign_in(ui_db_url, username))
        return opened[-1]

    yield make
    for workspace in opened:
        workspace.close()


@pytest.fixture
def supervisor(signed_in):
    """The supervisor Sam Taylor, signed in (statistics, imports and exports are theirs)."""
    return signed_in("sam", "supervisor", "Sam Taylor")


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


@pytest.fixture(autouse=True)
def _closing_a_window_with_a_typed_call_discards_it(monkeypatch):
    """A modal question would wait forever offscreen: windows closed by the tests' teardown
    drop what is typed. tests/ui/test_typed_call_kept.py answers the question both ways."""
    from ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "confirm_discard", lambda self, title, question: True)
    monkeypatch.setattr(MainWindow, "restore_draft_wanted", lambda self, draft: False)
    monkeypatch.setattr(MainWindow, "restore_case_edit_wanted", lambda self, draft: False)


@pytest.fixture(autouse=True)
def _drafts_kept_in_the_tests_own_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    # No settings file of the machine's (theme, idle lock) reaches a test's window.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("CONTACTDESK_SYSTEM_CONFIG", str(tmp_path / "no-system-config.toml"))
