"""Background work reports back on the GUI thread, in order for writes."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from ui.tasks import TaskRunner


def test_work_runs_off_the_gui_thread_and_results_arrive_on_it(qtbot):
    runner = TaskRunner()
    gui = QThread.currentThread()
    seen = {}

    def work():
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return 42

    def done(value):
        seen["value"] = value
        seen["on_gui"] = QThread.currentThread() is gui

    runner.run(work, done)
    qtbot.waitUntil(lambda: runner.idle and "value" in seen)
    assert seen == {"worker": False, "value": 42, "on_gui": True}


def test_errors_go_to_the_handler_or_the_failure_signal(qtbot):
    runner = TaskRunner()
    caught = []
    runner.run(lambda: 1 / 0, on_error=caught.append)
    qtbot.waitUntil(lambda: runner.idle)
    assert isinstance(caught[0], ZeroDivisionError)
    unhandled = []
    runner.taskFailed.connect(unhandled.append)
    runner.run(lambda: [][1])
    qtbot.waitUntil(lambda: runner.idle and bool(unhandled))
    assert "out of range" in unhandled[0]


def test_writes_run_one_at_a_time_in_order(qtbot):
    runner = TaskRunner()
    order, active, overlap = [], [0], []
    lock = threading.Lock()

    def write(n):
        def work():
            with lock:
                active[0] += 1
                overlap.append(active[0])
            QThread.msleep(5)
            with lock:
                active[0] -= 1
            return n
        return work

    for n in range(8):
        runner.run(write(n), order.append, write=True)
    qtbot.waitUntil(lambda: runner.idle and len(order) == 8)
    assert order == list(range(8)) and max(overlap) == 1


def test_synchronous_mode_runs_inline():
    runner = TaskRunner(synchronous=True)
    out = []
    runner.run(lambda: "x", out.append)
    assert out == ["x"] and runner.idle
