"""The call form's smaller promises: warnings, retries, timing, background work."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from contactdesk.domain.errors import ContactDeskError
from contactdesk.dtos.calls import CallInput
from tests.ui.call_form_helpers import (
    Keyboard,
    field,
    fill_a_report,
    focused,
    open_form,
    text_of,
)
from tests.ui.case_helpers import counts
from ui.tasks import TaskRunner


@pytest.fixture
def form(qtbot, workspace, runner):
    return open_form(qtbot, workspace, runner)


@pytest.fixture
def keys(qtbot, form):
    return Keyboard(qtbot, form)


def test_a_possible_but_unallocated_number_warns_without_blocking(qtbot, form, keys, workspace):
    keys.type("07700 900123")
    keys.press(Qt.Key.Key_Tab)
    warning = field(form, "callerPhoneWarning")
    assert warning.isVisible() and "not an allocated number" in warning.text()
    assert field(form, "callerPhone").property("invalid") is False
    assert warning.property("severity") == "warning"
    for _ in range(6):
        keys.press(Qt.Key.Key_Tab)
    assert focused() == "outcome"
    keys.type("I")  # Information given
    with qtbot.waitSignal(form.callSaved) as saved:
        keys.save()
    assert saved.args[0].reference is None
    assert field(form, "referenceLabel").text() == "Call logged"
    assert "not an allocated number" in field(form, "saveNotes").text()


def test_a_save_whose_reply_was_lost_is_not_duplicated_by_the_retry(qtbot, form, keys, workspace,
                                                                    ui_db_url, monkeypatch):
    real_log_call = workspace.calls.log_call

    def reply_lost(data):
        real_log_call(data)
        raise ContactDeskError("connection lost")

    fill_a_report(keys)
    keys.press(Qt.Key.Key_Tab)
    keys.type("Fridge")
    monkeypatch.setattr(workspace.calls, "log_call", reply_lost)
    keys.save()
    assert "connection lost" in field(form, "saveError").text()
    monkeypatch.setattr(workspace.calls, "log_call", real_log_call)
    with qtbot.waitSignal(form.callSaved) as saved:
        keys.save()
    assert saved.args[0].reference and counts(ui_db_url)[0] == 1
    assert counts(ui_db_url)[1] == 1


def test_start_call_times_the_call_from_now(form, keys):
    keys.type("0113 496 0012")
    before = datetime.now(UTC)
    form.start_call()
    data = form.call_input()
    assert text_of(form, "callerPhone") == ""
    assert data.answered_at == data.started_at
    assert before <= data.answered_at <= before + timedelta(seconds=5)
    assert data.wait_seconds is None
    assert field(form, "callTimer").text() == "00:00"


def test_only_active_categories_are_offered(form, workspace):
    names = [c.name for c in workspace.catalogue.list_categories() if c.active]
    combo = field(form, "category")
    assert [combo.itemText(i) for i in range(combo.count())] == names
    assert isinstance(combo.lineEdit(), QLineEdit)


@pytest.fixture
def gc_on_the_gui_thread():
    """Collect garbage only here while worker threads run.

    A collection triggered on a worker thread would delete Qt wrappers left by
    earlier tests from the wrong thread (a crash); the app needs the same care.
    """
    gc.collect()
    gc.disable()
    yield
    gc.enable()
    gc.collect()


def test_look_ups_and_the_save_also_work_with_the_background_runner(qtbot, workspace,
                                                                    gc_on_the_gui_thread):
    workspace.calls.log_call(CallInput(caller_phone="01709 823456", caller_name="Ann Jones",
                                       address="14 Wellgate", postcode="S60 2JS",
                                       category="Graffiti", description="Tag on the bus shelter"))
    runner = TaskRunner()
    form = open_form(qtbot, workspace, runner)  # the catalogue arrives in the background
    keys = Keyboard(qtbot, form)
    keys.type("01709823456")
    qtbot.waitUntil(lambda: text_of(form, "callerName") == "Ann Jones")
    for _ in range(4):
        keys.press(Qt.Key.Key_Tab)
    keys.type("fly")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("Bags of garden waste")
    with qtbot.waitSignal(form.callSaved, timeout=10_000) as saved:
        keys.save()
    qtbot.waitUntil(lambda: runner.idle)
    runner.wait_for_all()
    case = workspace.cases.get_case(saved.args[0].reference)
    assert (case.summary.category, case.caller_name, case.summary.location) == (
        "Fly tipping", "Ann Jones", "14 Wellgate")


def test_the_field_rules_are_checked_before_any_database_work(qtbot, form, keys, workspace,
                                                              monkeypatch):
    calls = []
    monkeypatch.setattr(workspace.calls, "log_call", lambda data: calls.append(data))
    fill_a_report(keys)  # no description: a new case needs one
    keys.save()
    assert calls == []
    assert field(form, "description").property("invalid") is True
    assert field(form, "descriptionError").text() == "Description is required"
    assert focused() == "description"
    keys.type("Tyres")
    assert field(form, "description").property("invalid") is False
