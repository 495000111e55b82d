"""The menu bar, the F1 keyboard sheet, Ctrl+1..n, About, and every Alt+letter on a button."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QMenu

import contactdesk
from contactdesk.dtos.calls import CallInput
from contactdesk.dtos.cases import CaseSummary
from tests.ui.conftest import PASSWORD, add_person
from ui.about import AboutDialog
from ui.app import create_main_window
from ui.keyboard_sheet import KeyboardSheet, mnemonic
from ui.menus import MENU_TITLES, plain, shortcut_text

ROOT = Path(__file__).resolve().parents[2]


def _open(qtbot, url: str, username: str):
    window = create_main_window(url, username, PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


@pytest.fixture
def window(qtbot, ui_db_url, agent):
    window = _open(qtbot, ui_db_url, agent.username)
    yield window
    window.workspace.close()


@pytest.fixture
def supervising(qtbot, ui_db_url):
    add_person(ui_db_url, "sup", "supervisor", "Sam Taylor")
    window = _open(qtbot, ui_db_url, "sup")
    yield window
    window.workspace.close()


def _menu_entries(window) -> dict[str, list[tuple[str, str]]]:
    """What each menu shows: (item text, keys), as a person reads them."""
    bar = window.menuBar()
    entries = {}
    for action in bar.actions():
        menu = action.menu()
        assert isinstance(menu, QMenu)
        entries[plain(menu.title())] = [(plain(a.text()), shortcut_text(a))
                                        for a in menu.actions() if not a.isSeparator()]
    return entries


def _menu_actions(window) -> set[QAction]:
    return {a for top in window.menuBar().actions() for a in top.menu().actions()}


def _sign_out(window) -> QAction:
    sign_out = QAction("Sign out", window)
    sign_out.setShortcut(QKeySequence("Ctrl+Shift+Q"))
    window.add_session_action(sign_out)
    return sign_out


def test_every_action_of_the_window_is_in_a_menu_with_its_shortcut(window):
    sign_out = _sign_out(window)
    in_menus = _menu_actions(window)
    # An action added to the window (or its toolbar) without a menu entry fails here.
    missing = [a.text() for a in window.actions() + window.toolbar.actions()
               if not a.isSeparator() and a not in in_menus]
    assert missing == []
    assert sign_out in window.menus.menus["File"].actions()
    entries = _menu_entries(window)
    assert list(entries) == list(MENU_TITLES)
    assert entries["Call"] == [("New call", "F2, Ctrl+N"), ("Save call", "Ctrl+Enter"),
                               ("Take the waiting call", "Ctrl+Shift+P")]
    assert entries["Cases"] == [("Find case", "Ctrl+F"), ("Log complaint", "Ctrl+Shift+N"),
                                ("Find complaint", "Ctrl+Shift+F")]
    assert entries["View"] == [("Call tab", "Ctrl+1"), ("Cases tab", "Ctrl+2"),
                               ("Complaints tab", "Ctrl+3"), ("Reports tab", "Ctrl+4"),
                               ("Callbacks tab", "Ctrl+5")]
    assert entries["Help"] == [("Keyboard shortcuts", "F1"), ("About ContactDesk", "")]
    # An agent may not export or import: those commands are not offered at all.
    assert entries["File"] == [("Print report…", "Ctrl+P"), ("Save report as PDF…", "Ctrl+Shift+S"),
                               ("Sign out", "Ctrl+Shift+Q"), ("Quit", "Ctrl+Q")]


def test_a_supervisor_gets_the_statistics_commands_too(supervising):
    entries = _menu_entries(supervising)
    assert ("Service deadlines", "Ctrl+Shift+D") in entries["Cases"]
    assert ("Export calls, cases or queue attempts…", "Ctrl+Shift+E") in entries["File"]
    assert ("Import telephony log…", "") in entries["File"]
    assert [keys for _, keys in entries["View"]] == [
        f"Ctrl+{n}" for n in range(1, supervising.tabs.count() + 1)]
    missing = [a.text() for a in supervising.actions() if a not in _menu_actions(supervising)]
    assert missing == []


def test_ctrl_and_a_number_go_to_that_tab_ready_to_type(qtbot, window):
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_2,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == window.CASES_TAB
    assert window.tabs.currentWidget().isAncestorOf(QApplication.focusWidget())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.reports
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == window.CALL_TAB
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.callbacks
    assert window.callbacks.isAncestorOf(QApplication.focusWidget())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    # An agent has five tabs: Ctrl+6 reaches nothing.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == window.CALL_TAB


def test_f1_shows_every_key_by_area_and_esc_closes_it(qtbot, window):
    _sign_out(window)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), KeyboardSheet))
    sheet = QApplication.activeModalWidget()
    text = sheet.text.toPlainText()
    areas = [area for area, _rows in sheet.areas]
    assert areas[:2] == ["Everywhere", "File menu"]
    assert {"Call tab", "Cases tab", "Complaints tab", "Reports tab", "Callbacks tab"} <= set(areas)
    for action in window.actions():
        if shortcut_text(action):
            assert shortcut_text(action) in text and plain(action.text()) in text
    rows = dict(sheet.areas)
    assert ("Ctrl+Enter", "save the form, or carry out the chosen action") in rows["Call tab"]
    assert ("Alt+P", "Phone") in rows["Call tab"]
    assert ("Enter", "open the selected case") in rows["Cases tab"]
    assert ("Alt+O", "Overdue only") in rows["Cases tab"]
    assert ("Alt+E", "Cases tab") in rows["Everywhere"]
    qtbot.keyClick(sheet.text, Qt.Key.Key_Escape)  # the sheet opens with its text focused
    qtbot.waitUntil(lambda: not sheet.isVisible())


def test_f10_opens_the_menu_bar_at_file(qtbot, window):
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F10)
    assert window.menuBar().activeAction() is window.menus.menus["File"].menuAction()


def test_about_names_the_version_the_database_and_qt(qtbot, window):
    window.menus.menus["Help"].actions()[-1].trigger()
    about = QApplication.activeModalWidget()
    assert isinstance(about, AboutDialog)
    facts = dict(about.facts)
    assert facts["Version"] == contactdesk.__version__ != "0+unknown"
    assert facts["Database"] == window.workspace.location
    assert facts["Qt"] and facts["PySide6"]
    assert contactdesk.__version__ in about.details.text()
    # The command line says the same version.
    out = subprocess.run([sys.executable, "-m", "contactdesk.cli.main", "--version"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"contactdesk {contactdesk.__version__}"
    about.reject()


def test_the_menus_are_hidden_and_disabled_while_the_desk_is_locked(window):
    window.set_covered(True)
    assert not window.menuBar().isVisible()
    assert not any(a.isEnabled() for a in _menu_actions(window) if not a.isSeparator())
    window.set_covered(False)
    assert window.menuBar().isVisible() and window.action_keyboard_sheet.isEnabled()


def test_a_command_for_a_report_not_yet_built_says_what_comes_first(qtbot, window):
    window.action_print_report.trigger()
    assert window.tabs.currentWidget() is window.reports
    assert "Preview a report first" in window.statusBar().currentMessage()


class _ShortcutCatcher(QObject):
    """Takes the Alt+letter a button receives (so no button really runs) and notes it."""

    def __init__(self):
        super().__init__()
        self.caught: list[tuple[QAbstractButton, bool]] = []

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Shortcut and isinstance(watched, QAbstractButton) \
                and not isinstance(watched, QCheckBox):
            self.caught.append((watched, event.isAmbiguous()))
            return True
        return False


def _alt_letters_reach_their_buttons(qtbot, window, page_name: str) -> list[str]:
    """Press Alt+letter for every visible button and checkbox; list those that miss."""
    catcher = _ShortcutCatcher()
    failures = []
    buttons = [b for b in window.findChildren(QAbstractButton)
               if b.isVisible() and b.isEnabled() and mnemonic(b.text())]
    for button in buttons:
        button.installEventFilter(catcher)
    try:
        for button in buttons:
            key = getattr(Qt.Key, f"Key_{mnemonic(button.text())}")
            catcher.caught.clear()
            before = button.isChecked()
            qtbot.keyClick(QApplication.focusWidget() or window, key, Qt.KeyboardModifier.AltModifier)
            if isinstance(button, QCheckBox):  # toggled for real, once its press animation ends
                try:
                    qtbot.waitUntil(lambda b=button, was=before: b.isChecked() != was, timeout=1000)
                    ok = True
                    button.setChecked(before)
                except qtbot.TimeoutError:
                    ok = False
            else:
                ok = catcher.caught == [(button, False)]
            if not ok:
                failures.append(f"{page_name}: {button.objectName() or button.text()!r} "
                                f"(Alt+{mnemonic(button.text())})")
    finally:
        for button in buttons:
            button.removeEventFilter(catcher)
    return failures


# Clashes in widgets this module's owners do not set; each is reported with its file and line.
# The list must shrink as they are fixed (the test fails on any change to it, either way).
KNOWN_CLASHES: list[str] = []  # every Alt+letter on every page does one thing


def _offer_a_duplicate(window) -> None:
    now = datetime.now(UTC)
    window.call_form.ui.duplicates.set_cases([CaseSummary(
        1, "SP-2026-000001", "open", "Fly tipping", "Street cleansing", now, now, "12 Main Street",
        None, 1)])


def test_every_alt_letter_on_a_button_or_checkbox_does_its_job(qtbot, ui_db_url):
    add_person(ui_db_url, "helen", "admin", "Helen Firth")  # sees every tab
    window = _open(qtbot, ui_db_url, "helen")
    failures = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        failures += _alt_letters_reach_their_buttons(qtbot, window, plain(window.tabs.tabText(index)))
    window.privacy.tabs.setCurrentIndex(1)
    failures += _alt_letters_reach_their_buttons(qtbot, window, "Privacy, retention")
    saved = window.workspace.calls.log_call(CallInput(
        caller_phone="01709 823456", caller_name="Ann Example", category="litter",
        description="Bins overflowing", address="12 Main Street"))
    window.open_case(saved.reference)
    qtbot.waitUntil(lambda: window.case_detail.current_reference == saved.reference)
    failures += _alt_letters_reach_their_buttons(qtbot, window, "Cases, a case open")
    window.tabs.setCurrentIndex(window.CALL_TAB)
    _offer_a_duplicate(window)
    failures += _alt_letters_reach_their_buttons(qtbot, window, "Call, duplicates offered")
    window.log_complaint()  # the complaint form, which replaces the complaint's detail
    failures += _alt_letters_reach_their_buttons(qtbot, window, "Complaint form")
    window.workspace.close()
    assert failures == KNOWN_CLASHES, "\n".join(failures)
