"""The case list and the open case follow what other desks save, without a key pressed."""

from __future__ import annotations

from contactdesk.dtos.calls import CallInput
from tests.ui.conftest import PASSWORD, add_person, sign_in
from ui.app import create_main_window

CALL = dict(caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate, Rotherham",
            category="Fly tipping", description="Mattress dumped on verge")


def test_a_case_saved_at_another_desk_appears_and_the_open_case_follows(qtbot, ui_db_url, agent):
    add_person(ui_db_url, "sam", "agent", "Sam Taylor")
    window = create_main_window(ui_db_url, agent.username, PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    other = sign_in(ui_db_url, "sam")
    try:
        window.show()
        window.workspace.watch_other_desks()
        first = other.calls.log_call(CallInput(**CALL)).reference
        rows = window.case_list.model.rowCount
        qtbot.waitUntil(lambda: rows() == 1, timeout=8000)
        window.open_case(first)
        qtbot.waitUntil(lambda: window.case_detail.detail is not None, timeout=3000)
        other.cases.change_status(first, "routed", reason="Passed to the crew")
        qtbot.waitUntil(lambda: window.case_detail.detail.summary.status == "routed",
                        timeout=8000)
    finally:
        other.close()
        window.workspace.close()
