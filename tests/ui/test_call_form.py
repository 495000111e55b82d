"""The call form, driven the way an agent drives it: from the keyboard only."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableView

from contactdesk.demo import GAZETTEER_CSV
from contactdesk.domain.errors import ContactDeskError
from contactdesk.dtos.calls import CallerHistory, CallInput
from contactdesk.workspace import Workspace
from tests.ui.call_form_helpers import (
    INPUTS,
    Keyboard,
    case_uprns,
    field,
    fill_a_report,
    focused,
    forget_caller_addresses,
    open_form,
    text_of,
)
from tests.ui.case_helpers import counts

REFERENCE = re.compile(r"SP-\d{4}-\d{6}")


@pytest.fixture
def form(qtbot, workspace, runner):
    return open_form(qtbot, workspace, runner)


@pytest.fixture
def keys(qtbot, form):
    return Keyboard(qtbot, form)


@pytest.fixture
def gazetteer(ui_db_url):
    admin = Workspace.for_this_account(ui_db_url)  # loading the gazetteer is an admin's job
    try:
        admin.addresses.import_gazetteer(GAZETTEER_CSV)
    finally:
        admin.close()


def test_a_new_callers_fly_tipping_report_is_logged_from_the_keyboard(qtbot, form, keys, workspace):
    assert focused() == "callerPhone"
    assert field(form, "callTimer").text() == "00:00"
    keys.type("0113 496 0012")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Sam Patel")
    keys.press(Qt.Key.Key_Tab)
    keys.type("12 Main Street")
    keys.press(Qt.Key.Key_Tab)
    keys.type("s60 2th")
    keys.press(Qt.Key.Key_Tab)
    assert text_of(form, "postcode") == "S60 2TH"  # normalised on leaving the field
    keys.type("fly")
    keys.press(Qt.Key.Key_Return)
    assert text_of(form, "category") == "Fly tipping"
    assert text_of(form, "service") == "Streetpride"
    assert "What has been dumped" in field(form, "promptsList").text()
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    assert focused() == "description"
    keys.type("Mattress and bin bags on the pavement")
    key = form.idempotency_key
    with qtbot.waitSignal(form.callSaved) as saved:
        keys.save()

    reference = field(form, "referenceLabel").text()
    assert REFERENCE.fullmatch(reference)
    assert saved.args[0].reference == reference and saved.args[0].created_case
    assert QApplication.clipboard().text() == reference
    case = workspace.cases.get_case(reference)
    assert case.summary.category == "Fly tipping"
    assert case.caller_phone == "+441134960012"
    assert case.caller_name == "Sam Patel"
    assert case.summary.postcode == "S60 2TH"
    # Ready for the next call, the reference still on show.
    assert all(text_of(form, name) == "" for name in INPUTS if name != "outcome")
    assert focused() == "callerPhone"
    assert form.idempotency_key != key
    print(f"\nkeystrokes for a new caller's fly tipping report: {keys.count}")


def test_a_known_caller_is_recognised_by_phone(qtbot, form, keys, workspace, qtmodeltester):
    first = workspace.calls.log_call(CallInput(
        caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate",
        postcode="S60 2JS", category="Graffiti", description="Tag on the bus shelter"))
    with qtbot.waitSignal(form.historyChanged, check_params_cb=lambda h: h is not None) as seen:
        keys.type("01709823456")  # the look-up starts after a short pause in typing
    history = seen.args[0]
    assert isinstance(history, CallerHistory)
    assert text_of(form, "callerName") == "Ann Jones"
    assert text_of(form, "address") == "14 Wellgate"
    assert text_of(form, "postcode") == "S60 2JS"
    panel = form.history_panel
    assert panel.objectName() == "callerHistory"
    open_cases = panel.findChild(QTableView, "openCases").model()
    contacts = panel.findChild(QTableView, "recentContacts").model()
    assert open_cases.rowCount() == 1
    assert open_cases.index(0, 0).data() == first.reference
    assert contacts.rowCount() == 1
    assert contacts.index(0, 1).data() == "Graffiti"
    assert contacts.index(0, 2).data() == first.reference
    assert "Ann Jones" in panel.findChild(QLabel, "callerSummary").text()
    qtmodeltester.check(open_cases)
    qtmodeltester.check(contacts)
    # Return on an open case asks for it to be opened.
    qtbot.addWidget(panel)
    panel.show()
    view = panel.findChild(QTableView, "openCases")
    view.setFocus()
    view.setCurrentIndex(open_cases.index(0, 0))
    with qtbot.waitSignal(panel.caseActivated) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened.args == [first.reference]
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    field(form, "callerPhone").setFocus()
    # Typing on to a different number drops the old caller's history.
    keys.press(Qt.Key.Key_Backspace)
    keys.press(Qt.Key.Key_Tab)
    assert panel.history is None and open_cases.rowCount() == 0


def test_an_open_case_at_the_same_place_is_offered_and_the_caller_added_to_it(
        qtbot, gazetteer, form, keys, workspace, ui_db_url):
    existing = workspace.calls.log_call(CallInput(
        caller_phone="01709 823456", caller_name="Ann Jones", address="2 Wellgate",
        uprn=100050004635, category="Fly tipping", description="Sofa dumped by the bins"))
    keys.type("0113 496 0456")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Bob Smith")
    keys.press(Qt.Key.Key_Tab)
    keys.type("2 wellgate")
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)  # gazetteer matches
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    assert text_of(form, "address") == "2 Wellgate"
    assert text_of(form, "postcode") == "S60 2JS"
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("fly")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("Now a fridge as well")
    box = field(form, "duplicatesBox")
    qtbot.waitUntil(lambda: box.isVisible())  # offered while the agent types
    assert focused() == "description"
    accept = field(form, "addToDuplicate")
    assert existing.reference in accept.text()
    assert existing.reference in field(form, "duplicateDetails").text()
    keys.press(Qt.Key.Key_Tab)
    assert focused() == "addToDuplicate"
    keys.press(Qt.Key.Key_Space)
    assert accept.isChecked()
    with qtbot.waitSignal(form.callSaved) as saved:
        keys.save()

    assert saved.args[0].reference == existing.reference and not saved.args[0].created_case
    assert field(form, "referenceLabel").text() == existing.reference
    assert len(workspace.cases.get_case(existing.reference).calls) == 2
    assert counts(ui_db_url)[0] == 1
    assert not box.isVisible()


def test_an_impossible_phone_number_is_refused_and_the_form_kept(qtbot, form, keys, ui_db_url):
    keys.type("12345")
    error = field(form, "callerPhoneError")
    qtbot.waitUntil(lambda: error.isVisible())  # checked while typing, after a pause
    assert "area code" in error.text()
    keys.press(Qt.Key.Key_Tab)
    keys.type("Al Green")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Wellgate")
    for _ in range(2):
        keys.press(Qt.Key.Key_Tab)
    keys.type("fly")
    for _ in range(2):
        keys.press(Qt.Key.Key_Tab)
    keys.type("Tyres")
    with qtbot.assertNotEmitted(form.callSaved):
        keys.save()

    phone = field(form, "callerPhone")
    assert phone.property("invalid") is True
    assert "area code" in error.text() and error.isVisible()
    assert focused() == "callerPhone"
    assert (text_of(form, "callerPhone"), text_of(form, "callerName"), text_of(form, "category"),
            text_of(form, "description")) == ("12345", "Al Green", "Fly tipping", "Tyres")
    assert counts(ui_db_url)[1] == 0
    # Correcting the number clears the mark, and the save goes through.
    phone.selectAll()
    keys.type("01709 823456")
    assert phone.property("invalid") is False and not error.isVisible()
    with qtbot.waitSignal(form.callSaved):
        keys.save()
    assert counts(ui_db_url)[0] == 1


def test_a_failed_save_keeps_the_form_and_a_retry_uses_the_same_key(qtbot, form, keys, workspace,
                                                                     monkeypatch):
    keys_sent = []
    real_log_call = workspace.calls.log_call

    def database_down(data):
        keys_sent.append(data.idempotency_key)
        raise ContactDeskError("database unavailable")

    def database_back(data):
        keys_sent.append(data.idempotency_key)
        return real_log_call(data)

    fill_a_report(keys)
    keys.press(Qt.Key.Key_Tab)
    keys.type("Builder's rubble")
    monkeypatch.setattr(workspace.calls, "log_call", database_down)
    with qtbot.assertNotEmitted(form.callSaved):
        keys.save()
    error = field(form, "saveError")
    assert error.isVisible() and "database unavailable" in error.text()
    assert [text_of(form, n) for n in ("callerPhone", "callerName", "address", "category",
                                       "description")] == [
        "0113 496 0012", "Sam Patel", "Moorgate Road", "Fly tipping", "Builder's rubble"]

    monkeypatch.setattr(workspace.calls, "log_call", database_back)
    with qtbot.waitSignal(form.callSaved):  # Ctrl+Enter on the keypad this time
        keys.press(Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier)
    assert len(keys_sent) == 2 and keys_sent[0] == keys_sent[1]
    assert not error.isVisible()
    assert form.idempotency_key != keys_sent[0]  # the next call is a new attempt


def test_routing_away_from_the_default_service_needs_a_reason(qtbot, form, keys, workspace,
                                                              ui_db_url):
    fill_a_report(keys)
    assert focused() == "service" and text_of(form, "service") == "Streetpride"
    reason = field(form, "routingReason")
    assert not reason.isVisible()
    keys.type("Pa")  # keyboard search in the list: Parking Services
    assert text_of(form, "service") == "Parking Services"
    assert reason.isVisible()
    keys.press(Qt.Key.Key_Tab)
    assert focused() == "routingReason"
    keys.press(Qt.Key.Key_Tab)
    keys.type("Van dumping in a residents' car park")
    with qtbot.assertNotEmitted(form.callSaved):
        keys.save()
    assert reason.property("invalid") is True
    assert "Parking Services" in field(form, "routingReasonError").text()
    assert focused() == "routingReason"
    assert counts(ui_db_url)[0] == 0

    keys.type("Car park is managed by Parking")
    with qtbot.waitSignal(form.callSaved) as saved:
        keys.save()
    case = workspace.cases.get_case(saved.args[0].reference)
    assert case.summary.service == "Parking Services"
    # Back to the default service, no reason is asked for.
    fill_a_report(keys)
    keys.press(Qt.Key.Key_Up)
    keys.press(Qt.Key.Key_Up)
    assert text_of(form, "service") == "Parking Services" and reason.isVisible()
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Down)
    assert text_of(form, "service") == "Streetpride" and not reason.isVisible()


def test_tab_walks_the_fields_in_order(form, keys):
    order = [focused()]
    for _ in range(len(INPUTS)):
        keys.press(Qt.Key.Key_Tab)
        order.append(focused())
    assert order == [*INPUTS, "saveCallButton"]


def test_every_input_has_a_labelled_buddy_and_an_accessible_name(form):
    buddies = {label.buddy(): label for label in form.findChildren(QLabel) if label.buddy()}
    for name in (*INPUTS, "routingReason", "duplicateChoice"):
        widget = field(form, name)
        assert widget in buddies, f"{name} has no label"
        assert re.search(r"&\w", buddies[widget].text()), f"{name}'s label has no mnemonic"
        assert widget.accessibleName(), f"{name} has no accessible name"
    for name in ("saveCallButton", "addToDuplicate"):
        assert "&" in field(form, name).text() and field(form, name).accessibleName()
    description = field(form, "description")
    assert description.tabChangesFocus()
    reference = field(form, "referenceLabel")
    flags = reference.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse


def test_the_routine_call_touches_three_fields_from_the_keyboard(qtbot, gazetteer, form, keys,
                                                                 workspace, ui_db_url):
    """A known caller reports fly tipping on their street: phone, category, description."""
    earlier = workspace.calls.log_call(CallInput(
        caller_phone="01709 823456", caller_name="Ann Jones", address="4 Wellgate",
        uprn=100050004675, category="Graffiti", description="Tag on the bus shelter"))
    forget_caller_addresses(ui_db_url)  # the caller record has no address of its own
    keys.type("01709823456")
    qtbot.waitUntil(lambda: text_of(form, "address") == "4 Wellgate")  # from the last case
    assert (text_of(form, "callerName"), text_of(form, "postcode")) == ("Ann Jones", "S60 2JS")
    keys.press(Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    keys.type("fly")
    keys.press(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # the popup closes on the way
    described = "Sofa dumped at the end of the street"
    keys.type(described)
    with qtbot.waitSignal(form.callSaved) as saved:
        keys.save()

    assert keys.touched == ["callerPhone", "category", "description"]
    assert keys.count - len(described) == 17
    case = workspace.cases.get_case(saved.args[0].reference)
    assert (case.summary.category, case.caller_name) == ("Fly tipping", "Ann Jones")
    assert (case.summary.location, case.summary.postcode) == ("4 Wellgate", "S60 2JS")
    assert case_uprns(ui_db_url) == {earlier.reference: 100050004675,
                                     case.summary.reference: 100050004675}
    print(f"\nroutine call: {len(keys.touched)} fields, {keys.count} keys "
          f"({keys.count - len(described)} besides the description's words)")


def test_an_address_typed_before_the_caller_is_recognised_is_kept(qtbot, form, keys, workspace,
                                                                  ui_db_url):
    workspace.calls.log_call(CallInput(
        caller_phone="01709 823456", caller_name="Ann Jones", address="4 Wellgate",
        postcode="S60 2JS", category="Graffiti", description="Tag on the bus shelter"))
    forget_caller_addresses(ui_db_url)
    field(form, "address").setFocus()
    keys.type("Behind the Co-op")
    field(form, "callerPhone").setFocus()
    keys.type("01709823456")
    keys.press(Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: form.history_panel.history is not None)
    assert text_of(form, "callerName") == "Ann Jones"
    assert text_of(form, "address") == "Behind the Co-op"
    assert text_of(form, "postcode") == ""
    assert "4 Wellgate S60 2JS (from their last case)" in field(
        form.history_panel, "callerSummary").text()
