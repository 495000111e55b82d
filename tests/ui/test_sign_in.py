"""Signing in at the desk: wrong passwords, signing out for the next person, the idle lock,
and the first administrator of an empty database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

from contactdesk.auth.credentials import REFUSED, SignInRefused
from contactdesk.workspace import Workspace
from tests.ui.conftest import PASSWORD, add_person
from ui.app import create_main_window
from ui.desk import Desk
from ui.first_run import FirstAdminDialog


@pytest.fixture
def desk(qtbot, ui_db_url, agent):
    add_person(ui_db_url, "sam", "supervisor", "Sam Taylor")
    desk = Desk(ui_db_url, synchronous=True, idle_minutes=10)
    yield desk
    if desk.window is not None:
        desk.window.close()
        desk.window.workspace.close()


def _sign_in(qtbot, dialog, username: str, password: str) -> None:
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_a_wrong_password_is_refused_and_what_was_typed_is_kept(qtbot, desk):
    dialog = desk.ask_to_sign_in()
    qtbot.addWidget(dialog)
    _sign_in(qtbot, dialog, "priya", "this is not her password")
    assert dialog.isVisible() and desk.window is None
    assert dialog.message.text() == REFUSED and dialog.message.isVisible()
    assert dialog.username.text() == "priya"
    assert dialog.password.text() == "this is not her password"
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    # Typing over the selected password and pressing Enter signs in.
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert desk.window is not None and desk.window.workspace.actor.username == "priya"


def test_sign_out_and_the_next_person_signs_in(qtbot, desk):
    dialog = desk.ask_to_sign_in()
    _sign_in(qtbot, dialog, "priya", PASSWORD)
    first = desk.window
    assert first.workspace.actor.role == "agent" and first.dashboard is None
    first.findChild(type(first.action_new_call), "actionSignOut").trigger()
    assert desk.window is None and not first.isVisible()
    next_dialog = desk.dialog
    assert next_dialog is not dialog and next_dialog.isVisible()
    _sign_in(qtbot, next_dialog, "sam", PASSWORD)
    assert desk.window is not None and desk.window is not first
    assert desk.window.workspace.actor.username == "sam"
    assert desk.window.dashboard is not None  # a supervisor's tabs


def test_the_idle_lock_keeps_a_half_typed_call(qtbot, desk):
    dialog = desk.ask_to_sign_in()
    _sign_in(qtbot, dialog, "priya", PASSWORD)
    window = desk.window
    form = window.call_form
    phone = form.findChild(QLineEdit, "callerPhone")
    description = form.findChild(QPlainTextEdit, "description") or form.findChild(
        QTextEdit, "description")
    qtbot.keyClicks(phone, "01709 823456")
    qtbot.keyClicks(description, "Sofa dumped behind the shops")
    desk._idle.check()
    assert desk.lock_dialog is None  # just typed: no lock
    desk._idle._last_input -= desk._idle.seconds  # as if left alone for the configured time
    desk._idle.check()
    lock = desk.lock_dialog
    assert lock is not None and lock.isVisible() and lock.objectName() == "lockDialog"
    assert not window.tabs.isVisible()  # nothing of the caller's on show while locked
    assert not window.action_new_call.isEnabled()
    qtbot.keyClicks(lock.password, "not my password at all")
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert lock.isVisible() and lock.message.text() == "That is not your password: type it again."
    lock.password.clear()
    qtbot.keyClicks(lock.password, PASSWORD)
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert not lock.isVisible() and desk.lock_dialog is None
    assert desk.window is window and window.tabs.isVisible() and window.action_new_call.isEnabled()
    assert phone.text() == "01709 823456"
    assert description.toPlainText() == "Sofa dumped behind the shops"


def test_the_first_administrator_dialog_on_an_empty_database(qtbot, ui_db_url):
    assert not Workspace.before_sign_in(ui_db_url).has_users
    dialog = FirstAdminDialog(lambda name, full, secret: Workspace.create_first_admin(
        ui_db_url, name, full, secret))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "helen.firth")
    qtbot.keyClicks(dialog.full_name, "Helen Firth")
    qtbot.keyClicks(dialog.password, "too short")
    qtbot.keyClicks(dialog.again, "too short")
    dialog.create()
    assert dialog.workspace is None and "at least 15" in dialog.message.text()
    for field in (dialog.password, dialog.again):
        field.clear()
        qtbot.keyClicks(field, PASSWORD)
    dialog.create()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.workspace.actor.username == "helen.firth"
    assert dialog.workspace.actor.role == "admin"
    dialog.workspace.close()
    assert Workspace.before_sign_in(ui_db_url).has_users


def test_create_main_window_refuses_a_wrong_password(ui_db_url, agent):
    with pytest.raises(SignInRefused):
        create_main_window(ui_db_url, agent.username, "not the password at all")


def test_signing_out_with_a_half_typed_call_asks_first(qtbot, desk, monkeypatch):
    dialog = desk.ask_to_sign_in()
    _sign_in(qtbot, dialog, "priya", PASSWORD)
    window = desk.window
    phone = window.call_form.findChild(QLineEdit, "callerPhone")
    window.new_call()
    qtbot.keyClicks(phone, "01709 823456")
    asked = []
    monkeypatch.setattr(Desk, "confirm_discard", staticmethod(lambda w: asked.append(w) or False))
    assert desk.sign_out() is None
    assert asked == [window] and desk.window is window and phone.text() == "01709 823456"
    monkeypatch.setattr(Desk, "confirm_discard", staticmethod(lambda w: True))
    assert desk.sign_out() is not None and desk.window is None


def test_the_first_administrator_is_created_off_the_gui_thread(qtbot, ui_db_url):
    import threading

    from ui.tasks import TaskRunner

    release, threads = threading.Event(), []

    def create(name, full, secret):  # held until the test lets it go
        threads.append(threading.current_thread())
        assert release.wait(10)
        return Workspace.create_first_admin(ui_db_url, name, full, secret)

    runner = TaskRunner()
    dialog = FirstAdminDialog(create, runner=runner)
    qtbot.addWidget(dialog)
    dialog.username.setText("helen.firth")
    dialog.full_name.setText("Helen Firth")
    for field in (dialog.password, dialog.again):
        field.setText(PASSWORD)
    dialog.create()
    qtbot.waitUntil(lambda: bool(threads))
    assert not dialog.isEnabled() and dialog.result() == 0  # working, and the GUI answers
    assert threads[0] is not threading.main_thread()
    release.set()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    assert dialog.workspace.actor.username == "helen.firth" and dialog.username.text()
    dialog.workspace.close()
    runner.wait_for_all()
