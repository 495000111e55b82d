"""The main window: for now, which database is open and what it holds."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget


class MainWindow(QMainWindow):
    def __init__(self, overview, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("ContactDesk")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        title = QLabel("<h1>ContactDesk</h1>", body)
        facts = QLabel(
            f"Database: {overview.location}<br>"
            f"{overview.cases:,} cases, {overview.calls:,} calls, {overview.users:,} users",
            body,
        )
        facts.setObjectName("overviewLabel")
        facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        note = QLabel("The agent desk (log calls, find and work cases) opens here.", body)
        for widget in (title, facts, note):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.resize(720, 420)
