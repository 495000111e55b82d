"""One desk's day: sign in, work, lock when left alone, sign out for the next shift.

Agents share PCs across shifts, so signing out returns to the sign-in dialog
rather than closing the app, and a desk left alone locks without losing what
was on screen.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from contactdesk.auth.credentials import Password

from .sign_in import SignInDialog
from .tasks import TaskRunner

if TYPE_CHECKING:  # loaded once someone has signed in: nothing before the first paint waits
    from .idle_lock import IdleLock, LockDialog

DEFAULT_IDLE_MINUTES = 10.0


def idle_minutes_from_environment() -> float:
    """$CONTACTDESK_IDLE_LOCK_MINUTES, else ``options.idle_lock_minutes`` from the settings
    files (an administrator may preset it for every user), else 10; 0 never locks."""
    from contactdesk.config import option

    text = os.environ.get("CONTACTDESK_IDLE_LOCK_MINUTES", "")
    try:
        return float(text) if text else float(option("idle_lock_minutes", DEFAULT_IDLE_MINUTES))
    except ValueError:
        return DEFAULT_IDLE_MINUTES


class Desk(QObject):
    signedIn = Signal(object)   # the main window
    closed = Signal()           # nobody signed in and the dialog was cancelled

    def __init__(self, url: str, *, username: str = "", demo_password: str | None = None,
                 location: str = "", idle_minutes: float = DEFAULT_IDLE_MINUTES,
                 synchronous: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.url, self.username = url, username
        self.demo_password, self.location = demo_password, location
        self.idle_minutes, self.synchronous = idle_minutes, synchronous
        self.window = None
        self.dialog: SignInDialog | None = None
        self.lock_dialog: LockDialog | None = None
        self._idle: IdleLock | None = None
        # Signing in runs here, off the GUI thread (inline when synchronous).
        self.door = TaskRunner(self, synchronous=synchronous)

    def _attempt(self, username: str, password: str):
        # Imported here, not at the top: the database layer loads after the window is shown.
        from contactdesk.workspace import Workspace

        return Workspace.open(self.url, Password(username, password))

    def ask_to_sign_in(self) -> SignInDialog:
        """Show the sign-in dialog (not blocking); the main window opens when it succeeds."""
        self.dialog = SignInDialog(self._attempt, username=self.username,
                                   demo_password=self.demo_password, location=self.location,
                                   runner=self.door)
        self.dialog.accepted.connect(lambda: self.open_window(self.dialog.workspace))
        self.dialog.rejected.connect(self.closed.emit)
        self.dialog.open()
        return self.dialog

    def open_window(self, workspace):
        from contactdesk.workspace import Workspace

        from .idle_lock import IdleLock
        from .main_window import MainWindow

        self.username = workspace.user.username
        window = MainWindow(workspace, TaskRunner(synchronous=self.synchronous), workspace.user)
        sign_out = QAction("Sign out", window)
        sign_out.setObjectName("actionSignOut")
        sign_out.setShortcut(QKeySequence("Ctrl+Shift+Q"))
        sign_out.setToolTip("Sign out so the next person can sign in (Ctrl+Shift+Q)")
        sign_out.triggered.connect(self.sign_out)
        window.add_session_action(sign_out)
        self.window = window
        self._idle = IdleLock(self.idle_minutes, self)
        self._idle.lockDue.connect(self.lock)
        window.show()
        window.raise_()
        window.activateWindow()  # the keyboard goes to the desk, not to the closed dialog
        window.keep_drafts()
        window.work_offline()
        workspace.watch_other_desks()  # lists and the open case follow other desks' saves
        self.signedIn.emit(window)
        url = self.url  # a damaged local file is said so at once, never used silently
        window.runner.run(lambda: Workspace.integrity_problem(url),
                          lambda problem: self._damaged(window, problem))
        return window

    @staticmethod
    def _damaged(window, problem: str | None) -> None:
        if not problem:
            return
        window.statusBar().showMessage(f"Database damaged: {problem}")
        box = QMessageBox(QMessageBox.Icon.Critical, "The database is damaged",
                          problem[0].upper() + problem[1:] + ".", QMessageBox.StandardButton.Ok,
                          window)
        box.setObjectName("databaseDamaged")
        box.open()

    def lock(self) -> LockDialog:
        from .idle_lock import LockDialog

        window = self.window
        user, name = window.workspace.user, window.workspace.signed_in_as

        def check(password: str) -> None:
            from contactdesk.workspace import Workspace

            Workspace.open(self.url, Password(name, password)).close()

        window.set_covered(True)
        self.lock_dialog = LockDialog(user.full_name, check, window)
        self.lock_dialog.accepted.connect(self._unlocked)
        self.lock_dialog.signOutRequested.connect(self.sign_out)
        self.lock_dialog.open()
        return self.lock_dialog

    def _unlocked(self) -> None:
        self.lock_dialog = None
        if self.window is not None:
            self.window.set_covered(False)
            self.window.activateWindow()
        if self._idle is not None:
            self._idle.unlocked()

    def sign_out(self) -> SignInDialog | None:
        """Back to the sign-in dialog; a half-typed call is only dropped when confirmed."""
        window = self.window
        if window is not None and window.call_form.has_typed_input() \
                and not self.confirm_discard(window):
            window.activateWindow()  # back to the call, keyboard included
            return None
        if self._idle is not None:
            self._idle.stop()
            self._idle = None
        if self.lock_dialog is not None:
            self.lock_dialog.done(0)
            self.lock_dialog = None
        window, self.window = self.window, None
        if window is not None:
            window.runner.drop_queued_reads()  # saves already asked for still finish
            window.runner.wait_for_all()
            window.ask_before_close = False  # asked above
            window.close()  # and the draft goes with the call
            window.workspace.close()
            window.deleteLater()
        self.username = ""  # the next person is usually someone else: the dialog starts empty
        return self.ask_to_sign_in()

    @staticmethod
    def confirm_discard(window) -> bool:
        answer = QMessageBox.question(
            window, "Sign out?",
            "A call is typed on the Call tab and not saved. Sign out and lose it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
