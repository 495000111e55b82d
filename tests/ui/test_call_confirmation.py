"""After a save: the reference large, when to expect action in words, and a line to read out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from contactdesk.domain.errors import FieldIssue
from contactdesk.dtos.calls import CallSaved
from tests.ui.call_form_helpers import Keyboard, field, fill_a_report, open_form
from ui.call_confirmation import confirmation_for, day_in_words

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)  # a Saturday; London is on UTC in December


@pytest.fixture
def form(qtbot, workspace, runner):
    form = open_form(qtbot, workspace, runner)
    form.resize(1280, 720)
    return form


def geometry_of_the_form(form) -> dict[str, tuple]:
    """Where every field, label and button of the form sits, in form coordinates."""
    return {f"{type(w).__name__}:{w.objectName() or w.text()}": (w.mapTo(form, w.rect().topLeft()),
                                                                  w.size())
            for w in form.findChildren(QWidget)
            if w.isVisible() and w.parent() is form and (w.objectName() or isinstance(w, QLabel))
            and w.objectName() not in ("callTimer", "callConfirmation")}


def test_the_saved_reference_is_shown_large_with_its_due_day_and_the_form_does_not_move(
        qtbot, form, workspace):
    keys = Keyboard(qtbot, form)
    qtbot.waitExposed(form)
    band = field(form, "callConfirmation")
    band_height = band.height()
    before = geometry_of_the_form(form)
    assert len(before) > 15 and "QLineEdit:callerPhone" in before
    fill_a_report(keys)
    keys.press(Qt.Key.Key_Tab)
    keys.type("Mattress on the pavement")
    with qtbot.waitSignal(form.callSaved) as saved:
        keys.save()

    reference = saved.args[0].reference
    due = workspace.cases.get_case(reference).summary.due_at
    assert saved.args[0].due_at == due
    words = day_in_words(due, datetime.now(UTC))
    assert field(form, "referenceLabel").text() == reference
    assert field(form, "duePromise").text() == f"We aim to deal with this by {words}."
    assert field(form, "callerScript").text() == (
        f"Say: \u201cYour reference is {reference}. We aim to deal with this by {words}.\u201d")
    assert QApplication.clipboard().text() == reference
    reference_font = field(form, "referenceLabel").font().pointSizeF()
    assert reference_font >= 1.8 * field(form, "callerScript").font().pointSizeF()
    QApplication.processEvents()
    assert band.height() == band_height
    assert geometry_of_the_form(form) == before


def test_a_call_with_no_case_says_what_happened_instead_of_a_date(qtbot, form):
    keys = Keyboard(qtbot, form)
    keys.type("0113 496 0012")
    field(form, "outcome").setCurrentIndex(field(form, "outcome").findData("information_given"))
    with qtbot.waitSignal(form.callSaved):
        keys.save()
    assert field(form, "referenceLabel").text() == "Call logged"
    assert field(form, "duePromise").text() == ("No case was needed: the caller was given "
                                                "information.")


def test_a_due_date_that_cannot_be_read_leaves_the_save_reported_as_saved(qtbot, form, keys_form,
                                                                           workspace, monkeypatch):
    def unreadable(reference):
        raise OSError("disk gone")

    monkeypatch.setattr(workspace.calls, "case_due_at", unreadable)
    fill_a_report(keys_form)
    keys_form.press(Qt.Key.Key_Tab)
    keys_form.type("Mattress on the pavement")
    with qtbot.waitSignal(form.callSaved) as saved:
        keys_form.save()
    assert field(form, "referenceLabel").text() == saved.args[0].reference
    assert "could not be looked up" in field(form, "duePromise").text()
    assert field(form, "saveError").text() == ""


@pytest.fixture
def keys_form(qtbot, form):
    return Keyboard(qtbot, form)


def test_days_are_put_in_words_to_read_out():
    assert day_in_words(datetime(2026, 12, 8, 17, 0, tzinfo=UTC), NOW) == "Tuesday 8 December"
    assert day_in_words(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), NOW) == "Tuesday 5 January 2027"
    assert day_in_words(datetime(2026, 12, 5, 16, 30, tzinfo=UTC), NOW) == "4:30pm today"
    # British Summer Time: 23:30 UTC on 1 July is already 2 July in London.
    assert day_in_words(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), NOW) == "Thursday 2 July"


def test_each_kind_of_save_has_its_own_words():
    due = datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
    added = confirmation_for(CallSaved(1, "SP-2026-000007", False, (), due), "case_created", NOW)
    assert added.promise == "We aim to deal with it by Tuesday 8 December."
    assert added.script.startswith("This is already reported and your call is added to it. "
                                   "The reference is SP-2026-000007.")
    late = confirmation_for(CallSaved(1, "SP-2026-000007", False, (), NOW - timedelta(days=3)),
                            "case_created", NOW)
    assert late.promise == "It was due by Wednesday 2 December and is still open."
    undated = confirmation_for(CallSaved(1, "SP-2026-000008", True, (), None), "case_created", NOW)
    assert undated.promise.startswith("No date is set for this kind of case")
    assert "will contact you" in undated.script
    resolved = confirmation_for(CallSaved(2, None, False, (FieldIssue("x", "y"),)),
                                "resolved_first_contact", NOW)
    assert (resolved.headline, resolved.promise) == (
        "Call logged", "Resolved on this call: there is nothing to follow up.")
