"""A damaged local database file is said so as soon as the desk opens, never used silently."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import PASSWORD
from ui.desk import Desk


def scribble_over(path: Path, table: str) -> None:
    with sqlite3.connect(path) as con:
        page = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                           (table,)).fetchone()[0]
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page)
        handle.write(b"\xff" * 64)


def test_the_desk_says_the_file_is_damaged_right_after_sign_in(qtbot, ui_db_url, agent):
    scribble_over(Path(ui_db_url.removeprefix("sqlite:///")), "streets")
    desk = Desk(ui_db_url, synchronous=True, idle_minutes=10)
    dialog = desk.ask_to_sign_in()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "priya")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    window = desk.window
    try:
        box = window.findChild(QMessageBox, "databaseDamaged")
        qtbot.waitUntil(lambda: box is not None and box.isVisible())
        assert "is damaged" in box.text() and "restore the latest backup" in box.text()
        assert "damaged" in window.statusBar().currentMessage()
    finally:
        window.close()
        window.workspace.close()


def test_a_sound_file_opens_without_a_word(qtbot, ui_db_url, agent):
    desk = Desk(ui_db_url, synchronous=True, idle_minutes=10)
    dialog = desk.ask_to_sign_in()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "priya")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    window = desk.window
    try:
        assert window.findChild(QMessageBox, "databaseDamaged") is None
    finally:
        window.close()
        window.workspace.close()
