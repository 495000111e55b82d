"""Screenshots of the Privacy page (subject access and retention) on a fresh demo database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_privacy.py docs/screenshots
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from contactdesk.demo.passwords import DEMO_PASSWORD  # noqa: E402
from contactdesk.workspace import Workspace  # noqa: E402
from ui.app import create_main_window  # noqa: E402
from ui.style import stylesheet  # noqa: E402


def settle(seconds: float = 2.0) -> None:
    """Let the background work finish and the screen repaint."""
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < seconds * 1000:
        QApplication.processEvents()
        time.sleep(0.02)


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(stylesheet("normal"))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/shots.sqlite3"
        Workspace.migrate(url)
        owner = Workspace.for_this_account(url)
        owner.demo.generate_demo_data(days=3, telephony=False)
        owner.close()
        with sqlite3.connect(f"{folder}/shots.sqlite3") as con:  # a demo caller with a case
            phone = con.execute("SELECT p.phone_raw FROM callers p JOIN cases c "
                                "ON c.caller_id = p.id ORDER BY p.id LIMIT 1").fetchone()[0]
        window = create_main_window(url, "helen.firth", DEMO_PASSWORD)
        window.resize(1280, 800)
        window.show()
        window.tabs.setCurrentWidget(window.privacy)
        panel = window.privacy.subject_access
        panel.kind.setCurrentIndex(panel.kind.findData("phone"))
        panel.term.setText(phone)
        panel.find_button.click()
        settle()
        window.grab().save(str(out / "privacy-subject-access.png"))
        window.privacy.tabs.setCurrentWidget(window.privacy.retention)
        settle()
        window.grab().save(str(out / "privacy-retention.png"))
        window.close()
        window.workspace.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
