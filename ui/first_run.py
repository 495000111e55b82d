"""A database with no users: create its first administrator, then sign them in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from .sign_in import DoorDialog, door_buttons, labelled_fields, password_field, refusal_line


class FirstAdminDialog(DoorDialog):
    """``create(username, full_name, password)`` returns the signed-in workspace or raises."""

    def __init__(self, create: Callable[[str, str, str], object], parent: QWidget | None = None):
        super().__init__(parent)
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
        layout.addWidget(door_buttons(self, "Create and sign in", self.create, self.reject))
        self.setMinimumWidth(480)

    def create(self) -> None:
        if self.password.text() != self.again.text():
            self._refuse("The two passwords differ: type the same password twice.")
            return
        self._enter(lambda: self._create(self.username.text(), self.full_name.text(),
                                         self.password.text()))
