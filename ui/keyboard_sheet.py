"""F1: every key of the window on one sheet, by area.

Generated, never typed out: the menus' actions (ui/menus.py), then for each tab the
shortcuts its widgets set, the keys its lists and note box handle themselves, and the
Alt+letters of its labels and buttons. A key added to a page appears here by itself.
"""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .menus import MENU_BAR_KEY, plain, shortcut_text

# What the pages' own shortcuts do, by key (the shortcuts carry no text of their own).
KEY_MEANINGS = {
    "Ctrl+Return": "save the form, or carry out the chosen action",
    "Ctrl+Enter": "save the form, or carry out the chosen action",
    "F5": "refresh",
    "Esc": "cancel the form",
    "Return": "show the cases of the selected row",
    "Enter": "show the cases of the selected row",
}
# Keys handled inside a widget rather than by a shortcut: (window attribute, key, meaning).
WIDGET_KEYS = (
    ("case_list", "Enter", "open the selected case"),
    ("case_detail", "Ctrl+Enter", "add the note being typed"),
    ("complaints", "Enter", "open the selected complaint"),
)
# Keys every tab shares.
WINDOW_KEYS = (
    (f"Alt, {MENU_BAR_KEY}", "open the menu bar"),
    ("Ctrl+Tab", "next tab"),
    ("Ctrl+Shift+Tab", "previous tab"),
    ("Tab, Shift+Tab", "next or previous field"),
)
_MNEMONIC = re.compile(r"&(\w)")


def mnemonic(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).upper() if found else None


def _same_key(key: str) -> str:
    """Return and Enter are one key to the person typing."""
    return key.replace("Return", "Enter")


def page_keys(window, page: QWidget) -> list[tuple[str, str]]:
    """The keys of one tab page: its shortcuts, its widgets' own keys, its Alt+letters."""
    rows: list[tuple[str, str]] = []
    for shortcut in page.findChildren(QShortcut):
        key = shortcut.key().toString(QKeySequence.SequenceFormat.NativeText)
        meaning = shortcut.whatsThis() or KEY_MEANINGS.get(
            shortcut.key().toString(QKeySequence.SequenceFormat.PortableText), "")
        rows.append((_same_key(key), meaning))
    for attribute, key, meaning in WIDGET_KEYS:
        widget = getattr(window, attribute, None)
        if widget is not None and (widget is page or page.isAncestorOf(widget)):
            rows.append((key, meaning))
    letters = []
    for label in page.findChildren(QLabel):
        if label.buddy() is not None and (key := mnemonic(label.text())) \
                and label.isVisibleTo(page):
            letters.append((f"Alt+{key}", plain(label.text()).rstrip(":")))
    for button in page.findChildren(QAbstractButton):
        if (key := mnemonic(button.text())) and button.isVisibleTo(page):
            letters.append((f"Alt+{key}", plain(button.text()).split("  (")[0]))
    for box in page.findChildren(QGroupBox):
        if (key := mnemonic(box.title())) and box.isVisibleTo(page):
            letters.append((f"Alt+{key}", plain(box.title())))
    unique = list(dict.fromkeys(rows))
    return unique + sorted(dict.fromkeys(letters))


def sheet_entries(window, menus) -> list[tuple[str, list[tuple[str, str]]]]:
    """(area, [(keys, what they do)]) for the whole window, menus first."""
    tabs = window.tabs
    everywhere = list(WINDOW_KEYS) + [
        (f"Alt+{key}", f"{plain(tabs.tabText(i))} tab") for i in range(tabs.count())
        if (key := mnemonic(tabs.tabText(i)))]
    areas: list[tuple[str, list[tuple[str, str]]]] = [("Everywhere", everywhere)]
    for title, actions in menus.commands():
        rows = [(shortcut_text(a), plain(a.text())) for a in actions if shortcut_text(a)]
        if rows:
            areas.append((f"{title} menu", rows))
    for index in range(tabs.count()):  # every page is built here, if not yet (ui/page_tabs.py)
        rows = page_keys(window, tabs.widget(index))
        if rows:
            areas.append((f"{plain(tabs.tabText(index))} tab", rows))
    return areas


def _area_html(area: str, rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td width='170'><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
                   for keys, what in rows)
    return f"<h3>{escape(area)}</h3><table cellspacing='0' cellpadding='2'>{body}</table>"


def sheet_html(areas: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """Two columns: the window's keys and menus on the left, the tabs' own keys on the right."""
    left = "".join(_area_html(a, r) for a, r in areas if not a.endswith(" tab"))
    right = "".join(_area_html(a, r) for a, r in areas if a.endswith(" tab"))
    return (f"<table width='100%' cellspacing='0' cellpadding='6'><tr>"
            f"<td valign='top' width='50%'>{left}</td><td valign='top'>{right}</td></tr></table>")


class KeyboardSheet(QDialog):
    """A dialog listing every key, by area; Esc or Close closes it."""

    def __init__(self, window, menus, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.setObjectName("keyboardSheet")
        self.setWindowTitle("Keyboard shortcuts")
        self.areas = sheet_entries(window, menus)
        self.text = QTextBrowser(self)
        self.text.setObjectName("keyboardSheetText")
        self.text.setAccessibleName("Keyboard shortcuts")
        self.text.setHtml(sheet_html(self.areas))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        # Roomy, but never larger than the window it explains (which fits its screen).
        self.resize(min(980, int(window.width() * 0.9)), min(680, int(window.height() * 0.9)))
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)
