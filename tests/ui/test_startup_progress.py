"""Long start-up work (creating demo data) shows a bar that moves and says what it does."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from ui.app import _with_progress


def _dialog() -> QProgressDialog | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "startupProgress" and widget.isVisible():
            return widget
    return None


def test_the_bar_follows_the_work_and_its_error_comes_back(qtbot):
    seen: list[tuple[int, int, str]] = []
    looked = threading.Event()

    def look():
        dialog = _dialog()
        if dialog is not None and dialog.value() == 41:
            seen.append((dialog.value(), dialog.maximum(), dialog.labelText()))
            looked.set()
        else:
            QTimer.singleShot(20, look)

    def work(report):
        report(0.41, "Writing calls, cases and their history")
        assert looked.wait(10), "the dialog never showed 41%"
        raise RuntimeError("the disk is full")

    QTimer.singleShot(0, look)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _with_progress("Creating demo data…", work, measured=True)
    assert seen == [(41, 100, "Creating demo data…\nWriting calls, cases and their history…")]
    assert _dialog() is None
