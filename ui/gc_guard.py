"""Python's garbage collection kept on the GUI thread.

The cyclic collector runs on whichever thread happens to allocate, so with
background workers it could free Qt objects on a worker thread, which crashes
Qt. Automatic collection is switched off and the GUI thread collects on a timer
instead (as qutebrowser does).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 2_000


def collect_on_gui_thread(parent: QObject) -> QTimer:
    gc.disable()
    timer = QTimer(parent)
    timer.setObjectName("garbageCollector")
    timer.timeout.connect(_collect)
    timer.start(INTERVAL_MS)
    return timer


def _collect() -> None:
    # Young objects every tick; an older generation only when its threshold says so.
    gc.collect(0)
    counts, thresholds = gc.get_count(), gc.get_threshold()
    if counts[1] > thresholds[1]:
        gc.collect(1 if counts[2] <= thresholds[2] else 2)
