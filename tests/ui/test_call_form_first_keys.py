"""Keys typed the moment a call is answered, before the form's lists have loaded, are kept."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.call_form_helpers import Keyboard, field, fill_a_report, open_form, text_of
from tests.ui.case_helpers import counts
from ui.call_form import CallForm
from ui.tasks import TaskRunner


@pytest.fixture
def lists_released(workspace):
    """The categories and services load only once the test sets this event."""
    released = threading.Event()
    catalogue = workspace.catalogue
    for name in ("list_categories", "list_services"):
        real = getattr(catalogue, name)

        def slow(*args, _real=real, **kwargs):
            assert released.wait(10), "the test never released the lists"
            return _real(*args, **kwargs)

        setattr(catalogue, name, slow)
    yield released
    released.set()  # never leave a worker waiting


@pytest.fixture
def slow_form(qtbot, workspace, lists_released):
    runner = TaskRunner()
    form = CallForm(workspace, runner)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    form.start_call()
    yield form
    lists_released.set()
    qtbot.waitUntil(lambda: runner.idle, timeout=10_000)
    runner.wait_for_all()


def type_every_field(keys: Keyboard) -> None:
    """Phone, name, address, postcode, "fly" then Tab, the description: no pause anywhere."""
    for text in ("0113 496 0012", "Sam Patel", "12 Main Street", "S60 2TH"):
        keys.type(text)
        keys.press(Qt.Key.Key_Tab)
    keys.type("fly")
    keys.press(Qt.Key.Key_Tab)  # to the service, still empty
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget().objectName() == "description"
    keys.type("Mattress on the pavement")


def assert_saved_case_holds_every_field(workspace, reference: str) -> None:
    case = workspace.cases.get_case(reference)
    assert (case.caller_phone, case.caller_name) == ("+441134960012", "Sam Patel")
    assert (case.summary.location, case.summary.postcode) == ("12 Main Street", "S60 2TH")
    assert (case.summary.category, case.summary.service) == ("Fly tipping", "Streetpride")
    assert case.description == "Mattress on the pavement"


def test_keys_typed_before_the_lists_load_are_all_saved(qtbot, slow_form, workspace,
                                                        lists_released):
    keys = Keyboard(qtbot, slow_form)
    type_every_field(keys)
    assert text_of(slow_form, "category") == "fly"  # kept while the list is on its way
    lists_released.set()
    qtbot.waitUntil(lambda: text_of(slow_form, "category") == "Fly tipping", timeout=5_000)
    assert text_of(slow_form, "service") == "Streetpride"
    with qtbot.waitSignal(slow_form.callSaved, timeout=10_000) as saved:
        keys.save()
    assert_saved_case_holds_every_field(workspace, saved.args[0].reference)


def test_a_save_while_the_lists_load_says_so_and_goes_ahead_when_they_arrive(
        qtbot, slow_form, workspace, lists_released):
    keys = Keyboard(qtbot, slow_form)
    type_every_field(keys)
    keys.save()
    message = field(slow_form, "categoryWarning")
    assert message.isVisible() and "still loading" in message.text()
    assert "still loading" in field(slow_form, "saveError").text()
    with qtbot.waitSignal(slow_form.callSaved, timeout=10_000) as saved:
        lists_released.set()
    assert_saved_case_holds_every_field(workspace, saved.args[0].reference)
    assert not message.isVisible()


def test_a_category_that_matches_nothing_is_named_beside_the_field(qtbot, workspace, runner,
                                                                   ui_db_url):
    form = open_form(qtbot, workspace, runner)
    keys = Keyboard(qtbot, form)
    fill_a_report(keys)
    field(form, "category").setFocus()
    field(form, "category").setEditText("zebra crossing")
    field(form, "description").setFocus()
    keys.type("Faded paint")
    keys.save()
    assert field(form, "categoryError").isVisible()
    assert field(form, "categoryError").text().startswith("'zebra crossing' matches no category")
    assert field(form, "saveError").text() == "Not saved: correct the marked fields."
    assert counts(ui_db_url) == (0, 0)


def test_an_empty_form_says_what_is_missing(qtbot, workspace, runner):
    form = open_form(qtbot, workspace, runner)
    Keyboard(qtbot, form).save()
    assert field(form, "categoryError").text() == "Category is required to create a case"
    assert field(form, "descriptionError").isVisible()
    assert field(form, "saveError").isVisible()


def test_lists_that_failed_to_load_are_loaded_again_by_the_save(qtbot, workspace, runner):
    failures = [OSError("server restarting"), OSError("server restarting")]
    real = workspace.catalogue.list_categories

    def flaky(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    workspace.catalogue.list_categories = flaky
    form = CallForm(workspace, runner)  # the first load fails
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    form.start_call()
    keys = Keyboard(qtbot, form)
    for text in ("0113 496 0012", "Sam Patel", "12 Main Street", "S60 2TH", "fly"):
        keys.type(text)
        keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("Mattress on the pavement")
    keys.save()  # loads again, and fails again: said beside the category
    assert "could not be loaded (server restarting)" in field(form, "categoryError").text()
    assert "press Ctrl+Enter to try again" in field(form, "saveError").text()
    assert text_of(form, "category") == "fly"
    with qtbot.waitSignal(form.callSaved) as saved:
        keys.save()
    assert_saved_case_holds_every_field(workspace, saved.args[0].reference)


def test_a_second_press_while_saving_says_the_save_is_under_way(qtbot, workspace, ui_db_url):
    released = threading.Event()
    real = workspace.calls.log_call

    def slow_save(data):
        assert released.wait(10)
        return real(data)

    runner = TaskRunner()
    form = open_form(qtbot, workspace, runner)
    workspace.calls.log_call = slow_save
    keys = Keyboard(qtbot, form)
    fill_a_report(keys)
    keys.press(Qt.Key.Key_Tab)
    keys.type("Mattress on the pavement")
    keys.save()
    keys.save()
    assert field(form, "saveError").text().startswith("Still saving this call")
    with qtbot.waitSignal(form.callSaved, timeout=10_000):
        released.set()
    qtbot.waitUntil(lambda: runner.idle)
    runner.wait_for_all()
    assert counts(ui_db_url)[0] == 1


def test_ctrl_enter_with_the_category_list_open_saves(qtbot, workspace, runner):
    form = open_form(qtbot, workspace, runner)
    keys = Keyboard(qtbot, form)
    field(form, "description").setFocus()
    keys.type("Mattress on the pavement")
    field(form, "address").setFocus()
    keys.type("12 Main Street")
    field(form, "category").setFocus()
    keys.type("fly")
    assert QApplication.activePopupWidget() is not None  # the matches are on show
    with qtbot.waitSignal(form.callSaved) as saved:
        keys.save()
    case = workspace.cases.get_case(saved.args[0].reference)
    assert (case.summary.category, case.summary.location) == ("Fly tipping", "12 Main Street")
