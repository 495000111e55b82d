"""Screenshots of working through an outage and of a conflicting save, on a fresh demo database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_shared_mode.py docs/screenshots

The outage is shown as the window shows it when its connection check fails
(the automated tests take a real PostgreSQL away behind a proxy).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit  # noqa: E402
from screenshot_kit import demo_database  # noqa: E402

from contactdesk.auth.credentials import Password  # noqa: E402
from contactdesk.demo.passwords import DEMO_PASSWORD  # noqa: E402
from contactdesk.dtos.calls import CallInput  # noqa: E402
from contactdesk.workspace import Workspace  # noqa: E402
from ui.app import create_main_window  # noqa: E402
from ui.style import stylesheet  # noqa: E402


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(stylesheet("normal"))
    with tempfile.TemporaryDirectory() as folder:
        url = demo_database(folder, 2)
        window = create_main_window(url, "sarah.whitfield", DEMO_PASSWORD, synchronous=True)
        window.resize(1280, 800)
        window.show()
        window.work_offline(Path(folder) / "outbox")
        window.offline.stop()
        for name in ("Ann Jones", "Bob Hale"):
            window.offline.sender.keep(CallInput(caller_name=name, category="Fly tipping",
                                                 description="Sofa dumped in the lane"))
        window.offline.reachable_changed(False)
        form = window.call_form
        form.start_call()
        form.ui.set_notice("The database could not be reached: that call is kept on this PC "
                           "and is sent as soon as it is back. Tell the caller their reference "
                           "will follow.")
        QApplication.processEvents()
        window.grab().save(str(out / "offline.png"))
        window.offline.reachable_changed(True)

        # Two desks on one case: this one saves after the other changed it.
        other = Workspace.open(url, Password("gary.hobson", DEMO_PASSWORD))
        view = window.case_detail
        reference = window.workspace.calls.log_call(CallInput(
            caller_phone="01709 823456", caller_name="Ann Jones", category="Fly tipping",
            address="14 Wellgate, Rotherham", description="Sofa dumped in the lane")).reference
        window.open_case(reference)
        view.show_case(reference)
        other.cases.change_status(reference, "routed", reason="Passed to the crew",
                                  expected_version=view.detail.summary.version)
        combo = view.findChild(QComboBox, "caseStatus")
        combo.setCurrentIndex(combo.findText("Resolved"))
        view.findChild(QLineEdit, "statusReason").setText("Crew cleared it this morning")
        view.apply_status_change()
        QApplication.processEvents()
        view.conflict_dialog.grab().save(str(out / "conflict.png"))
        view.conflict_dialog.done(0)
        other.close()
        window.ask_before_close = False
        window.close()
        window.workspace.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
