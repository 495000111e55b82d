"""The screen pop: the desk's phone rings, a notice says who; answering opens the call form.

``ScreenPop(window)`` asks, off the GUI thread, whether this person's phone is followed
(telephony configured and a device set); if so the workspace starts the desk's line on a
thread of its own, and ``PhoneBridge`` carries its callbacks to the GUI thread by queued
signals. Without telephony nothing here shows and numbers are typed by hand.

A call answered while another call's form is being filled in never wipes that form: it
waits, said on the notice, and opens by itself once the current call is saved, or at once
with Ctrl+Shift+P (after the usual question if something is typed).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from contactdesk.domain.validation import Findings, parse_phone
from contactdesk.dtos.telephony_live import (
    CONNECTED,
    Answered,
    ConnectionState,
    DialResult,
    Ended,
    MissedRing,
    Ringing,
)

log = logging.getLogger(__name__)

TAKE_KEYS = "Ctrl+Shift+P"
NOTE_MS = 8000  # how long "no longer ringing" and "call ended" stay on the notice
# The line's AmiSettings timings (keep-alive, retries); the client's defaults when empty.
LINE_TIMINGS: dict[str, float] = {}
BANNER_STYLE = (
    "QFrame#incomingCallBanner { background: #e7f0fb; border-bottom: 2px solid #1f5fa8; }"
    "QFrame#incomingCallBanner QLabel { color: #0b2545; font-weight: bold; }")


WITHHELD = "a withheld number"


def shown_number(number: str) -> str:
    """The caller's number as the agent reads it (national format), or 'a withheld number'."""
    if not any(c.isdigit() for c in number):  # empty, <unknown>, anonymous
        return WITHHELD
    phone = parse_phone(number, Findings())
    return phone.national if phone is not None else number.strip()


def _who(number: str, name: str) -> str:
    named = name.strip() if name.strip() and name.strip() != "<unknown>" else ""
    return f"{shown_number(number)} ({named})" if named else shown_number(number)


class PhoneBridge(QObject):
    """Carries the line's callbacks (on its own thread) to the GUI thread."""

    deskEvent = Signal(object)
    stateChanged = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.open = True

    def hear(self, event) -> None:  # on the line's thread
        if self.open:
            self.deskEvent.emit(event)

    def report(self, state: ConnectionState) -> None:  # on the line's thread
        if self.open:
            self.stateChanged.emit(state)


