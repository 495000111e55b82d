"""The main window end to end: new call from the keyboard, then find and open the case."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView

from contactdesk.domain.errors import ContactDeskError
from tests.ui.call_form_helpers import Keyboard, fill_a_report
from ui.app import create_main_window


@pytest.fixture
def window(qtbot, ui_db_url, agent):
    window = create_main_window(ui_db_url, agent.username, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    window.workspace.close()


def test_actions_have_their_names_and_shortcuts(window):
    assert window.objectName() == "mainWindow"
    new_call = window.findChild(type(window.action_new_call), "actionNewCall")
    find_case = window.findChild(type(window.action_find_case), "actionFindCase")
    assert {s.toString() for s in new_call.shortcuts()} == {"F2", "Ctrl+N"}
    assert find_case.shortcut() == QKeySequence("Ctrl+F")


def test_log_a_call_then_find_and_open_its_case_without_the_mouse(qtbot, window):
    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_F2)
    assert QApplication.focusWidget().objectName() == "callerPhone"
    fill_a_report(keys)
    keys.press(Qt.Key.Key_Tab)
    keys.type("Sofa and mattress on the verge")
    keys.save()
    reference = window.findChild(QLabel, "referenceLabel").text()
    assert re.fullmatch(r"SP-\d{4}-\d{6}", reference)

    keys.press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = window.findChild(QLineEdit, "caseSearch")
    assert QApplication.focusWidget() is search
    keys.type(reference)
    table = window.findChild(QTableView, "caseTable")
    qtbot.waitUntil(lambda: table.model().rowCount() == 1)
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    keys.press(Qt.Key.Key_Return)
    detail = window.findChild(type(window.case_detail), "caseDetail")
    qtbot.waitUntil(lambda: reference in " ".join(label.text() for label in detail.findChildren(QLabel)))


def test_an_unknown_user_is_refused_with_a_message(ui_db_url):
    with pytest.raises(ContactDeskError, match="no user called 'nobody'"):
        create_main_window(ui_db_url, "nobody")


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&(\w)", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def test_each_alt_letter_opens_one_thing_on_every_page(qtbot, ui_db_url, workspace):
    from PySide6.QtWidgets import QAbstractButton, QGroupBox

    from contactdesk.services.users import add_user

    add_user(workspace._engine, "sup", "supervisor", "Sam Taylor")  # sees every tab
    window = create_main_window(ui_db_url, "sup", synchronous=True)
    qtbot.addWidget(window)
    window.show()
    tabs = window.tabs
    bar = [k for k in (_mnemonic(tabs.tabText(i)) for i in range(tabs.count())) if k]
    assert len(bar) == len(set(bar))
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        keys = list(bar)
        for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
            if widget.isVisible() and (key := _mnemonic(widget.text())):
                keys.append(key)
        for box in window.findChildren(QGroupBox):
            if box.isVisible() and (key := _mnemonic(box.title())):
                keys.append(key)
        clashes = sorted({k for k in keys if keys.count(k) > 1})
        assert not clashes, f"Alt+{clashes} twice with the {tabs.tabText(index)!r} page shown"
    window.workspace.close()
