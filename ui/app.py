"""Composition root of the desktop app, in an explicit order:
display check, application and style, database (migrated with progress), demo
data or the first administrator on first run, sign-in, main window.
"""

from __future__ import annotations

import os
import sys
import threading

from contactdesk.auth.credentials import Password
from contactdesk.domain.errors import ContactDeskError
from contactdesk.workspace import Workspace


def has_display() -> bool:
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def create_main_window(database_url: str, username: str, password: str, *,
                       synchronous: bool = False):
    """The main window signed in as the dialog would, without prompts (automation and tests).

    Raises SignInRefused when the name and password do not match, and
    ContactDeskError when the database cannot be used.
    """
    from .main_window import MainWindow
    from .tasks import TaskRunner

    workspace = Workspace.open(database_url, Password(username, password), migrate=True)
    return MainWindow(workspace, TaskRunner(synchronous=synchronous), workspace.user)


def run(database_url: str, username: str | None = None, is_default: bool = False,
        password: str | None = None) -> int:
    if not has_display():
        print("contactdesk: no display to open the window on: run it in a desktop session, "
              "or set QT_QPA_PLATFORM=offscreen for a headless check", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication, QMessageBox

    from .desk import Desk, idle_minutes_from_environment
    from .first_run import FirstAdminDialog
    from .gc_guard import collect_on_gui_thread
    from .style import stylesheet

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ContactDesk")
    collect_on_gui_thread(app)
    app.setStyleSheet(stylesheet(os.environ.get("CONTACTDESK_THEME", "normal")))

    try:
        if Workspace.needs_upgrade(database_url):
            _with_progress("Preparing the database…", lambda: Workspace.migrate(database_url))
        hints = Workspace.before_sign_in(database_url)
        if not hints.has_users and is_default:
            answer = QMessageBox.question(
                None, "Welcome to ContactDesk",
                "This database is empty. Load 30 days of demo calls and cases to try the app?")
            if answer == QMessageBox.StandardButton.Yes:
                _with_progress("Creating demo data…",
                               lambda report: _demo_data(database_url, report), measured=True)
                hints = Workspace.before_sign_in(database_url)
    except ContactDeskError as exc:
        QMessageBox.critical(None, "ContactDesk cannot open the database", str(exc))
        return 2

    desk = Desk(database_url, username=username or "", demo_password=hints.demo_password,
                location=describe_location(database_url),
                idle_minutes=idle_minutes_from_environment())
    desk.closed.connect(lambda: app.quit() if desk.window is None else None)
    if os.environ.get(START_PROBE):
        desk.signedIn.connect(_report_start_and_exit)
    if password is not None and username:
        try:
            desk.open_window(desk._attempt(username, password))
        except ContactDeskError as exc:
            print(f"contactdesk: cannot sign in as {username}: {exc}", file=sys.stderr)
            return 2
    elif not hints.has_users:
        first = FirstAdminDialog(lambda name, full, secret: Workspace.create_first_admin(
            database_url, name, full, secret))
        if not first.exec():
            return 0
        desk.open_window(first.workspace)
    else:
        desk.ask_to_sign_in()
    return app.exec()


# Set (by benchmarks/bench_start.py) to print when the main window is first painted and when
# its call form can take a call, as seconds since the epoch, then exit.
START_PROBE = "CONTACTDESK_START_PROBE"


def _report_start_and_exit(window) -> None:
    import time

    from PySide6.QtCore import QEvent, QObject, QTimer

    def form_ready() -> None:  # the catalogue lists have arrived: a call can be saved
        form = window.call_form
        if form.isVisible() and form.ui.service.count() and form.ui.category.count():
            print(f"call-form-usable {time.time():.6f}", flush=True)
            os._exit(0)  # nothing to keep: the teardown is no part of the start
        QTimer.singleShot(1, form_ready)

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint and watched is window:
                window.removeEventFilter(self)
                print(f"first-paint {time.time():.6f}", flush=True)
                QTimer.singleShot(0, form_ready)
            return False

    window._start_probe = probe = FirstPaint(window)
    window.installEventFilter(probe)


def _demo_data(url: str, report=None) -> None:
    workspace = Workspace.for_this_account(url)
    try:
        workspace.demo.generate_demo_data(days=30, if_empty=True, progress=report)
    finally:
        workspace.close()


def describe_location(url: str) -> str:
    from contactdesk.config import describe_database

    return describe_database(url)


def _with_progress(label: str, work, *, measured: bool = False) -> None:
    """Run ``work`` on a thread behind a progress dialog; re-raise its error here.

    With ``measured`` the work is called with a ``report(fraction, sentence)``
    callback (from its own thread) and the dialog shows a bar and the sentence;
    otherwise a busy indicator.
    """
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(label, "", 0, 100 if measured else 0)
    dialog.setObjectName("startupProgress")
    dialog.setCancelButton(None)
    dialog.setWindowTitle("ContactDesk")
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(420)
    dialog.show()
    outcome: list[BaseException] = []
    latest: list[tuple[float, str]] = []  # appended on the worker, read here: no lock needed
    loop = QEventLoop()

    def target():
        try:
            if measured:
                work(lambda fraction, text: latest.append((fraction, text)))
            else:
                work()
        except BaseException as exc:  # handed back to the GUI thread below
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    while thread.is_alive():
        if latest:
            fraction, text = latest[-1]
            dialog.setValue(round(fraction * 100))
            dialog.setLabelText(f"{label}\n{text}…")
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        thread.join(0.05)
    dialog.close()
    if outcome:
        raise outcome[0]
