"""Long start-up work (creating demo data) shows a bar that moves and says what it does,
while the GUI thread goes on serving events."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication, QProgressDialog

from ui.app import BackgroundProgress


def _dialog() -> QProgressDialog | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "startupProgress" and widget.isVisible():
            return widget
    return None


def test_the_bar_follows_the_work_reported_from_another_thread(qtbot):
    progress = BackgroundProgress("Creating demo data…", measured=True)
    worker = threading.Thread(target=progress.report,
                              args=(0.41, "Writing calls, cases and their history"))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: _dialog() is not None and _dialog().value() == 41)
    dialog = _dialog()
    assert dialog.maximum() == 100
    assert dialog.labelText() == "Creating demo data…\nWriting calls, cases and their history…"
    progress.close()
    assert _dialog() is None


def test_unmeasured_work_shows_a_busy_indicator(qtbot):
    progress = BackgroundProgress("Preparing the database…")
    dialog = _dialog()
    assert dialog is not None and dialog.labelText() == "Preparing the database…"
    assert dialog.maximum() == 0  # Qt's busy indicator
    progress.close()
    assert _dialog() is None
