"""The case list: search as you type, filters, database sorting, paging and opening a case."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QTableView

from contactdesk.dtos.cases import CaseQuery
from contactdesk.workspace import Workspace
from tests.ui.case_helpers import DeferredRunner, counts, log_case, make_overdue
from tests.ui.conftest import add_person, sign_in
from ui.case_list import CaseListView
from ui.case_table_model import CaseRowRole, CaseTableModel, ReferenceRole

COLUMN = CaseTableModel


@pytest.fixture
def cases(workspace):
    return log_three_cases(workspace)


def log_three_cases(workspace) -> dict[str, str]:
    """Three cases told apart by every search key, in different services and categories."""
    ann = log_case(workspace)  # Ann Jones, 01709 823456, Wellgate, S60 2TH, Fly tipping
    bob = log_case(workspace, caller_phone="07700 900123", caller_name="Bob Smith",
                   address="3 Howard Street, Rotherham", postcode="S65 1FW",
                   category="Missed bin collection", description="Green bin missed")
    cat = log_case(workspace, caller_phone="01709 336003", caller_name="Cathy Ward",
                   address="22 Moorgate Road, Rotherham", postcode="S60 2AY",
                   category="Council tax payment", description="Wants to pay arrears")
    return {"ann": ann, "bob": bob, "cat": cat}


def make_list(qtbot, workspace, runner, **options) -> CaseListView:
    view = CaseListView(workspace, runner, **options)
    qtbot.addWidget(view)
    view.resize(1200, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def view(qtbot, workspace, runner, cases):
    return make_list(qtbot, workspace, runner)


def shown(view) -> list[str]:
    model = view.findChild(QTableView, "caseTable").model()
    return [model.index(row, 0).data(ReferenceRole) for row in range(model.rowCount())]


def count_text(view) -> str:
    return view.findChild(QLabel, "caseCount").text()


def choose(qtbot, combo: QComboBox, text: str) -> None:
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def test_all_cases_show_newest_first_with_uk_times(view, cases):
    assert shown(view) == [cases["cat"], cases["bob"], cases["ann"]]
    assert count_text(view) == "3 cases"
    model = view.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Reference", "Received", "Status", "Category", "Service", "Caller",
                       "Location", "Postcode", "Due", "Phone"]
    # Who and where first, so they show when the list is narrow beside an open case.
    assert view.shown_columns() == ["Reference", "Caller", "Location", "Postcode", "Phone",
                                    "Status", "Category", "Received", "Due", "Service"]
    row = [model.index(2, c).data() for c in range(model.columnCount())]
    assert row[0] == cases["ann"] and row[2] == "New" and row[3] == "Fly tipping"
    assert row[4:8] == ["Streetpride", "Ann Jones", "14 Wellgate, Rotherham", "S60 2TH"]
    assert row[9] == "01709 823456"
    for text in (row[1], row[8]):  # dd/mm/yyyy HH:MM
        assert len(text) == 16 and text[2] == text[5] == "/" and text[13] == ":"


@pytest.mark.parametrize(("typed", "expected"), [
    ("bob-reference", "bob"),
    ("+44 7700 900123", "bob"),  # stored as +447700900123, typed another way
    ("smith", "bob"),
    ("wellgate", "ann"),
    ("moorgate", "cat"),
    ("s65 1fw", "bob"),
    ("S60 2AY", "cat"),
])
def test_typing_a_search_key_shows_only_the_matching_case(qtbot, view, cases, typed, expected):
    search = view.findChild(QLineEdit, "caseSearch")
    if typed == "bob-reference":
        typed = cases["bob"].lower()
    qtbot.keyClicks(search, typed)
    assert shown(view) == [cases["cat"], cases["bob"], cases["ann"]]  # still waiting for a pause
    qtbot.waitUntil(lambda: shown(view) == [cases[expected]], timeout=2000)
    assert count_text(view) == "1 case"


def test_a_search_that_matches_nothing_says_so(qtbot, view):
    search = view.findChild(QLineEdit, "caseSearch")
    qtbot.keyClicks(search, "zzzznotaname")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # Return searches at once
    assert shown(view) == [] and count_text(view) == "No cases match"
    qtbot.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(search, Qt.Key.Key_Backspace)
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert len(shown(view)) == 3


def test_filters_narrow_the_list(qtbot, workspace, runner, cases, ui_db_url):
    workspace.cases.change_status(cases["bob"], "in_progress")
    workspace.cases.change_status(cases["cat"], "resolved")
    make_overdue(ui_db_url, cases["ann"])
    add_person(ui_db_url, "sam", "agent", "Sam Taylor")
    sam = sign_in(ui_db_url, "sam")
    try:
        sams = log_case(sam, caller_phone="07911 123456", caller_name="Dee Long")
    finally:
        sam.close()
    view = make_list(qtbot, workspace, runner)
    status = view.findChild(QComboBox, "statusFilter")
    assert [status.itemText(i) for i in range(status.count())] == [
        "Any", "Open", "New", "Routed", "In progress", "Resolved", "Closed", "Duplicate",
        "Withdrawn"]
    choose(qtbot, status, "Open")
    assert set(shown(view)) == {cases["ann"], cases["bob"], sams}
    choose(qtbot, status, "Resolved")
    assert shown(view) == [cases["cat"]]
    choose(qtbot, status, "Any")

    service = view.findChild(QComboBox, "serviceFilter")
    choose(qtbot, service, "Local Taxation")
    assert shown(view) == [cases["cat"]]
    choose(qtbot, service, "Any service")
    category = view.findChild(QComboBox, "categoryFilter")
    choose(qtbot, category, "Missed bin collection")
    assert shown(view) == [cases["bob"]]
    choose(qtbot, category, "Any category")

    overdue = view.findChild(QCheckBox, "overdueFilter")
    qtbot.keyClick(overdue, Qt.Key.Key_Space)
    assert shown(view) == [cases["ann"]]
    late = view.model.index(0, COLUMN.DUE)
    assert late.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert late.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert late.data(Qt.ItemDataRole.FontRole).bold()
    qtbot.keyClick(overdue, Qt.Key.Key_Space)

    mine = view.findChild(QCheckBox, "mineFilter")
    assert len(shown(view)) == 4
    qtbot.keyClick(mine, Qt.Key.Key_Space)
    assert set(shown(view)) == {cases["ann"], cases["bob"], cases["cat"]}


def test_only_overdue_rows_are_highlighted(view, cases, ui_db_url):
    make_overdue(ui_db_url, cases["bob"])
    view.refresh()
    model = view.model
    rows = {model.index(r, 0).data(ReferenceRole): r for r in range(model.rowCount())}
    for reference, row in rows.items():
        colour = model.index(row, COLUMN.DUE).data(Qt.ItemDataRole.BackgroundRole)
        assert (colour is not None) == (reference == cases["bob"])
    assert model.index(rows[cases["bob"]], 0).data(CaseRowRole).overdue


def test_sorting_reruns_the_search_in_the_database(view, cases):
    table = view.findChild(QTableView, "caseTable")
    header = table.horizontalHeader()
    table.sortByColumn(COLUMN.REFERENCE, Qt.SortOrder.AscendingOrder)  # a header click
    assert view.model.query.sort == "reference" and not view.model.query.descending
    assert shown(view) == sorted(cases.values())
    table.sortByColumn(COLUMN.REFERENCE, Qt.SortOrder.DescendingOrder)
    assert shown(view) == sorted(cases.values(), reverse=True)
    table.sortByColumn(COLUMN.CATEGORY, Qt.SortOrder.AscendingOrder)
    categories = [view.model.index(r, COLUMN.CATEGORY).data() for r in range(3)]
    assert categories == ["Council tax payment", "Fly tipping", "Missed bin collection"]
    # The caller's name is not a sort key: nothing reloads and the arrow stays put.
    before = view.model.query
    table.sortByColumn(COLUMN.CALLER, Qt.SortOrder.AscendingOrder)
    assert view.model.query is before and header.sortIndicatorSection() == COLUMN.CATEGORY
    # Sorting keeps the filters.
    view.findChild(QLineEdit, "caseSearch").setText("rotherham")
    view.apply_search()
    assert view.model.query.text == "rotherham" and view.model.query.sort == "category"


def test_pages_load_as_the_table_asks_for_more(qtbot, qtmodeltester, workspace, runner, cases):
    more = [log_case(workspace, caller_phone=f"07700 90013{n}") for n in range(2)]
    view = make_list(qtbot, workspace, runner, page_size=2)
    model = view.model
    assert model.rowCount() == 2 and count_text(view) == "2+ cases"
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 4 and count_text(view) == "4+ cases"
    qtmodeltester.check(model)  # the tester fetches more too: the last page
    assert model.rowCount() == 5 and count_text(view) == "5 cases"
    assert not model.canFetchMore(QModelIndex())
    assert shown(view) == list(reversed([*cases.values(), *more]))
    qtmodeltester.check(model)


def test_the_model_passes_the_model_tester_empty_and_loaded(qtmodeltester, workspace, runner,
                                                            cases):
    model = CaseTableModel(workspace, runner, page_size=2)
    qtmodeltester.check(model)  # before any query
    model.set_query(CaseQuery(text="nothing matches this"))
    assert model.rowCount() == 0 and model.complete
    qtmodeltester.check(model)
    model.set_query(CaseQuery())
    assert model.rowCount() == 2
    qtmodeltester.check(model)  # loaded, and then with the next page it asked for
    assert model.rowCount() == 3 and model.complete
    qtmodeltester.check(model)


def test_scrolling_through_a_large_list_reads_every_case_once(qtbot, workspace, runner,
                                                              ui_db_url):
    admin = Workspace.for_this_account(ui_db_url)  # demo data is an admin's to load
    try:
        admin.demo.generate_demo_data(days=1, seed=7, telephony=False)
    finally:
        admin.close()
    total = counts(ui_db_url)[0]
    view = make_list(qtbot, workspace, runner, page_size=100)
    assert view.model.rowCount() == 100 and count_text(view) == "100+ cases"
    table = view.findChild(QTableView, "caseTable")
    for _ in range(total // 100 + 2):  # the view fetches more when scrolled to the end
        table.scrollToBottom()
        qtbot.wait(1)  # let the view's fetch-more timer fire (a zero-length timer)
    assert view.model.complete and view.model.rowCount() == total
    assert count_text(view) == f"{total:,} cases"
    references = shown(view)
    assert len(set(references)) == total
    received = [view.model.row(r).received_at for r in range(total)]
    assert received == sorted(received, reverse=True)


def test_an_answer_to_an_older_search_is_ignored(qtbot, workspace, cases):
    runner = DeferredRunner()
    view = make_list(qtbot, workspace, runner)
    runner.release(0)  # services and categories
    search = view.findChild(QLineEdit, "caseSearch")
    qtbot.keyClicks(search, "smith")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert len(runner.jobs) == 2  # the first (everything) and "smith", both still running
    runner.release(1)
    assert shown(view) == [cases["bob"]]
    runner.release(0)  # the slower, older answer arrives last
    assert shown(view) == [cases["bob"]] and count_text(view) == "1 case"


def test_a_page_for_an_older_search_is_ignored(qtbot, workspace, cases):
    runner = DeferredRunner()
    view = make_list(qtbot, workspace, runner, page_size=2)
    runner.release_all()
    assert len(shown(view)) == 2
    view.model.fetchMore(QModelIndex())  # next page of "everything" requested...
    view.findChild(QLineEdit, "caseSearch").setText("wellgate")
    view.apply_search()  # ...and then a new search
    runner.release(1)
    runner.release(0)
    assert shown(view) == [cases["ann"]]


def test_enter_or_double_click_opens_the_case(qtbot, view, cases):
    opened = []
    view.caseActivated.connect(opened.append)
    view.focus_search()
    search = view.findChild(QLineEdit, "caseSearch")
    table = view.findChild(QTableView, "caseTable")
    qtbot.keyClick(search, Qt.Key.Key_Down)  # from the search box into the results
    assert table.currentIndex().row() == 0
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [cases["bob"]]
    rect = table.visualRect(view.model.index(2, COLUMN.CATEGORY))
    # A real double-click: the first click presses the row, the second is the double-click.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [cases["bob"], cases["ann"]]


def test_focus_search_selects_what_was_typed(qtbot, view):
    search = view.findChild(QLineEdit, "caseSearch")
    search.setText("wellgate")
    view.findChild(QTableView, "caseTable").setFocus()
    view.focus_search()
    assert search.selectedText() == "wellgate"
    qtbot.waitUntil(search.hasFocus, timeout=1000)


def test_refresh_keeps_the_selected_case(qtbot, view, workspace, cases):
    table = view.findChild(QTableView, "caseTable")
    table.setCurrentIndex(view.model.index(1, 0))
    newer = log_case(workspace, caller_phone="07700 900555")
    view.refresh()
    assert shown(view)[0] == newer
    assert view.selected_reference() == cases["bob"]


def test_labels_and_names_for_the_keyboard_and_screen_readers(view):
    search = view.findChild(QLineEdit, "caseSearch")
    assert search.placeholderText() == "Reference, phone, name, street or postcode"
    assert search.accessibleName()
    labels = {label.text(): label.buddy() for label in view.findChildren(QLabel) if label.buddy()}
    assert labels["&Search"] is search
    assert labels["S&tatus"].objectName() == "statusFilter"
    assert view.findChild(QCheckBox, "overdueFilter").text() == "&Overdue only"
    assert view.findChild(QCheckBox, "mineFilter").text() == "&Mine"
    table = view.findChild(QTableView, "caseTable")
    assert table.isSortingEnabled() and table.alternatingRowColors()
    assert table.selectionBehavior() == QTableView.SelectionBehavior.SelectRows
    assert table.selectionMode() == QTableView.SelectionMode.SingleSelection


def test_a_failed_search_says_so_instead_of_showing_nothing(qtbot, workspace, runner):
    def search_cases(*args, **kwargs):
        raise ConnectionError("database server went away")

    class Unreachable:
        cases = SimpleNamespace(search_cases=search_cases)

        def __getattr__(self, name):
            return getattr(workspace, name)

    view = make_list(qtbot, Unreachable(), runner)
    assert count_text(view) == "Search failed: database server went away"
    assert not view.model.loading


def test_alt_keys_are_unique_across_the_list_and_the_case_view(qtbot, workspace, runner):
    # The main window shows both side by side: one Alt+letter must reach one field.
    from PySide6.QtWidgets import QAbstractButton, QWidget

    from ui.case_detail import CaseDetailView

    page = QWidget()
    qtbot.addWidget(page)
    CaseListView(workspace, runner, page)
    CaseDetailView(workspace, runner, page)
    texts = [w.text() for w in page.findChildren(QLabel) if w.buddy()]
    texts += [w.text() for w in page.findChildren(QAbstractButton)]
    keys = [text[text.index("&") + 1].lower() for text in texts if "&" in text]
    assert len(keys) >= 14
    assert sorted(keys) == sorted(set(keys)), texts
