"""Composition root of the desktop app: display check, database, main window.

The full agent desk is being built; until then the window shows which
database is open and what it holds.
"""

from __future__ import annotations

import os
import sys

from contactdesk.domain.errors import ContactDeskError
from contactdesk.workspace import Workspace


def has_display() -> bool:
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def run(database_url: str, username: str | None = None, is_default: bool = False) -> int:
    if not has_display():
        print("contactdesk: no display to open the window on: run it in a desktop session, "
              "or set QT_QPA_PLATFORM=offscreen for a headless check", file=sys.stderr)
        return 2
    try:
        workspace = Workspace.open(database_url)
    except ContactDeskError as exc:
        print(f"contactdesk: {exc}", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ContactDesk")
    window = MainWindow(workspace.overview())
    window.show()
    return app.exec()
