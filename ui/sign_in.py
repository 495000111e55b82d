"""Choosing who is at this desk. How credentials are checked comes with the security work."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget


class SignInDialog(QDialog):
    def __init__(self, users, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("Sign in to ContactDesk")
        self.users = [u for u in users if u.active]
        self.picker = QComboBox(self)
        self.picker.setObjectName("userPicker")
        self.picker.setAccessibleName("User")
        for user in self.users:
            self.picker.addItem(f"{user.full_name} ({user.role})", user.username)
        label = QLabel("&User:", self)
        label.setBuddy(self.picker)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(label, self.picker)
        layout.addRow(buttons)

    def chosen_username(self) -> str | None:
        return self.picker.currentData()
