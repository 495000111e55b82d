"""Locking an unattended desk: after a quiet spell the window is covered and asks for the password.

Whatever was on screen (a half-typed call) stays as it was underneath; only
the signed-in person's password (or signing out) takes the cover away.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from contactdesk.auth.credentials import REFUSED
from contactdesk.domain.errors import ContactDeskError

from .sign_in import door_buttons, labelled_fields, password_field, refusal_line

_INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                 QEvent.Type.Wheel, QEvent.Type.TouchBegin}


class LockDialog(QDialog):
    """``check(password)`` raises when the password is wrong."""

    signOutRequested = Signal()

    def __init__(self, full_name: str, check: Callable[[str], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lockDialog")
        self.setWindowTitle("ContactDesk is locked")
        self.setModal(True)
        self._check = check
        self.password = password_field(self, "lockPassword", "Password")
        self.message = refusal_line(self, "lockMessage")
        layout = QVBoxLayout(self)
        intro = QLabel(f"Locked after a quiet spell. {full_name}, type your password to carry "
                       "on where you were; nothing you typed is lost.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(labelled_fields(self, (("&Password:", self.password),)))
        layout.addWidget(self.message)
        buttons = door_buttons(self, "Unlock", self.unlock)
        sign_out = QPushButton("Sign &out", self)
        sign_out.setObjectName("lockSignOut")
        buttons.addButton(sign_out, QDialogButtonBox.ButtonRole.DestructiveRole)
        sign_out.clicked.connect(self.signOutRequested.emit)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def unlock(self) -> None:
        try:
            self._check(self.password.text())
        except ContactDeskError as exc:
            wrong = str(exc) == REFUSED  # the name is not in question here
            self.message.setText("That is not your password: type it again." if wrong else str(exc))
            self.message.show()
            self.adjustSize()
            self.password.selectAll()
            return
        self.accept()

    def reject(self) -> None:  # Escape does not unlock
        pass


class IdleLock(QObject):
    """Watches the application's input; after ``minutes`` without any, emits ``lockDue``."""

    lockDue = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None, *,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(parent)
        self.seconds = minutes * 60
        self._clock = clock
        self._last_input = clock()
        self.locked = False
        self._timer = QTimer(self)
        self._timer.setInterval(max(1000, min(30_000, int(self.seconds * 250))))
        self._timer.timeout.connect(self.check)
        QApplication.instance().installEventFilter(self)
        self._timer.start()

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() in _INPUT_EVENTS and not self.locked:
            self._last_input = self._clock()
        return False

    def check(self) -> None:
        if not self.locked and self.seconds > 0 and self._clock() - self._last_input >= self.seconds:
            self.locked = True
            self.lockDue.emit()

    def unlocked(self) -> None:
        self.locked = False
        self._last_input = self._clock()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
