"""Database work off the GUI thread.

Reads run on a small pool; writes on a pool of one thread, so saves from this
desk happen one at a time and in order. Results and errors come back to the
GUI thread through queued signals carrying plain values (frozen dataclasses).
In synchronous mode (tests, scripts) the work runs inline.
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Job(QRunnable):
    def __init__(self, number: int, work: Callable[[], Any], runner: TaskRunner):
        super().__init__()
        self._number = number
        self._work = work
        self._finished = runner._finished

    def run(self) -> None:
        work, self._work = self._work, None
        try:
            result, ok = work(), True
        except Exception as exc:  # handed to the caller's on_error on the GUI thread
            # The traceback's frames would keep this runnable's wrapper alive after Qt
            # has deleted it; keep the text for the log and drop the frames.
            exc.worker_traceback = traceback.format_exc()
            exc.__traceback__ = None
            result, ok = exc, False
        # Emitted from the worker; the connection is queued to the runner's (GUI) thread.
        self._finished.emit(self._number, ok, result)


class TaskRunner(QObject):
    """Runs callables in the background and reports back on the GUI thread."""

    busyChanged = Signal(bool)
    taskFailed = Signal(str)  # the message of an error no caller handled
    # An OpChanges after every write that succeeded, delivered on the GUI thread; each view
    # decides whether it needs to refresh (live updates from other desks will come this way).
    operationDidExecute = Signal(object)
    _finished = Signal(int, bool, object)
    _changes = Signal(object)  # emitted on any thread, re-emitted on the runner's

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False):
        super().__init__(parent)
        self.synchronous = synchronous
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(2)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._numbers = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None]] = {}
        self._finished.connect(self._deliver)
        self._changes.connect(self.operationDidExecute.emit)
        self._watched: set[int] = set()

    def follow_changes(self, workspace, slot: Callable[[Any], None]) -> None:
        """Call ``slot`` on the GUI thread with what each of the workspace's writes changed."""
        if id(workspace) not in self._watched:
            self._watched.add(id(workspace))
            workspace.subscribe(self._changes.emit)  # writes run on worker threads
        self.operationDidExecute.connect(slot)

    @property
    def idle(self) -> bool:
        return not self._callbacks

    def run(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[Exception], None] | None = None, *, write: bool = False) -> None:
        if self.synchronous:
            try:
                result = work()
            except Exception as exc:
                self._report_error(exc, on_error)
            else:
                if on_done:
                    on_done(result)
            return
        number = next(self._numbers)
        self._callbacks[number] = (on_done, on_error)
        if len(self._callbacks) == 1:
            self.busyChanged.emit(True)
        (self._writes if write else self._reads).start(_Job(number, work, self))

    def _deliver(self, number: int, ok: bool, result: Any) -> None:
        on_done, on_error = self._callbacks.pop(number, (None, None))
        if not self._callbacks:
            self.busyChanged.emit(False)
        if not ok:
            self._report_error(result, on_error)
        elif on_done:
            on_done(result)

    def _report_error(self, exc: Exception, on_error) -> None:
        if on_error:
            on_error(exc)
        else:
            self.taskFailed.emit(str(exc) or type(exc).__name__)

    def drop_queued_reads(self) -> None:
        """Forget reads not yet started (signing out): nobody is waiting for them now."""
        self._reads.clear()

    def wait_for_all(self, msecs: int = 30_000) -> None:
        """Block until background work is done (used when closing the window)."""
        self._reads.waitForDone(msecs)
        self._writes.waitForDone(msecs)
