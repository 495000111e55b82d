"""The main window end to end: new call from the keyboard, then find and open the case."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView, QWidget

from contactdesk.auth.credentials import REFUSED
from contactdesk.domain.errors import ContactDeskError, PermissionDenied
from contactdesk.dtos.calls import CallInput
from contactdesk.dtos.stats import StatsQuery
from tests.ui.call_form_helpers import Keyboard, fill_a_report
from tests.ui.conftest import PASSWORD, add_person
from ui.app import create_main_window
from ui.main_window import MainWindow
from ui.tasks import TaskRunner


@pytest.fixture
def window(qtbot, ui_db_url, agent):
    window = create_main_window(ui_db_url, agent.username, PASSWORD, synchronous=True)
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
    with pytest.raises(ContactDeskError, match=re.escape(REFUSED)):
        create_main_window(ui_db_url, "nobody", PASSWORD)


def test_an_agent_sees_no_statistics_and_cannot_fetch_them_either(qtbot, window):
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert window.dashboard is window.staffing is window.deadlines is None
    assert not {"&Queue dashboard", "Sta&ffing", "Service deadlines"} & set(tabs)
    assert "Complaints" in tabs and "&Reports" in tabs
    # The screen is not the only guard: the operation itself refuses an agent.
    day = date(2024, 5, 13)
    with pytest.raises(PermissionDenied, match="priya"):
        window.workspace.stats.call_stats(StatsQuery(day, day))


def test_the_window_belongs_to_the_signed_in_person(qtbot, window, ui_db_url):
    other = add_person(ui_db_url, "sam", "agent", "Sam Taylor")
    with pytest.raises(ValueError, match="signed in as priya"):
        MainWindow(window.workspace, TaskRunner(synchronous=True), other)
    sign_out = QAction("Sign out", window)
    sign_out.setShortcut(QKeySequence("Ctrl+Shift+Q"))
    window.add_session_action(sign_out)
    assert sign_out in window.toolbar.actions() and sign_out in window.actions()


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&(\w)", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def test_each_alt_letter_opens_one_thing_on_every_page(qtbot, ui_db_url):
    from PySide6.QtWidgets import QAbstractButton, QGroupBox

    add_person(ui_db_url, "sup", "supervisor", "Sam Taylor")  # sees every tab
    window = create_main_window(ui_db_url, "sup", PASSWORD, synchronous=True)
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


def test_a_saved_call_reaches_the_case_list_through_what_changed(qtbot, window):
    """No hand-wired refresh: the list hears that cases changed and searches again."""
    heard = []
    window.runner.operationDidExecute.connect(heard.append)
    before = window.case_list.model.rowCount()
    saved = window.workspace.calls.log_call(CallInput(
        caller_phone="01709 823456", caller_name="Ann Example", category="litter",
        description="Bins overflowing", address="12 Main Street"))
    qtbot.waitUntil(lambda: window.case_list.model.rowCount() == before + 1)
    assert [changes.operation for changes in heard] == ["log_call"]
    assert heard[0].references == (saved.reference,)


def test_only_administrators_get_the_privacy_page(qtbot, ui_db_url, window):
    assert window.privacy is None and "Privacy" not in [
        window.tabs.tabText(i) for i in range(window.tabs.count())]
    add_person(ui_db_url, "helen", "admin", "Helen Firth")
    admin = create_main_window(ui_db_url, "helen", PASSWORD, synchronous=True)
    qtbot.addWidget(admin)
    names = [admin.tabs.tabText(i) for i in range(admin.tabs.count())]
    assert names[-1] == "Privacy" and admin.tabs.widget(len(names) - 1) is admin.privacy
    inner = admin.privacy.tabs
    assert [inner.tabText(i) for i in range(inner.count())] == [
        "Subject access requests", "Retention"]
    assert admin.privacy.findChild(QWidget, "sarTerm") is not None
    assert admin.privacy.findChild(QWidget, "retentionTable") is not None


def _built(window) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count()) if window.tabs.is_built(i)]


def test_a_tab_is_built_when_first_shown_or_asked_for_and_not_before(qtbot, ui_db_url):
    from PySide6.QtWidgets import QTabBar

    from ui.keyboard_sheet import KeyboardSheet

    add_person(ui_db_url, "helen", "admin", "Helen Firth")  # every tab is hers
    window = create_main_window(ui_db_url, "helen", PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    # Only the call form is there to paint; no other page's widgets exist yet.
    assert _built(window) == ["&Call"] and window.call_form.isVisible()
    for name in ("caseList", "caseDetail", "dashboard", "staffingView", "serviceDeadlines",
                 "complaintsPage", "reportsView", "privacyPage"):
        assert window.findChild(QWidget, name) is None, name

    # Ctrl+2 builds the Cases tab and puts the focus on its first field.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert _built(window) == ["&Call", "Cas&es"]
    assert window.tabs.currentWidget().isAncestorOf(QApplication.focusWidget())
    assert window.case_list.isVisible() and window.case_list.model.rowCount() == 0

    # A menu command builds the page it needs.
    window.action_print_report.trigger()
    assert window.tabs.currentWidget() is window.reports and window.reports.isVisible()
    assert "&Reports" in _built(window) and "Complaints" not in _built(window)

    # A click on a tab builds its page, laid out at once.
    window.tabs.findChild(QTabBar).setCurrentIndex(3)
    assert window.tabs.tabText(3) == "Sta&ffing" and window.tabs.is_built(3)
    assert window.tabs.currentWidget() is window.staffing and window.staffing.width() > 600

    # Asking for a page by name builds it without showing it; the tab then holds it.
    complaints = window.complaints
    index = window.tabs.indexOf(complaints)
    assert window.tabs.is_built(index) and window.tabs.widget(index) is complaints
    assert window.tabs.currentWidget() is window.staffing and not complaints.isVisible()

    # F1 lists every tab's keys, so it builds the pages still missing.
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), KeyboardSheet))
    sheet = QApplication.activeModalWidget()
    assert len(_built(window)) == window.tabs.count() == 9
    assert {"Privacy tab", "Service deadlines tab", "Queue dashboard tab"} <= dict(sheet.areas).keys()
    sheet.reject()
    window.workspace.close()


def test_the_cases_tab_is_handed_the_case_drafts_when_it_is_built_later(
        qtbot, ui_db_url, agent, tmp_path):
    window = create_main_window(ui_db_url, agent.username, PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    window.keep_drafts(tmp_path)  # nothing left over: the Cases tab waits to be shown
    assert not window.tabs.is_built(window.CASES_TAB)
    window.tabs.setCurrentIndex(window.CASES_TAB)  # and is handed the drafts when it is built
    assert window.case_detail.edit_draft is not None
    window.workspace.close()
