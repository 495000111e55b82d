"""Composition root of the desktop app, in an explicit order:
display check, application and style, the sign-in window painted, then on a thread
the database (imported, checked, migrated with progress), demo data or the first
administrator on first run, sign-in, main window.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from contactdesk.auth.credentials import Password
from contactdesk.domain.errors import ContactDeskError


def has_display() -> bool:
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def create_main_window(database_url: str, username: str, password: str, *,
                       synchronous: bool = False):
    """The main window signed in as the dialog would, without prompts (automation and tests).

    Raises SignInRefused when the name and password do not match, and
    ContactDeskError when the database cannot be used.
    """
    from contactdesk.workspace import Workspace

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
    from PySide6.QtWidgets import QApplication

    from .desk import Desk, idle_minutes_from_environment
    from .gc_guard import collect_on_gui_thread
    from .style import stylesheet

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ContactDesk")
    collect_on_gui_thread(app)
    app.setStyleSheet(stylesheet(chosen_theme()))

    desk = Desk(database_url, username=username or "", location=describe_location(database_url),
                idle_minutes=idle_minutes_from_environment())
    desk.closed.connect(lambda: app.quit() if desk.window is None else None)
    start = StartUp(desk, is_default=is_default, password=password)
    start.finished.connect(app.exit)
    start.begin()  # the sign-in window now; the database once it is painted
    if os.environ.get(START_PROBE):
        _probe_start(desk)
    code = app.exec()
    start.runner.wait_for_all()  # a migration under way is finished, never cut short
    return code


# Set (by benchmarks/bench_start.py) to print when the first window (sign-in) is painted
# and when the main window's call form can take a call, as seconds since the epoch, then exit.
START_PROBE = "CONTACTDESK_START_PROBE"
# With the probe: a PNG path to save the main window to just before exiting (a smoke test of
# an installed build can see what it showed).
SCREENSHOT = "CONTACTDESK_SCREENSHOT"


def _probe_start(desk) -> None:
    import time

    def form_ready(window) -> None:  # the catalogue lists have arrived: a call can be saved
        form = window.call_form
        if form.isVisible() and form.ui.service.count() and form.ui.category.count():
            print(f"call-form-usable {time.time():.6f}", flush=True)
            if os.environ.get(SCREENSHOT):
                window.grab().save(os.environ[SCREENSHOT])
            os._exit(0)  # nothing to keep: the teardown is no part of the start
        QTimer.singleShot(1, lambda: form_ready(window))

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint and watched is dialog:
                dialog.removeEventFilter(self)
                print(f"first-paint {time.time():.6f}", flush=True)
            return False

    dialog = desk.dialog
    dialog._start_probe = probe = FirstPaint(dialog)
    dialog.installEventFilter(probe)
    desk.signedIn.connect(lambda window: QTimer.singleShot(0, lambda: form_ready(window)))


def chosen_theme() -> str:
    """$CONTACTDESK_THEME, else ``options.theme`` from the settings files, else normal."""
    from contactdesk.config import option

    return os.environ.get("CONTACTDESK_THEME") or option("theme", "normal")


def describe_location(url: str) -> str:
    from contactdesk.config import describe_database

    return describe_database(url)


# The database work of the start, run on a thread: contactdesk.workspace (SQLAlchemy, the data
# model) is imported there, after the sign-in window has been painted.

def schema_is_current(url: str) -> bool:
    from contactdesk.workspace import Workspace

    return not Workspace.needs_upgrade(url)


def _migrate(url: str) -> None:
    from contactdesk.workspace import Workspace

    Workspace.migrate(url)


def _sign_in_hints(url: str):
    from contactdesk.workspace import Workspace

    return Workspace.before_sign_in(url)


def _demo_data(url: str, report=None) -> None:
    from contactdesk.workspace import Workspace

    workspace = Workspace.for_this_account(url)
    try:
        workspace.demo.generate_demo_data(days=30, if_empty=True, progress=report)
    finally:
        workspace.close()


def _create_first_admin(url: str, username: str, full_name: str, password: str):
    from contactdesk.workspace import Workspace

    return Workspace.create_first_admin(url, username, full_name, password)


class StartUp(QObject):
    """From the sign-in window on screen to someone signed in (or a reason to stop).

    The window is painted first; the database is then checked (and migrated), and the
    sign-in hints read, on ``runner``'s threads. The GUI thread only reacts to the results:
    the demo-data question, the first administrator, signing in without a prompt, or the
    dialog made ready. ``finished(code)`` is emitted when the app should exit.
    ``check(url) -> bool`` says whether the schema is current.
    """

    finished = Signal(int)

    def __init__(self, desk, *, is_default: bool = False, password: str | None = None,
                 runner=None, check=schema_is_current):
        from .tasks import TaskRunner

        super().__init__(desk)
        self.desk, self.url = desk, desk.url
        self.is_default, self.password, self._check = is_default, password, check
        self.runner = runner or TaskRunner(desk)
        self._demo_offered = False
        self._started = False

    @property
    def _without_prompt(self) -> bool:
        return self.password is not None and bool(self.desk.username)

    def begin(self):
        dialog = self.desk.ask_to_sign_in()
        if self._without_prompt:
            dialog.signing_in_as(self.desk.username)
        else:
            dialog.preparing("Checking the database…")
        _after_first_paint(dialog, self._check_schema)
        QTimer.singleShot(500, self._check_schema)  # not painted (minimised): start anyway
        return dialog

    def _check_schema(self) -> None:
        if self._started:
            return
        self._started = True
        url, check = self.url, self._check
        self.runner.run(lambda: check(url), self._schema_checked, self._cannot_open)

    def _schema_checked(self, current: bool) -> None:
        if current:
            self._read_hints()
            return
        progress = BackgroundProgress("Preparing the database…")
        url = self.url
        self.runner.run(lambda: _migrate(url),
                        lambda _: (progress.close(), self._read_hints()),
                        lambda exc: (progress.close(), self._cannot_open(exc)), write=True)

    def _read_hints(self) -> None:
        url = self.url
        self.runner.run(lambda: _sign_in_hints(url), self._hints_read, self._cannot_open)

    def _hints_read(self, hints) -> None:
        from PySide6.QtWidgets import QMessageBox

        dialog = self.desk.dialog
        self.desk.demo_password = hints.demo_password  # the hint, here and after signing out
        if not hints.has_users and self.is_default and not self._demo_offered:
            self._demo_offered = True
            answer = QMessageBox.question(
                dialog, "Welcome to ContactDesk",
                "This database is empty. Load 30 days of demo calls and cases to try the app?")
            if answer == QMessageBox.StandardButton.Yes:
                progress = BackgroundProgress("Creating demo data…", measured=True)
                url = self.url
                self.runner.run(lambda: _demo_data(url, progress.report),
                                lambda _: (progress.close(), self._read_hints()),
                                lambda exc: (progress.close(), self._cannot_open(exc)),
                                write=True)
                return
        if self._without_prompt:
            name, secret = self.desk.username, self.password
            self.runner.run(lambda: self.desk._attempt(name, secret), dialog.signed_in,
                            self._refused_without_prompt)
        elif not hints.has_users:
            self._first_administrator()
            return
        else:
            dialog.ready(hints.demo_password)
        # The main window's code loads while the password is checked (which leaves the
        # interpreter free) or while the person types: it is ready when they are in.
        QTimer.singleShot(0, _load_main_window_code)

    def _first_administrator(self) -> None:
        from .first_run import FirstAdminDialog

        self.desk.dialog.hide()  # nobody can sign in yet
        url = self.url
        first = FirstAdminDialog(lambda name, full, secret: _create_first_admin(
            url, name, full, secret), runner=self.runner)
        if not first.exec():
            self.finished.emit(0)
            return
        self.desk.open_window(first.workspace)

    def _refused_without_prompt(self, exc: Exception) -> None:
        print(f"contactdesk: cannot sign in as {self.desk.username}: {exc}", file=sys.stderr)
        self.finished.emit(2)

    def _cannot_open(self, exc: Exception) -> None:
        from PySide6.QtWidgets import QMessageBox

        if isinstance(exc, ContactDeskError):
            text = str(exc)
        else:  # the details go to the log; the person gets a sentence, not driver text
            import logging

            logging.getLogger(__name__).error("start-up failed", exc_info=exc)
            text = ("ContactDesk could not start because of an unexpected problem: start it "
                    "again, and if it happens again tell IT support the time it happened.")
        box = QMessageBox(QMessageBox.Icon.Critical, "ContactDesk cannot open the database",
                          text, QMessageBox.StandardButton.Ok, self.desk.dialog)
        box.setObjectName("cannotOpenDatabase")
        box.exec()
        self.finished.emit(2)


def _load_main_window_code() -> None:
    from . import main_window  # noqa: F401


def _after_first_paint(widget, then) -> None:
    """Call ``then`` once ``widget`` has been painted (work started sooner would slow it)."""
    class Painted(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint and watched is widget:
                widget.removeEventFilter(self)
                QTimer.singleShot(0, then)  # after this paint has been done
            return False

    widget._painted_filter = painted = Painted(widget)
    widget.installEventFilter(painted)


class BackgroundProgress:
    """A progress dialog for work running on a thread; the GUI thread never waits on it.

    With ``measured`` the dialog shows a bar and a sentence, fed by ``report(fraction,
    sentence)`` from the worker; otherwise a busy indicator.
    """

    def __init__(self, label: str, *, measured: bool = False):
        from PySide6.QtWidgets import QProgressDialog

        self.label = label
        self.dialog = dialog = QProgressDialog(label, "", 0, 100 if measured else 0)
        dialog.setObjectName("startupProgress")
        dialog.setCancelButton(None)
        dialog.setWindowTitle("ContactDesk")
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(420)
        dialog.show()
        self._latest: list[tuple[float, str]] = []  # appended on the worker, read here
        self._timer = QTimer(dialog)
        self._timer.timeout.connect(self._show_latest)
        self._timer.start(50)

    def report(self, fraction: float, text: str) -> None:
        self._latest.append((fraction, text))

    def _show_latest(self) -> None:
        if self._latest:
            fraction, text = self._latest[-1]
            self.dialog.setValue(round(fraction * 100))
            self.dialog.setLabelText(f"{self.label}\n{text}…")

    def close(self) -> None:
        self._timer.stop()
        self.dialog.close()
        self.dialog.deleteLater()
