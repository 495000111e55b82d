"""What every screenshot script needs: a fresh demo database, and a moment to settle.

Imported by the scripts beside it (scripts/screenshots_*.py), which put the
project on sys.path first.
"""

from __future__ import annotations

import time

from contactdesk.workspace import Workspace


def demo_database(folder: str, days: int, *, telephony: bool = False) -> str:
    """A migrated SQLite file in ``folder`` holding ``days`` days of demo data; its url."""
    url = f"sqlite:///{folder}/shots.sqlite3"
    Workspace.migrate(url)
    owner = Workspace.for_this_account(url)
    try:
        owner.demo.generate_demo_data(days=days, telephony=telephony)
    finally:
        owner.close()
    return url


def settle(seconds: float = 1.5) -> None:
    """Let background work finish and the screen repaint before a grab."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)
