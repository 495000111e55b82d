"""Driving the call form from the keyboard in tests, as an agent does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QPlainTextEdit, QWidget
from sqlalchemy import select, update

from contactdesk.persistence.database import Database
from contactdesk.persistence.models import Caller, Case
from contactdesk.persistence.uow import UnitOfWork
from ui.call_form import CallForm

INPUTS = ("callerPhone", "callerName", "address", "postcode", "category", "service",
          "description", "outcome")


def open_form(qtbot, workspace, runner) -> CallForm:
    """A shown, active call form with a call just answered."""
    form = CallForm(workspace, runner)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    qtbot.waitUntil(lambda: field(form, "category").count() > 0 and field(form, "service").count() > 0)
    form.start_call()
    return form


class Keyboard:
    """Presses keys where a real keyboard would send them, and counts them.

    Keys go to the open completer popup if there is one, else to the focused
    widget. The offscreen platform activates a popup window late, after it has
    closed, and that moves the focus back into the field the popup completed; a
    real window system does not, so after a popup closes, the active window and
    the focus the key left behind are restored.
    """

    # Keys that only move between fields: they touch none.
    MOVES = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)

    def __init__(self, qtbot, window: QWidget):
        self.qtbot = qtbot
        self.window = window
        self.count = 0  # key presses, a chord such as Alt+G counting as one
        self.touched: list[str] = []  # the fields keys were typed into or chose in, in order

    def type(self, text: str) -> None:
        for char in text:
            self._touch()
            self.qtbot.keyClicks(self._target(), char)
            self.count += 1

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        if key not in self.MOVES and modifier == Qt.KeyboardModifier.NoModifier:
            self._touch()
        popup = QApplication.activePopupWidget()
        self.qtbot.keyClick(popup or self._target(), key, modifier)
        self.count += 1
        if popup is not None:
            self._settle()

    def _touch(self) -> None:
        name = focused()
        if name and name not in self.touched:
            self.touched.append(name)

    def _target(self) -> QWidget:
        return QApplication.activePopupWidget() or QApplication.focusWidget()

    def _settle(self) -> None:
        focused = QApplication.focusWidget()
        self.qtbot.wait(20)
        if QApplication.activePopupWidget() is not None:
            return
        if QApplication.activeWindow() is not self.window:
            self.window.activateWindow()
            self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window)
        if focused is not None and QApplication.focusWidget() is not focused:
            focused.setFocus()

    def save(self) -> None:
        self.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def field(form: QWidget, name: str) -> QWidget:
    widget = form.findChild(QWidget, name)
    assert widget is not None, f"no widget {name}"
    return widget


def text_of(form: QWidget, name: str) -> str:
    widget = field(form, name)
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return widget.text()


def focused() -> str:
    widget = QApplication.focusWidget()
    return widget.objectName() if widget is not None else ""




def fill_a_report(keys: Keyboard) -> None:
    """Phone, name, a street and Fly tipping; leaves the focus on the service."""
    keys.type("0113 496 0012")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Sam Patel")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Moorgate Road")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("fly")
    keys.press(Qt.Key.Key_Tab)


def forget_caller_addresses(db_url: str) -> None:
    """Callers as imports and demo data bring them in: a phone and a name, no address."""
    database = Database.open(db_url)
    try:
        with UnitOfWork(database, None, "test:setup", write=True) as uow:
            uow.session.execute(update(Caller).values(address=None, postcode=None, uprn=None))
            uow.commit()
    finally:
        database.dispose()


def case_uprns(db_url: str) -> dict[str, int | None]:
    """Each case's gazetteer property (the services do not show it)."""
    database = Database.open(db_url)
    try:
        with database.engine.connect() as conn:
            return dict(conn.execute(select(Case.reference, Case.uprn)).all())
    finally:
        database.dispose()
