"""Practice mode: a signed-in desk follows the practice phone system and its calls pop up."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from contactdesk.telephony.simulated_calls import demo_callers, drama_callers, practice_devices
from contactdesk.telephony.simulator import ManagerAccount, PracticePbx, PracticeSettings
from contactdesk.workspace import Workspace
from tests.helpers.ami_peer import FAST
from tests.ui.conftest import sign_in
from ui import incoming_call
from ui.main_window import MainWindow
from ui.tasks import TaskRunner

SECRET = "practice secret"
SHOTS = os.environ.get("PRACTICE_SHOTS")  # a folder: the popped desk is saved there


@pytest.fixture(autouse=True)
def _fast_line(monkeypatch):
    monkeypatch.setattr(incoming_call, "LINE_TIMINGS", FAST)


@pytest.fixture
def practice(ui_db_url, agent, tmp_path):
    """The practice phone system as `contactdesk telephony simulate` runs it on this database."""
    admin = Workspace.for_this_account(ui_db_url)
    admin.users.set_device("priya", "PJSIP/1001")
    settings = PracticeSettings(port=0, rate=120, ring_seconds=0.3, talk_seconds=30)
    pbx = PracticePbx(ManagerAccount("practice", SECRET), settings,
                      lambda: practice_devices(admin.ctx), demo_callers(admin.ctx),
                      tmp_path / "queue_log", say=lambda line: None, rng=random.Random(16))
    pbx.start()
    admin.telephony.configure_telephony("127.0.0.1", pbx.port, "practice", SECRET)
    yield pbx
    pbx.stop()
    admin.close()


def test_a_signed_in_desk_pops_the_practice_call(qtbot, ui_db_url, practice):
    window = MainWindow(sign_in(ui_db_url, "priya"), TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    try:
        banner, form = window.screen_pop.banner, window.call_form
        qtbot.waitUntil(lambda: banner.text.text().startswith("Ringing: "), timeout=5000)
        if SHOTS:
            window.grab().save(str(Path(SHOTS) / "practice-ringing-1280x720.png"))
        drama = {caller.shown: caller.name for caller in drama_callers()}
        ringing = banner.text.text()
        assert any(f"{number} ({name}) · queue streetpride" in ringing
                   for number, name in drama.items())
        qtbot.waitUntil(lambda: form.call_input().queue_call_id != "", timeout=5000)
        assert form.ui.phone.text() in drama and form.ui.phone.text() in ringing
        assert window.tabs.currentIndex() == window.CALL_TAB
        call_id = form.call_input().queue_call_id
        if SHOTS:
            window.grab().save(str(Path(SHOTS) / "practice-popped-1280x720.png"))
        connects = [line.split("|") for line in practice._queue_log_path.read_text().splitlines()
                    if "|CONNECT|" in line]
        assert [(row[1], row[3]) for row in connects][:1] == [(call_id, "PJSIP/1001")]
    finally:
        window.close()
        window.workspace.close()