class IncomingCallBanner(QFrame):
    """A notice above the pages; it never takes the keyboard from what the agent types."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("incomingCallBanner")
        self.setStyleSheet(BANNER_STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Incoming call")
        self.text = QLabel(self)
        self.text.setObjectName("incomingCallText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.take_button = QPushButton(f"Take call ({TAKE_KEYS})", self)
        self.take_button.setObjectName("takeCallButton")
        self.take_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.take_button.setToolTip("Open the waiting call now; it also opens by itself once "
                                    "the current call is saved")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.take_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def say(self, lines: list[str], *, can_take: bool) -> None:
        self.text.setText("\n".join(lines))
        self.setAccessibleDescription(" ".join(lines))
        self.take_button.setVisible(can_take)
        self.setVisible(bool(lines))


class ScreenPop(QObject):
    dialResult = Signal(object)  # a click-to-dial's outcome, for the callback list

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.form = window.call_form
        self.banner = IncomingCallBanner(window)
        self.status = QLabel("", window)
        self.status.setObjectName("phoneStatus")
        self.status.setAccessibleName("Phone system")
        self.status.hide()  # shown once this desk follows a phone
        self.bridge = PhoneBridge(self)
        queued = Qt.ConnectionType.QueuedConnection
        self.bridge.deskEvent.connect(self._heard, queued)
        self.bridge.stateChanged.connect(self._state_changed, queued)
        self.line = None
        self.ringing: Ringing | None = None
        self.on_line: Answered | None = None
        self.waiting: Answered | None = None
        self._note = ""
        self._covered = False  # the desk is locked: no caller's number on show
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_MS)
        self._note_timer.timeout.connect(self._clear_note)
        self.take_action = QAction("&Take the waiting call", window)
        self.take_action.setObjectName("actionTakeCall")
        self.take_action.setShortcut(QKeySequence(TAKE_KEYS))
        self.take_action.triggered.connect(self.take_waiting)
        window.addAction(self.take_action)
        self.banner.take_button.clicked.connect(self.take_waiting)
        self.form.callSaved.connect(self._form_freed)

    # -- the line --------------------------------------------------------------------------
    def start(self) -> None:
        """Follow this person's phone if there is one to follow (asked in the background)."""
        workspace = self.window.workspace
        self.window.runner.run(workspace.telephony.desk_phone, self._phone_found,
                               self._not_followed)

    def _phone_found(self, phone) -> None:
        if phone is None or not self.bridge.open:
            return
        self.status.show()
        self.line = self.window.workspace.desk_line(phone, self.bridge.hear, self.bridge.report,
                                                    **LINE_TIMINGS)

    def _not_followed(self, exc: Exception) -> None:
        log.warning("the phone is not followed: %s", exc)

    def stop(self) -> None:
        """Signing out or closing: the line logs off on its own thread, nobody waits."""
        self.bridge.open = False
        if self.line is not None:
            self.line.stop()
            self.line = None

    def _state_changed(self, state: ConnectionState) -> None:
        if self.bridge.open:
            self.status.setText(state.describe())
            self.status.setToolTip(state.describe())
            if state.kind != CONNECTED and (self.ringing or self.on_line):
                # What happened to the call while the link was down is unknown: no caller's
                # number is left ringing on screen. A call waiting to be logged stays.
                self.ringing = self.on_line = None
                self._show()

    # -- what the phone says ---------------------------------------------------------------------
    def _heard(self, event) -> None:
        if not self.bridge.open:
            return
        if isinstance(event, DialResult):
            self.dialResult.emit(event)
            return
        if isinstance(event, Ringing):
            self.ringing = event
            self._clear_note()
        elif isinstance(event, MissedRing):
            if self.ringing is not None and self.ringing.call_id == event.call_id:
                self._set_note(f"No longer ringing: {shown_number(self.ringing.caller_number)} "
                               f"({event.reason}).")
                self.ringing = None
        elif isinstance(event, Answered):
            if self.ringing is not None and self.ringing.call_id == event.call_id:
                self.ringing = None
            self._clear_note()
            if self.form.has_typed_input():
                self.waiting = event
            else:
                self._take(event)
        elif isinstance(event, Ended):
            if self.on_line is not None and self.on_line.call_id == event.call_id:
                self._set_note(f"Call ended: {shown_number(self.on_line.caller_number)}. "
                               "Finish the form and save it.")
                self.on_line = None
        self._show()

    def _take(self, answered: Answered) -> None:
        self.window.tabs.setCurrentIndex(self.window.CALL_TAB)
        number = shown_number(answered.caller_number)
        self.form.take_call("" if number == WITHHELD else number, answered.answered_at,
                            answered.hold_time, answered.call_id)
        self.on_line, self.waiting = answered, None

    def take_waiting(self) -> None:
        """Ctrl+Shift+P: open the waiting call now (asking first if a call is typed)."""
        answered = self.waiting
        if answered is None:
            return
        if self.form.has_typed_input() and not self.window.confirm_discard(
                "Take the waiting call?",
                "A call is typed and not saved. Open the waiting call and lose what is typed?"):
            return
        self._take(answered)
        self._show()

    def _form_freed(self, _saved) -> None:
        # The form starts the next call after telling who listens that this one is saved.
        if self.waiting is not None:
            QTimer.singleShot(0, self._take_when_free)

    def _take_when_free(self) -> None:
        if self.waiting is not None and self.bridge.open and not self.form.has_typed_input():
            self._take(self.waiting)
            self._show()

    # -- the notice ---------------------------------------------------------------------------------
    def set_covered(self, covered: bool) -> None:
        self._covered = covered
        self._show()

    def _set_note(self, text: str) -> None:
        self._note = text
        self._note_timer.start()

    def _clear_note(self) -> None:
        if self._note:
            self._note = ""
            self._show()

    def _show(self) -> None:
        lines = []
        if self.ringing is not None:
            r = self.ringing
            lines.append(f"Ringing: {_who(r.caller_number, r.caller_name)} · queue {r.queue}")
        if self.waiting is not None:
            w = self.waiting
            lines.append(f"Answered: {shown_number(w.caller_number)} — finish the current call, "
                         f"then press {TAKE_KEYS} to take it.")
        if not lines and self.on_line is not None:
            a = self.on_line
            lines.append(f"On the line: {_who(a.caller_number, a.caller_name)} · queue {a.queue} "
                         f"· waited {a.hold_time} s")
        if not lines and self._note:
            lines.append(self._note)
        self.banner.say([] if self._covered else lines, can_take=self.waiting is not None)
