"""Signing in: a name and a password, checked at the front door.

The dialog does not decide anything: it hands what was typed to ``attempt``
(which signs in through the Workspace) and shows the refusal, if any, in one
sentence, keeping what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

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
    # Built without arguments: the constructors that take buttons also take a Qt.Orientation,
    # and choosing among them builds every Qt enum (tens of ms) before the first window paints.
    buttons = QDialogButtonBox()
    buttons.setParent(parent)
    buttons.setStandardButtons(which)
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
    """``attempt(username, password)`` returns the signed-in workspace or raises.

    With a ``runner`` the attempt runs in the background. The dialog can be shown before
    the database is ready (``preparing``): what is typed is kept, and Enter pressed then
    signs in once ``ready`` is called.
    """

    def __init__(self, attempt: Callable[[str, str], object], *, username: str = "",
                 demo_password: str | None = None, location: str = "",
                 runner=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("Sign in to ContactDesk")
        self._attempt, self._runner = attempt, runner
        self.is_ready, self._asked_early = True, False

        self.username = QLineEdit(username, self)
        self.username.setObjectName("signInUsername")
        self.username.setAccessibleName("Username")
        self.password = password_field(self, "signInPassword", "Password")
        self.message = refusal_line(self, "signInMessage")

        self.status = QLabel("", self)  # what the desk is doing before it can sign anyone in
        self.status.setObjectName("signInStatus")
        self.status.setWordWrap(True)
        self.status.hide()

        layout = self._layout = QVBoxLayout(self)
        if location:
            where = QLabel(f"Database: {location}", self)
            where.setObjectName("signInLocation")
            where.setWordWrap(True)
            layout.addWidget(where)
        layout.addLayout(labelled_fields(
            self, (("&Username:", self.username), ("&Password:", self.password))))
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        self.buttons = door_buttons(self, "Sign in", self.sign_in, self.reject)
        layout.addWidget(self.buttons)
        self._show_demo_hint(demo_password)
        (self.password if username else self.username).setFocus()
        self.setMinimumWidth(460)

    def _show_demo_hint(self, demo_password: str | None) -> None:
        if not demo_password:
            return
        from PySide6.QtCore import Qt  # its first use builds Qt's enums: not before the first paint

        hint = QLabel(f"This database holds demo data. Every demo user signs in with the "
                      f"password <b>{demo_password}</b>: for example <b>sarah.whitfield</b> "
                      f"(agent), <b>janet.crookes</b> (supervisor) or <b>helen.firth</b> "
                      f"(administrator).", self)
        hint.setObjectName("demoPasswordHint")
        hint.setWordWrap(True)
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout.insertWidget(self._layout.indexOf(self.status), hint)
        hint.show()  # added to a dialog already on screen: shown now, so the size counts it
        self._fit_height()

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as the wrapped lines need at the dialog's present width."""
        if not self.isVisible():
            return  # sized when first shown
        self.layout().activate()
        width = self.width()
        height = self.heightForWidth(width) if self.hasHeightForWidth() else -1
        self.resize(width, height if height > 0 else self.sizeHint().height())

    def preparing(self, text: str) -> None:
        """Shown before the database is ready: typing goes on, signing in waits for ``ready``."""
        self.is_ready = False
        self._say(text)

    def signing_in_as(self, username: str) -> None:
        """Signing in without a prompt: the name is shown, nothing can be typed."""
        self.preparing(f"Signing in as {username}…")
        self.username.setText(username)
        self._set_enabled(False)

    def ready(self, demo_password: str | None = None) -> None:
        """The database can sign people in: a sign-in asked for while waiting goes ahead."""
        self.is_ready = True
        self._say("")
        self._show_demo_hint(demo_password)
        if self._asked_early:
            self._asked_early = False
            self.sign_in()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.username, self.password,
                       self.buttons.button(QDialogButtonBox.StandardButton.Ok)):
            widget.setEnabled(enabled)  # Cancel stays: leaving is always possible

    def sign_in(self) -> None:
        name, secret = self.username.text().strip(), self.password.text()
        if not name or not secret:
            self._refuse("Type your username and your password.")
            return
        if not self.is_ready:
            self._asked_early = True
            self.message.hide()
            self._say("The database is being prepared: you will be signed in when it is ready.")
            return
        if self._runner is None:
            self._enter(lambda: self._attempt(name, secret))
            return
        self._set_enabled(False)  # one attempt at a time
        self._say(f"Signing in as {name}…")
        self._runner.run(lambda: self._attempt(name, secret), self.signed_in,
                         self._not_signed_in)

    def signed_in(self, workspace) -> None:
        """Done: ``workspace`` is the person signed in (here or without a prompt)."""
        self.workspace = workspace
        self.accept()

    def _not_signed_in(self, exc: Exception) -> None:
        self._set_enabled(True)
        self._say("")
        if not isinstance(exc, ContactDeskError):  # details to the log, a sentence here
            import logging

            logging.getLogger(__name__).error("signing in failed", exc_info=exc)
        self._refuse(str(exc) if isinstance(exc, ContactDeskError)
                     else "Signing in failed because of an unexpected problem: try again, and "
                          "if it happens again tell IT support the time it happened.")

    def _refuse(self, text: str) -> None:
        super()._refuse(text)
        self.password.selectAll()  # kept, ready to be typed over
        self.password.setFocus()
