"""The sign-in window is on screen before the database is checked: typing is kept, Enter
signs in once the check is done, and a database that cannot be opened still says why."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from contactdesk.auth.credentials import REFUSED
from tests.ui.conftest import PASSWORD
from ui.app import StartUp, schema_is_current
from ui.desk import Desk

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def released():
    """Holds the schema check until the test sets it (the check itself is the real one)."""
    event = threading.Event()
    yield event
    event.set()  # never leave a worker waiting


def held_check(released: threading.Event):
    def check(url: str) -> bool:
        assert released.wait(10), "the test never let the check go on"
        return schema_is_current(url)
    return check


@pytest.fixture
def start(qtbot, ui_db_url, released):
    made: list[tuple[Desk, StartUp]] = []

    def make(url: str = ui_db_url, **options) -> StartUp:
        desk = Desk(url, idle_minutes=10, username=options.pop("username", ""))
        start_up = StartUp(desk, check=held_check(released), **options)
        made.append((desk, start_up))
        return start_up

    yield make
    for desk, start_up in made:
        start_up.runner.wait_for_all()
        desk.door.wait_for_all()
        if desk.window is not None:
            desk.window.runner.wait_for_all()
            desk.window.close()
            desk.window.workspace.close()


def test_the_sign_in_window_is_shown_before_the_check_finishes(qtbot, start, released, agent):
    start_up = start()
    dialog = start_up.begin()
    qtbot.waitExposed(dialog)
    assert dialog.isVisible() and not dialog.is_ready
    assert dialog.status.isVisible() and dialog.status.text() == "Checking the database…"
    qtbot.wait(100)  # the check has started (after the paint) and is held
    assert not dialog.is_ready and start_up.desk.window is None
    released.set()
    qtbot.waitUntil(lambda: dialog.is_ready)
    assert not dialog.status.isVisible()
    assert dialog.username.isEnabled() and dialog.password.isEnabled()


def test_typing_is_kept_and_enter_signs_in_once_the_database_is_ready(qtbot, start, released,
                                                                      agent):
    start_up = start()
    dialog = start_up.begin()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.username, "priya")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert start_up.desk.window is None and dialog.isVisible()
    assert dialog.status.text() == \
        "The database is being prepared: you will be signed in when it is ready."
    assert dialog.username.text() == "priya" and dialog.password.text() == PASSWORD
    released.set()
    qtbot.waitUntil(lambda: start_up.desk.window is not None, timeout=10_000)
    assert start_up.desk.window.workspace.actor.username == "priya"
    assert not dialog.isVisible()


def test_without_a_prompt_the_window_says_who_is_signing_in(qtbot, start, released, agent):
    start_up = start(username="priya", password=PASSWORD)
    dialog = start_up.begin()
    qtbot.waitExposed(dialog)
    assert dialog.status.text() == "Signing in as priya…" and dialog.username.text() == "priya"
    assert not dialog.username.isEnabled() and not dialog.password.isEnabled()
    released.set()
    qtbot.waitUntil(lambda: start_up.desk.window is not None, timeout=10_000)
    assert start_up.desk.window.workspace.actor.username == "priya"


def test_a_database_that_cannot_be_opened_is_said_in_a_sentence_and_exits_2(
        qtbot, start, released, tmp_path):
    start_up = start(f"sqlite:///{tmp_path / 'no such folder' / 'contactdesk.sqlite3'}")
    codes: list[int] = []
    start_up.finished.connect(codes.append)
    seen: list[str] = []

    def answer_the_box():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.objectName() == "cannotOpenDatabase" \
                    and widget.isVisible():
                seen.append(widget.text())
                widget.accept()
                return
        QTimer.singleShot(20, answer_the_box)

    dialog = start_up.begin()
    qtbot.waitExposed(dialog)
    QTimer.singleShot(0, answer_the_box)
    released.set()
    qtbot.waitUntil(lambda: codes == [2], timeout=10_000)
    assert seen == [f"folder {tmp_path / 'no such folder'} does not exist: "
                    "create it or choose another path"]


def test_a_wrong_password_on_stdin_is_one_line_and_exit_2(ui_db_url, agent, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "contactdesk", "--db", ui_db_url, "gui", "--user", "priya",
         "--password-stdin"], input="not her password at all\n", capture_output=True,
        text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines()
             if line.startswith("contactdesk:")]
    assert lines == [f"contactdesk: cannot sign in as priya: {REFUSED}"]


FIRST_PAINT = """
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
HEAVY = ("sqlalchemy", "contactdesk.workspace", "contactdesk.persistence", "holidays",
         "phonenumbers", "alembic", "contactdesk.cli.statistics")

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched.objectName() == "signInDialog":
            print(sorted(name for name in HEAVY if name in sys.modules), flush=True)
            os._exit(0)
        return False

probe = FirstPaint()
app.installEventFilter(probe)
from contactdesk.cli.main import main
main(["--db", sys.argv[1], "gui"])
"""


def test_the_first_paint_comes_before_the_database_layer_is_imported(ui_db_url, agent,
                                                                      tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", FIRST_PAINT, ui_db_url], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]"]


def test_an_empty_database_is_prepared_behind_progress_then_asks_for_the_first_administrator(
        qtbot, fresh_database_url, released):
    from ui.first_run import FirstAdminDialog

    url = fresh_database_url("sqlite", migrated=False)
    desk = Desk(url, idle_minutes=10)
    start_up = StartUp(desk, is_default=True, check=held_check(released))
    seen: list[str] = []

    def answer_dialogs():
        for widget in QApplication.topLevelWidgets():
            if not widget.isVisible():
                continue
            if widget.objectName() == "startupProgress" and "progress" not in seen:
                seen.append("progress")
                assert widget.labelText() == "Preparing the database…"
            elif isinstance(widget, QMessageBox) and widget.windowTitle() == "Welcome to ContactDesk":
                seen.append("demo question")
                widget.button(QMessageBox.StandardButton.No).click()
            elif isinstance(widget, FirstAdminDialog):
                seen.append("first administrator")
                widget.username.setText("helen.firth")
                widget.full_name.setText("Helen Firth")
                widget.password.setText(PASSWORD)
                widget.again.setText(PASSWORD)
                widget.create()
                return
        QTimer.singleShot(5, answer_dialogs)

    dialog = start_up.begin()
    qtbot.waitExposed(dialog)
    QTimer.singleShot(0, answer_dialogs)
    released.set()
    try:
        qtbot.waitUntil(lambda: desk.window is not None, timeout=20_000)
        assert seen == ["progress", "demo question", "first administrator"]
        assert desk.window.workspace.actor.role == "admin" and not dialog.isVisible()
    finally:
        start_up.runner.wait_for_all()
        if desk.window is not None:
            desk.window.runner.wait_for_all()
            desk.window.close()
            desk.window.workspace.close()
