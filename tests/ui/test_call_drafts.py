"""A half-typed call survives a crash: kept as a draft, offered back, saved once, then gone."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import text

from contactdesk.persistence.database import Database
from tests.ui.conftest import PASSWORD
from ui.app import create_main_window


@pytest.fixture
def open_window(qtbot, ui_db_url, agent, tmp_path):
    opened = []

    def open_(restore: bool | None = None):
        window = create_main_window(ui_db_url, agent.username, PASSWORD, synchronous=True)
        qtbot.addWidget(window)
        asked = []
        window.restore_draft_wanted = lambda draft: asked.append(draft) or bool(restore)
        window.show()
        window.keep_drafts(tmp_path / "drafts")
        opened.append(window)
        return window, asked

    yield open_
    for window in opened:
        window.workspace.close()


def type_a_call(qtbot, window) -> None:
    window.new_call()
    form = window.call_form.ui
    qtbot.keyClicks(form.phone, "01709 823456")
    qtbot.keyClicks(form.name, "Ann Jones")
    qtbot.keyClicks(form.address, "14 Wellgate, Rotherham")
    qtbot.keyClicks(form.description, "Mattress dumped on the verge")


def test_a_crash_leaves_a_draft_that_the_next_start_puts_back(qtbot, open_window, ui_db_url):
    first, _ = open_window()
    type_a_call(qtbot, first)
    drafts = first.call_form.drafts
    qtbot.waitUntil(lambda: drafts.path.exists(), timeout=2500)  # within 2 s of typing
    key = first.call_form.idempotency_key
    assert stat.S_IMODE(drafts.path.stat().st_mode) == 0o600
    assert json.loads(drafts.path.read_text())["name"] == "Ann Jones"
    # The app dies here: no close, no question, nothing saved.

    second, asked = open_window(restore=True)
    assert len(asked) == 1 and asked[0]["description"] == "Mattress dumped on the verge"
    form = second.call_form.ui
    assert (form.phone.text(), form.name.text(), form.address.text()) == (
        "01709 823456", "Ann Jones", "14 Wellgate, Rotherham")
    assert second.call_form.idempotency_key == key  # saved twice, stored once
    form.category.setEditText("Fly tipping")
    form.category.resolve_text()
    second.call_form.save()
    qtbot.waitUntil(lambda: not second.call_form.drafts.path.exists(), timeout=3000)
    database = Database.open(ui_db_url)
    try:
        with database.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM calls WHERE idempotency_key = :k"),
                                     {"k": key}) == 1
    finally:
        database.dispose()


def test_a_draft_not_wanted_is_discarded(qtbot, open_window):
    first, _ = open_window()
    type_a_call(qtbot, first)
    qtbot.waitUntil(lambda: first.call_form.drafts.path.exists(), timeout=2500)
    second, asked = open_window(restore=False)
    assert len(asked) == 1
    assert second.call_form.ui.phone.text() == ""
    assert not second.call_form.drafts.path.exists()
    third, asked_again = open_window()
    assert asked_again == []


def test_a_draft_that_cannot_be_kept_is_said_so(qtbot, open_window, tmp_path):
    window, _ = open_window()
    (tmp_path / "blocked").write_text("a file where the drafts folder should be")
    window.keep_drafts(tmp_path / "blocked")
    type_a_call(qtbot, window)
    qtbot.waitUntil(lambda: "not being kept as a draft" in window.call_form.ui.notice.text(),
                    timeout=2500)


def test_closing_with_the_call_discarded_leaves_no_draft(qtbot, open_window):
    window, _ = open_window()
    type_a_call(qtbot, window)
    qtbot.waitUntil(lambda: window.call_form.drafts.path.exists(), timeout=2500)
    window.close()  # the question is answered "discard" in these tests
    assert not window.call_form.drafts.path.exists()
