"""Working through an outage: notice it, keep new calls on this PC, send them when it is back.

``ConnectionWatch`` asks every 2 seconds, on a thread of its own, whether the
database answers (a fresh connection, 2 s at most), so the banner appears
within about 4 s of the server going away and the window never waits on it.
``OutboxSender`` keeps calls the database could not take in the person's
outbox (contactdesk/outbox.py) and sends them, oldest first and one at a
time, once the database answers again; each keeps its idempotency key, so a
call is stored once however often it is sent. A call refused for what it holds
is set aside (it never blocks the ones behind it) and a status-bar button puts
it back in the call form with the reason; a passing failure (a busy database)
is tried again after 5 s, then 10, 20... up to 5 minutes.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QPushButton

from contactdesk.domain.errors import (
    NotFoundError,
    PermissionDenied,
    TransitionError,
    Unreachable,
    UnusableInput,
    ValidationError,
)
from contactdesk.dtos.calls import CallInput, CallSaved

CHECK_EVERY_S = 2.0
FIRST_RETRY_MS, LAST_RETRY_MS = 5_000, 300_000
# What the database says about the call itself: sending it again would be refused again.
REFUSALS = (ValidationError, NotFoundError, TransitionError, PermissionDenied, UnusableInput)


class ConnectionWatch(QObject):
    reachableChanged = Signal(bool)

    def __init__(self, workspace, parent: QObject | None = None):
        super().__init__(parent)
        self._workspace = workspace
        self._stop = threading.Event()
        self.reachable = True
        self._thread = threading.Thread(target=self._run, name="contactdesk-connection-watch",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set() and not self._workspace.closed:
            now = self._workspace.reachable()
            if now != self.reachable and not self._stop.is_set():
                self.reachable = now
                try:
                    self.reachableChanged.emit(now)  # queued to the GUI thread
                except RuntimeError:  # the window went while the database was being asked
                    return
            self._stop.wait(CHECK_EVERY_S)


class OutboxSender(QObject):
    countChanged = Signal(int)
    refusedChanged = Signal(int)
    callSent = Signal(object)  # the CallSaved of a call that reached the database

    def __init__(self, workspace, runner, outbox, parent: QObject | None = None):
        super().__init__(parent)
        self._workspace, self._runner, self.outbox = workspace, runner, outbox
        self._sending = False
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(FIRST_RETRY_MS)
        self.retry.timeout.connect(self.send_waiting)

    def keep(self, call: CallInput) -> None:
        """Raises OSError when the call cannot be written (the form then says so)."""
        self.outbox.add(call)
        self.countChanged.emit(len(self.outbox))

    def send_waiting(self) -> None:
        """Send the oldest waiting call, then the next, until none is left or one fails."""
        if self._sending or self._workspace.closed:
            return
        waiting = self.outbox.waiting()
        if not waiting:
            self.countChanged.emit(0)
            return
        call, calls = waiting[0], self._workspace.calls
        self._sending = True
        self._runner.run(lambda: calls.log_call(call), lambda saved: self._sent(call, saved),
                         lambda exc: self._not_sent(call, exc), write=True)

    def _sent(self, call: CallInput, saved: CallSaved) -> None:
        self._sending = False
        self.retry.setInterval(FIRST_RETRY_MS)
        self.outbox.sent(call.idempotency_key)
        self.countChanged.emit(len(self.outbox))
        self.callSent.emit(saved)
        self.send_waiting()

    def _not_sent(self, call: CallInput, exc: Exception) -> None:
        self._sending = False
        if isinstance(exc, REFUSALS):
            self.outbox.refuse(call.idempotency_key, str(exc))
            self.countChanged.emit(len(self.outbox))
            self.refusedChanged.emit(len(self.outbox.refused()))
            self.send_waiting()
        elif not isinstance(exc, Unreachable):
            # Busy or briefly failing: try again later, backing off. (Unreachable: the
            # connection watch starts sending again once the database answers.)
            self.countChanged.emit(len(self.outbox))
            self.retry.start()
            self.retry.setInterval(min(self.retry.interval() * 2, LAST_RETRY_MS))


def refused_text(count: int) -> str:
    if count == 0:
        return ""
    return (f"{count} kept call{'s were' if count != 1 else ' was'} not accepted: "
            "put back in the form")


def waiting_text(count: int) -> str:
    if count == 0:
        return ""
    return f"{count} call{'s' if count != 1 else ''} waiting to send"


OFFLINE_TEXT = ("The database cannot be reached. New calls are kept on this PC and sent as soon "
                "as it is back (tell callers their reference will follow); cases cannot be "
                "changed until then.")


class OfflineDesk(QObject):
    """The window's side of an outage: the banner, the outbox count, sending afterwards."""

    def __init__(self, window, folder=None):
        super().__init__(window)
        self._window = window
        workspace = window.workspace
        self.sender = OutboxSender(workspace, window.runner, workspace.outbox(folder), self)
        self.sender.countChanged.connect(
            lambda count: window.outbox_status.setText(waiting_text(count)))
        self.sender.callSent.connect(lambda saved: window.statusBar().showMessage(
            "A call kept on this PC reached the database"
            + (f": {saved.reference}" if saved.reference else ""), 30_000))
        window.call_form.keep_offline = self.sender.keep
        self.refused_button = QPushButton("", window)
        self.refused_button.setObjectName("outboxRefused")
        self.refused_button.setFlat(True)
        self.refused_button.clicked.connect(self.take_back_refused)
        window.statusBar().addPermanentWidget(self.refused_button)
        self.sender.refusedChanged.connect(self._show_refused)
        self._show_refused(len(self.sender.outbox.refused()))
        self.watch = ConnectionWatch(workspace, self)
        self.watch.reachableChanged.connect(self.reachable_changed)
        window.outbox_status.setText(waiting_text(len(self.sender.outbox)))
        self.watch.start()
        self.sender.send_waiting()  # what an earlier outage left behind

    def reachable_changed(self, reachable: bool) -> None:
        window = self._window
        window.offline_banner.setText(OFFLINE_TEXT)
        window.offline_banner.setVisible(not reachable)
        window.case_detail.setEnabled(reachable)
        window.case_detail.setToolTip("" if reachable else "Cases cannot be changed while the "
                                      "database cannot be reached")
        if reachable:
            self.sender.send_waiting()

    def _show_refused(self, count: int) -> None:
        self.refused_button.setText(refused_text(count))
        self.refused_button.setVisible(count > 0)

    def take_back_refused(self) -> None:
        """Put the oldest refused call in the form, with why, to correct and save by hand."""
        refused = self.sender.outbox.refused()
        if not refused:
            self._show_refused(0)
            return
        window, form = self._window, self._window.call_form
        window.tabs.setCurrentIndex(window.CALL_TAB)
        if form.has_typed_input() and not window.confirm_discard(
                "Replace the call being typed?",
                "A call is typed and not saved. Put the refused call in the form instead and "
                "lose what is typed?"):
            return
        call, reason = refused[0]
        form.restore_draft(as_draft(call))
        try:  # on disk as the form's draft before it leaves the outbox
            if form.drafts is not None:
                form.drafts.write(form.draft())
                self.sender.outbox.forget_refused(call.idempotency_key)
        except OSError:
            pass  # it stays set aside too, and comes back with the button
        form.ui.set_notice(f"This call, taken while the database could not be reached, was not "
                           f"accepted: {reason}. Correct it and save it again.")
        self._show_refused(len(self.sender.outbox.refused()))

    def stop(self) -> None:
        self.watch.stop()


def as_draft(call: CallInput) -> dict:
    """A kept call in the shape the call form restores, key and answer time included."""
    return {"idempotency_key": call.idempotency_key, "phone": call.caller_phone,
            "name": call.caller_name, "address": call.address, "postcode": call.postcode,
            "category": call.category, "routing_reason": call.routing_reason,
            "description": call.description,
            "answered_at": call.answered_at.isoformat() if call.answered_at else None}
