"""A kept call the database refuses is set aside, never blocks the rest, and goes back to the form."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from contactdesk.dtos.calls import CallInput
from tests.ui.conftest import PASSWORD
from ui.app import create_main_window


@pytest.fixture
def window(qtbot, ui_db_url, agent, tmp_path):
    window = create_main_window(ui_db_url, agent.username, PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    window.keep_drafts(tmp_path / "drafts")
    window.work_offline(tmp_path / "outbox")
    yield window
    window.offline.stop()
    window.workspace.close()


def test_a_refused_call_is_set_aside_and_put_back_in_the_form(qtbot, window):
    sender = window.offline.sender
    refused = CallInput(caller_phone="01709 823456", caller_name="Ann Jones",
                        address="14 Wellgate, Rotherham", category="Rats in the loft",
                        description="Heard them at night")
    fine = CallInput(caller_phone="01709 826543", caller_name="Bob Hale",
                     address="3 Moorgate Road, Rotherham", category="Fly tipping",
                     description="Fridge in the lane")
    sender.keep(refused)
    sender.keep(fine)
    sender.send_waiting()

    # The refused call did not hold up the one behind it.
    qtbot.waitUntil(lambda: len(sender.outbox) == 0, timeout=5000)
    assert window.workspace.calls.caller_history("+441709826543") is not None
    button = window.findChild(QPushButton, "outboxRefused")
    assert button.isVisible()
    assert button.text() == "1 kept call was not accepted: put back in the form"
    assert window.outbox_status.text() == ""

    button.click()
    form = window.call_form
    assert form.ui.name.text() == "Ann Jones"
    assert form.ui.description.toPlainText() == "Heard them at night"
    assert form.idempotency_key == refused.idempotency_key  # saving it later stores it once
    assert "not accepted" in form.ui.notice.text() and "Rats in the loft" in form.ui.notice.text()
    assert sender.outbox.refused() == []
    assert form.drafts.read()["name"] == "Ann Jones"  # kept on disk as the form's draft
    assert not button.isVisible()
