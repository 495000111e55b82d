"""Signing in: a name and a password, checked at the front door.

The dialog does not decide anything: it hands what was typed to ``attempt``
(which signs in through the Workspace) and shows the refusal, if any, in one
sentence, keeping what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.errors import ContactDeskError


def refusal_line(parent: QWidget, name: str) -> QLabel:
    """The one sentence saying why a dialog could not go on; hidden until there is one."""
    label = QLabel("", parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setProperty("role", "error")
    label.hide()
    return label


def labelled_fields(parent: QWidget, rows) -> QFormLayout:
    """Each (label text, field) as a row, the label's Alt+letter moving to its field."""
    form = QFormLayout()
    for text, field in rows:
        label = QLabel(text, parent)
        label.setBuddy(field)
        form.addRow(label, field)
    return form


def door_buttons(parent: QWidget, ok_text: str, on_ok, on_cancel=None) -> QDialogButtonBox:
    """The dialog's Enter button (renamed for what it does) and, when asked, Cancel."""
    which = QDialogButtonBox.StandardButton.Ok
    if on_cancel is not None:
        which |= QDialogButtonBox.StandardButton.Cancel
    buttons = QDialogButtonBox(which, parent)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(on_ok)
    if on_cancel is not None:
        buttons.rejected.connect(on_cancel)
    return buttons


def password_field(parent: QWidget, name: str, accessible: str) -> QLineEdit:
    field = QLineEdit(parent)
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class DoorDialog(QDialog):
    """A dialog that ends with a signed-in workspace, or says in one sentence why not."""

    workspace = None
    message: QLabel

    def _enter(self, work: Callable[[], object]) -> None:
        try:
            self.workspace = work()
        except ContactDeskError as exc:
            self._refuse(str(exc))
            return
        self.accept()

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.adjustSize()


class SignInDialog(DoorDialog):
    """``attempt(username, password)`` returns the signed-in workspace or raises."""

    def __init__(self, attempt: Callable[[str, str], object], *, username: str = "",
                 demo_password: str | None = None, location: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("Sign in to ContactDesk")
        self._attempt = attempt

        self.username = QLineEdit(username, self)
        self.username.setObjectName("signInUsername")
        self.username.setAccessibleName("Username")
        self.password = password_field(self, "signInPassword", "Password")
        self.message = refusal_line(self, "signInMessage")

        layout = QVBoxLayout(self)
        if location:
            where = QLabel(f"Database: {location}", self)
            where.setObjectName("signInLocation")
            where.setWordWrap(True)
            layout.addWidget(where)
        layout.addLayout(labelled_fields(
            self, (("&Username:", self.username), ("&Password:", self.password))))
        if demo_password:
            hint = QLabel(f"This database holds demo data. Every demo user signs in with the "
                          f"password <b>{demo_password}</b>: for example <b>sarah.whitfield</b> "
                          f"(agent), <b>janet.crookes</b> (supervisor) or <b>helen.firth</b> "
                          f"(administrator).", self)
            hint.setObjectName("demoPasswordHint")
            hint.setWordWrap(True)
            hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(door_buttons(self, "Sign in", self.sign_in, self.reject))
        (self.password if username else self.username).setFocus()
        self.setMinimumWidth(460)

    def sign_in(self) -> None:
        name, secret = self.username.text().strip(), self.password.text()
        if not name or not secret:
            self._refuse("Type your username and your password.")
            return
        self._enter(lambda: self._attempt(name, secret))

    def _refuse(self, text: str) -> None:
        super()._refuse(text)
        self.password.selectAll()  # kept, ready to be typed over
        self.password.setFocus()
