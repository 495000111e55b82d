"""Composition root of the desktop app, in an explicit order:
display check, application and style, database (migrated with progress), demo
data on first run, sign-in, main window.
"""

from __future__ import annotations

import os
import sys
import threading

from contactdesk.domain.errors import ContactDeskError
from contactdesk.workspace import Workspace


def has_display() -> bool:
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def create_main_window(database_url: str, username: str, *, synchronous: bool = False):
    """The signed-in main window on ``database_url``, without prompts (automation and tests).

    Raises ContactDeskError when the database cannot be used or the user is unknown.
    """
    from .main_window import MainWindow
    from .tasks import TaskRunner

    workspace = Workspace.open(database_url, migrate=True)
    try:
        user = workspace.user(username)
    except ContactDeskError:
        workspace.close()
        raise
    return MainWindow(workspace, TaskRunner(synchronous=synchronous), user)


def run(database_url: str, username: str | None = None, is_default: bool = False) -> int:
    if not has_display():
        print("contactdesk: no display to open the window on: run it in a desktop session, "
              "or set QT_QPA_PLATFORM=offscreen for a headless check", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication, QMessageBox

    from .main_window import MainWindow
    from .sign_in import SignInDialog
    from .style import stylesheet
    from .tasks import TaskRunner

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ContactDesk")
    from .gc_guard import collect_on_gui_thread

    collect_on_gui_thread(app)
    app.setStyleSheet(stylesheet(os.environ.get("CONTACTDESK_THEME", "normal")))

    try:
        if Workspace.needs_upgrade(database_url):
            _with_progress("Preparing the database…", lambda: Workspace.open(database_url, migrate=True).close())
        workspace = Workspace.open(database_url)
    except ContactDeskError as exc:
        QMessageBox.critical(None, "ContactDesk cannot open the database", str(exc))
        return 2

    if is_default and workspace.overview().cases == 0:
        answer = QMessageBox.question(
            None, "Welcome to ContactDesk",
            "This database is empty. Load 30 days of demo calls and cases to try the app?")
        if answer == QMessageBox.StandardButton.Yes:
            _with_progress("Creating demo data…", workspace.generate_demo_data)

    users = workspace.users()
    if username is None:
        if not users:
            QMessageBox.information(None, "No users yet",
                                    "Add a user first: contactdesk users add NAME --role agent --name \"Full Name\"")
            return 2
        dialog = SignInDialog(users)
        if not dialog.exec():
            return 0
        username = dialog.chosen_username()
    try:
        user = workspace.user(username)
    except ContactDeskError as exc:
        QMessageBox.critical(None, "Cannot sign in", str(exc))
        return 2
    window = MainWindow(workspace, TaskRunner(), user)
    window.show()
    return app.exec()


def _with_progress(label: str, work) -> None:
    """Run ``work`` on a thread behind a busy progress dialog; re-raise its error here."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(label, "", 0, 0)
    dialog.setCancelButton(None)
    dialog.setWindowTitle("ContactDesk")
    dialog.setMinimumDuration(0)
    dialog.show()
    outcome: list[BaseException] = []
    loop = QEventLoop()

    def target():
        try:
            work()
        except BaseException as exc:  # handed back to the GUI thread below
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    while thread.is_alive():
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        thread.join(0.05)
    dialog.close()
    if outcome:
        raise outcome[0]
