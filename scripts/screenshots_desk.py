"""Screenshots of the desk's screens on a fresh demo database, at each size people use.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_desk.py docs/screenshots

Takes every screen three ways: 1280x720 (into the folder itself), 1920x1080 (``1920/``)
and high contrast at 150% scaling (``high-contrast-150/``: a 1280x720 window drawn at
1.5x, as on a 1920x1080 laptop panel set to 150%). Each way runs in a process of its own
because Qt reads the scale factor once, when the application starts.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import screenshot_kit  # noqa: E402  (beside this script)

# folder, window size, theme, scale factor
VARIANTS = {
    "1280": ("", (1280, 720), "normal", "1"),
    "1920": ("1920", (1920, 1080), "normal", "1"),
    "high-contrast-150": ("high-contrast-150", (1280, 720), "high-contrast", "1.5"),
}


def demo_case(folder: str) -> tuple[str, str, str, str]:
    """A demo database; the url, a known caller's phone, a street with cases, one of them."""
    url = screenshot_kit.demo_database(folder, 5, telephony=True)
    with sqlite3.connect(f"{folder}/shots.sqlite3") as con:
        phone, location, reference = con.execute(
            "SELECT p.phone_raw, c.location, c.reference FROM callers p JOIN cases c ON c.caller_id = p.id "
            "WHERE c.location LIKE '%,%' ORDER BY c.id DESC LIMIT 1").fetchone()
    street = location.split(",")[0].lstrip("0123456789 ").strip()
    return url, phone, street, reference


def take(variant: str, out: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from contactdesk.demo.passwords import DEMO_PASSWORD
    from ui.app import create_main_window
    from ui.style import stylesheet

    folder, (width, height), theme, _scale = VARIANTS[variant]
    target = out / folder
    target.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(stylesheet(theme))

    def shoot(window, name: str) -> None:
        screenshot_kit.settle()
        window.grab().save(str(target / f"{name}.png"))

    with tempfile.TemporaryDirectory() as temporary:
        url, phone, street, reference = demo_case(temporary)

        agent = create_main_window(url, "sarah.whitfield", DEMO_PASSWORD)
        agent.resize(width, height)
        agent.show()
        form = agent.call_form
        form.start_call()
        screenshot_kit.settle()
        form.ui.phone.setText(phone)
        form.ui.phone.setFocus()
        screenshot_kit.settle()
        form.ui.description.setFocus()
        form.ui.category.setEditText("Fly tipping")
        form.ui.category.resolve_text()
        form.ui.description.setPlainText("Two black bags and a mattress dumped by the gate.")
        shoot(agent, "call-form")
        form.save()
        shoot(agent, "call-saved")
        agent.tabs.setCurrentIndex(agent.CASES_TAB)
        search = agent.case_list.findChild(type(form.ui.phone), "caseSearch")
        if search is not None:
            search.setText(street)
            search.setFocus(Qt.FocusReason.OtherFocusReason)
        shoot(agent, "case-list")
        agent.open_case(reference)
        shoot(agent, "case-detail")
        sheet = agent.menus.show_keyboard_sheet()
        screenshot_kit.settle()
        sheet.grab().save(str(target / "keyboard-sheet.png"))
        sheet.close()
        about = agent.menus.show_about()
        screenshot_kit.settle()
        about.grab().save(str(target / "about.png"))
        about.close()
        agent.ask_before_close = False
        agent.close()
        agent.workspace.close()

        supervisor = create_main_window(url, "janet.crookes", DEMO_PASSWORD)
        supervisor.resize(width, height)
        supervisor.show()
        for widget, name in ((supervisor.dashboard, "dashboard"),
                             (supervisor.staffing, "staffing"),
                             (supervisor.deadlines, "service-deadlines"),
                             (supervisor.complaints, "complaints-register"),
                             (supervisor.reports, "reports-tab")):
            if widget is not None:
                supervisor.tabs.setCurrentWidget(widget)
                shoot(supervisor, name)
        if variant == "1280":  # the reports' first pages, as printed (one size is enough)
            yesterday = date.today() - timedelta(days=1)
            reports = supervisor.workspace.reports
            for name, write in (
                    ("report-daily", lambda pdf: reports.daily_report(yesterday, pdf)),
                    ("report-performance", lambda pdf: reports.performance_report(
                        yesterday - timedelta(days=6), yesterday, pdf))):
                pdf = Path(temporary) / f"{name}.pdf"
                write(pdf)
                subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1",
                                "-singlefile", str(pdf), str(target / name)], check=True)
        supervisor.ask_before_close = False
        supervisor.close()
        supervisor.workspace.close()


def main(out: Path) -> None:
    if len(sys.argv) > 2:  # one variant, in this process
        take(sys.argv[2], out)
        return
    for variant, (_folder, _size, _theme, scale) in VARIANTS.items():
        env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen"}
        subprocess.run([sys.executable, __file__, str(out), variant], check=True, env=env)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve())
