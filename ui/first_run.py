"""A database with no users: create its first administrator, then sign them in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from contactdesk.domain.errors import ContactDeskError

from .sign_in import DoorDialog, door_buttons, labelled_fields, password_field, refusal_line


class FirstAdminDialog(DoorDialog):
    """``create(username, full_name, password)`` returns the signed-in workspace or raises."""

    def __init__(self, create: Callable[[str, str, str], object], parent: QWidget | None = None,
                 *, runner=None):
        super().__init__(parent)
        self._runner = runner  # with one, the database work runs off the GUI thread
        self.setObjectName("firstAdminDialog")
        self.setWindowTitle("ContactDesk: the first administrator")
        self._create = create
        intro = QLabel("Nobody can sign in to this database yet. Create the first administrator: "
                       "they can then add everyone else (agents, supervisors, administrators).",
                       self)
        intro.setWordWrap(True)
        self.username = QLineEdit(self)
        self.username.setObjectName("firstAdminUsername")
        self.username.setAccessibleName("Username")
        self.username.setPlaceholderText("e.g. sam.taylor")
        self.full_name = QLineEdit(self)
        self.full_name.setObjectName("firstAdminFullName")
        self.full_name.setAccessibleName("Full name")
        self.password = password_field(self, "firstAdminPassword", "Password")
        self.password.setPlaceholderText("at least 15 characters; a few words with spaces")
        self.again = password_field(self, "firstAdminPasswordAgain", "Password again")
        self.message = refusal_line(self, "firstAdminMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(labelled_fields(self, (
            ("&Username:", self.username), ("&Full name:", self.full_name),
            ("&Password:", self.password), ("Password &again:", self.again))))
        layout.addWidget(self.message)
        self.buttons = door_buttons(self, "Create and sign in", self.create, self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def create(self) -> None:
        if self.password.text() != self.again.text():
            self._refuse("The two passwords differ: type the same password twice.")
            return
        name, full, secret = self.username.text(), self.full_name.text(), self.password.text()

        def work():  # what was typed, read here: the thread never touches the widgets
            return self._create(name, full, secret)

        if self._runner is None:
            self._enter(work)
            return
        self.setEnabled(False)  # one attempt at a time; the fields keep what was typed
        self._runner.run(work, self._created, self._not_created)

    def _created(self, workspace) -> None:
        self.setEnabled(True)
        self.workspace = workspace
        self.accept()

    def _not_created(self, exc: Exception) -> None:
        self.setEnabled(True)
        if isinstance(exc, ContactDeskError):
            self._refuse(str(exc))
            return
        import logging

        logging.getLogger(__name__).error("creating the first administrator failed",
                                          exc_info=exc)
        self._refuse("The administrator could not be created because of an unexpected "
                     "problem: try again, and if it happens again tell IT support the time.")
