"""A half-typed call is never wiped without asking: New call and closing the window ask first."""

from __future__ import annotations

import pytest

from tests.ui.conftest import PASSWORD
from ui.app import create_main_window


@pytest.fixture
def window(qtbot, ui_db_url, agent):
    window = create_main_window(ui_db_url, agent.username, PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.workspace.close()


def answer(monkeypatch, window, yes: bool) -> list[str]:
    asked: list[str] = []
    monkeypatch.setattr(window, "confirm_discard",
                        lambda title, question: asked.append(title) or yes)
    return asked


def test_new_call_asks_before_wiping_a_typed_call_and_keeps_it_on_no(qtbot, monkeypatch, window):
    window.new_call()
    qtbot.keyClicks(window.call_form.ui.phone, "01709 823456")
    qtbot.keyClicks(window.call_form.ui.description, "Sofa dumped in the alley")
    asked = answer(monkeypatch, window, yes=False)
    window.new_call()
    assert asked == ["Start a new call?"]
    assert window.call_form.ui.phone.text() == "01709 823456"
    assert window.call_form.ui.description.toPlainText() == "Sofa dumped in the alley"
    asked = answer(monkeypatch, window, yes=True)
    window.new_call()
    assert asked == ["Start a new call?"] and window.call_form.ui.phone.text() == ""


def test_an_empty_form_starts_a_new_call_without_a_question(monkeypatch, window):
    asked = answer(monkeypatch, window, yes=False)
    window.new_call()
    window.new_call()
    assert asked == []


def test_closing_the_window_asks_and_stays_open_on_no(qtbot, monkeypatch, window):
    window.new_call()
    qtbot.keyClicks(window.call_form.ui.name, "Ann Jones")
    asked = answer(monkeypatch, window, yes=False)
    window.close()
    assert asked == ["Close ContactDesk?"] and window.isVisible()
    assert window.call_form.ui.name.text() == "Ann Jones"
    answer(monkeypatch, window, yes=True)
    window.close()
    assert not window.isVisible()
