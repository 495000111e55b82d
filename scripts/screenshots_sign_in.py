"""Screenshots of the sign-in, first-administrator and lock dialogs, from a fresh demo database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_sign_in.py docs/screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from contactdesk.demo.passwords import DEMO_PASSWORD  # noqa: E402
from contactdesk.workspace import Workspace  # noqa: E402
from ui.desk import Desk  # noqa: E402
from ui.first_run import FirstAdminDialog  # noqa: E402
from ui.style import stylesheet  # noqa: E402


def shoot(widget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(stylesheet("normal"))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/shots.sqlite3"
        Workspace.migrate(url)
        empty = FirstAdminDialog(lambda *_: None)
        empty.username.setText("helen.firth")
        empty.full_name.setText("Helen Firth")
        empty.show()
        shoot(empty, out / "first-admin.png")
        empty.close()

        admin = Workspace.for_this_account(url)
        admin.demo.generate_demo_data(days=3, telephony=False)
        admin.close()
        hints = Workspace.before_sign_in(url)
        desk = Desk(url, demo_password=hints.demo_password, location=url.removeprefix("sqlite:///"))
        dialog = desk.ask_to_sign_in()
        dialog.username.setText("sarah.whitfield")
        dialog.password.setText("not her password, sorry")
        dialog.sign_in()
        shoot(dialog, out / "sign-in.png")
        dialog.password.setText(DEMO_PASSWORD)
        dialog.sign_in()
        window = desk.window
        window.resize(1280, 800)
        window.call_form.start_call()
        lock = desk.lock()
        lock.password.setText("typo in the password")
        lock.unlock()
        shoot(lock, out / "locked.png")
        lock.done(0)
        window.close()
        window.workspace.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
