"""Finding a case fast: the columns each person chooses (and keeps), a part of a reference,
and Enter in the search box opening the hit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QTableView, QToolButton

from tests.ui.case_helpers import DeferredRunner
from tests.ui.test_case_list import count_text, log_three_cases, make_list, shown
from ui.case_list import CaseListView, view_settings_path

ALL_COLUMNS = ["Reference", "Caller", "Location", "Postcode", "Phone", "Status", "Category",
               "Received", "Due", "Service"]


@pytest.fixture
def cases(workspace):
    return log_three_cases(workspace)


def column_action(view: CaseListView, title: str):
    menu = view.findChild(QMenu, "caseColumnsMenu")
    return next(a for a in menu.actions() if a.text() == title)


def test_the_columns_menu_opens_from_the_headings_and_the_table(qtbot, workspace, runner, cases):
    view = make_list(qtbot, workspace, runner)
    menu = view.findChild(QMenu, "caseColumnsMenu")
    table = view.findChild(QTableView, "caseTable")
    for widget in (table.horizontalHeader(), table):
        target, where = widget.viewport(), QPoint(20, 10)
        QApplication.sendEvent(target, QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, where, target.mapToGlobal(where)))
        qtbot.waitUntil(menu.isVisible, timeout=1000)
        assert [a.text() for a in menu.actions()] == ALL_COLUMNS
        assert all(a.isChecked() for a in menu.actions())
        assert not column_action(view, "Reference").isEnabled()  # every row needs its name
        menu.close()
    # From the keyboard: Tab from the table reaches the Columns button, which holds the menu.
    button = view.findChild(QToolButton, "caseColumns")
    view.activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus, timeout=1000)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    qtbot.waitUntil(button.hasFocus, timeout=1000)
    assert button.menu() is menu and button.accessibleName()


def test_hidden_columns_stay_hidden_for_that_person_in_a_new_window(
        qtbot, workspace, runner, cases, signed_in, tmp_path):
    first = make_list(qtbot, workspace, runner)
    column_action(first, "Phone").trigger()
    column_action(first, "Service").trigger()
    expected = [c for c in ALL_COLUMNS if c not in ("Phone", "Service")]
    assert first.shown_columns() == expected
    table = first.findChild(QTableView, "caseTable")
    assert table.isColumnHidden(first.model.PHONE) and table.isColumnHidden(first.model.SERVICE)
    # Kept in the person's own data folder (the tests' folder here).
    path = view_settings_path(workspace.user.username)
    assert path.is_file() and path.is_relative_to(tmp_path)
    first.close()

    again = make_list(qtbot, workspace, runner)
    assert again.shown_columns() == expected
    assert not column_action(again, "Phone").isChecked()
    column_action(again, "Phone").trigger()  # shown again, and remembered so
    assert make_list(qtbot, workspace, runner).shown_columns() == [
        c for c in ALL_COLUMNS if c != "Service"]

    someone_else = signed_in("tom", "agent", "Tom Hall")
    assert make_list(qtbot, someone_else, runner).shown_columns() == ALL_COLUMNS


def test_a_street_search_still_shows_the_caller_and_address(qtbot, workspace, runner, cases):
    view = make_list(qtbot, workspace, runner)
    search = view.findChild(QLineEdit, "caseSearch")
    qtbot.keyClicks(search, "moorgate")
    qtbot.waitUntil(lambda: shown(view) == [cases["cat"]], timeout=2000)
    assert view.shown_columns()[:5] == ["Reference", "Caller", "Location", "Postcode", "Phone"]
    table = view.findChild(QTableView, "caseTable")
    model = view.model
    cells = {title: model.index(0, column).data()
             for column, title in ((model.CALLER, "Caller"), (model.PHONE, "Phone"),
                                   (model.LOCATION, "Location"), (model.POSTCODE, "Postcode"))}
    assert cells == {"Caller": "Cathy Ward", "Phone": "01709 336003",
                     "Location": "22 Moorgate Road, Rotherham", "Postcode": "S60 2AY"}
    # Visible in the list's own width, not scrolled off to the right.
    width = table.viewport().width()
    for column in (model.CALLER, model.LOCATION, model.POSTCODE, model.PHONE):
        assert table.columnViewportPosition(column) + table.columnWidth(column) <= width


def test_part_of_a_reference_finds_its_case(qtbot, workspace, runner, cases):
    view = make_list(qtbot, workspace, runner)
    search = view.findChild(QLineEdit, "caseSearch")
    number = cases["bob"].split("-")[-1][-4:]  # SP-2026-000002 -> "0002"
    qtbot.keyClicks(search, number)
    qtbot.waitUntil(lambda: shown(view) == [cases["bob"]], timeout=2000)
    assert count_text(view) == "1 case"
    search.clear()
    qtbot.keyClicks(search, cases["ann"][1:-1].lower())  # p-2026-00000, say
    qtbot.waitUntil(lambda: shown(view) == [cases["bob"], cases["ann"]], timeout=2000)


def test_enter_in_the_search_box_opens_the_only_hit_or_the_first(qtbot, workspace, runner, cases):
    view = make_list(qtbot, workspace, runner)
    opened = []
    view.caseActivated.connect(opened.append)
    search = view.findChild(QLineEdit, "caseSearch")
    qtbot.keyClicks(search, "smith")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # before the pause after typing is over
    assert opened == [cases["bob"]]
    search.clear()
    qtbot.keyClicks(search, "rotherham")  # three cases, newest first
    qtbot.keyClick(search, Qt.Key.Key_Enter)
    assert opened == [cases["bob"], cases["cat"]]
    assert view.selected_reference() == cases["cat"]
    search.clear()
    qtbot.keyClicks(search, "zzzz")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # no hit: nothing opens
    search.clear()
    qtbot.keyClick(search, Qt.Key.Key_Return)  # nothing typed: Enter only searches
    assert opened == [cases["bob"], cases["cat"]] and len(shown(view)) == 3


def test_enter_opens_the_hit_when_it_arrives_unless_typing_went_on(qtbot, workspace, cases):
    runner = DeferredRunner()
    view = make_list(qtbot, workspace, runner)
    runner.release_all()
    opened = []
    view.caseActivated.connect(opened.append)
    search = view.findChild(QLineEdit, "caseSearch")
    qtbot.keyClicks(search, "wellgate")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert opened == []  # still searching
    runner.release_all()
    assert opened == [cases["ann"]]
    search.clear()
    qtbot.keyClicks(search, "moorgate")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.keyClicks(search, " road")  # a new question: the old Enter no longer applies
    runner.release_all()
    assert opened == [cases["ann"]]
