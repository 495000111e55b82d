"""Screenshots of the Privacy page (subject access and retention) on a fresh demo database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_privacy.py docs/screenshots
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402
from screenshot_kit import demo_database, settle  # noqa: E402

from contactdesk.demo.passwords import DEMO_PASSWORD  # noqa: E402
from ui.app import create_main_window  # noqa: E402
from ui.style import stylesheet  # noqa: E402


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(stylesheet("normal"))
    with tempfile.TemporaryDirectory() as folder:
        url = demo_database(folder, 3)
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
