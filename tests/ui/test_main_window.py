"""The desktop window opens on a real database and shows what it holds."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from contactdesk.services.calls import CallInput, log_call
from contactdesk.workspace import Workspace
from ui.main_window import MainWindow


def test_main_window_shows_the_open_database(qtbot, db_url):
    workspace = Workspace.open(db_url)
    try:
        log_call(workspace._engine, CallInput(caller_phone="01709 823456", category="Graffiti",
                                              description="Tag on bus shelter",
                                              address="Wellgate"), None)
        window = MainWindow(workspace.overview())
        qtbot.addWidget(window)
        window.show()
        assert window.objectName() == "mainWindow"
        facts = window.findChild(QLabel, "overviewLabel").text()
        assert "1 cases, 1 calls, 0 users" in facts
        assert workspace.location.split("://")[0] in facts
    finally:
        workspace.close()
