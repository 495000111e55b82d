"""The subject access panel lists the person's callbacks and counts them in its summary."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contactdesk.dtos.callbacks import CallbackRequest
from contactdesk.dtos.calls import CallInput
from ui.subject_access_panel import CHECK_FLAG, SubjectAccessPanel


@pytest.fixture
def admin(signed_in):
    return signed_in("helen", "admin", "Helen Firth")


def test_the_persons_callbacks_are_listed_and_counted(qtbot, admin, workspace, runner):
    saved = workspace.calls.log_call(CallInput(
        caller_phone="01709 336000", caller_name="Ann Jones", category="Litter",
        address="1 Wellgate", description="Bags dumped by the shops"))
    workspace.callbacks.request_callback(CallbackRequest(
        "01709 336000", "Wants to know when the crew comes", None, saved.reference))
    workspace.callbacks.request_callback(CallbackRequest(
        "01709 336000", "Mrs Hirst may answer: ask for Ann"))
    panel = SubjectAccessPanel(admin, runner)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.keyClicks(panel.term, "01709 336000")
    with qtbot.waitSignal(panel.searched):
        panel.find_button.click()
    model = panel.model
    listed = [[model.index(r, c).data() for c in range(model.columnCount())]
              for r in range(model.rowCount())]
    callbacks = [row for row in listed if row[0] == "Callback"]
    assert [(row[1], row[3]) for row in callbacks] == [
        (saved.reference, "waiting: Wants to know when the crew comes"),
        (callbacks[1][1], "waiting: Mrs Hirst may answer: ask for Ann")]
    assert callbacks[1][1].startswith("callback ") and callbacks[1][4] == CHECK_FLAG
    assert "0 complaints held, with 2 callbacks;" in panel.summary.text()
    shots = os.environ.get("SAR_SHOTS")
    if shots:  # look at the panel at the sizes the desk uses
        for width, height in ((1280, 720), (1920, 1080)):
            panel.resize(width, height)
            qtbot.wait(50)
            panel.grab().save(str(Path(shots) / f"sar-callbacks-{width}x{height}.png"))
