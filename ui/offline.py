"""Working through an outage: notice it, keep new calls on this PC, send them when it is back.

``ConnectionWatch`` asks every 2 seconds, on a thread of its own, whether the
database answers (a fresh connection, 2 s at most), so the banner appears
within about 4 s of the server going away and the window never waits on it.
``OutboxSender`` keeps calls the database could not take in the person's
outbox (contactdesk/outbox.py) and sends them, oldest first and one at a
time, once the database answers again; each keeps its idempotency key, so a
call is stored once however often it is sent.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from contactdesk.domain.errors import Unreachable
from contactdesk.dtos.calls import CallInput, CallSaved

CHECK_EVERY_S = 2.0


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
    callSent = Signal(object)  # the CallSaved of a call that reached the database

    def __init__(self, workspace, runner, outbox, parent: QObject | None = None):
        super().__init__(parent)
        self._workspace, self._runner, self.outbox = workspace, runner, outbox
        self._sending = False

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
                         self._not_sent, write=True)

    def _sent(self, call: CallInput, saved: CallSaved) -> None:
        self._sending = False
        self.outbox.sent(call.idempotency_key)
        self.countChanged.emit(len(self.outbox))
        self.callSent.emit(saved)
        self.send_waiting()

    def _not_sent(self, exc: Exception) -> None:
        # Unreachable again: the next time the database answers, sending starts over. Any
        # other refusal leaves the call waiting in the outbox for a person to look at.
        self._sending = False
        if not isinstance(exc, Unreachable):
            self.countChanged.emit(len(self.outbox))


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

    def stop(self) -> None:
        self.watch.stop()
