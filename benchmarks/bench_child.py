"""One measurement in a process of its own, so its peak memory is its own.

    python benchmarks/bench_child.py TASK URL [ARG]

TASK is ``import`` (the app's queue_log import of ARG), ``import_floor`` (a plain
parse-and-insert of ARG into a bare table), ``export`` (the app's CSV export of a
financial year into folder ARG) or ``app_memory`` (the case list shown offscreen
with its first page, beside a bare window). Prints one JSON line: seconds, peak_mb
(the process's peak resident memory) and, where there is one, floor_mb.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

BATCH = 10_000


def peak_mb() -> float:
    """This process's peak resident memory. Linux's ru_maxrss carries over the parent's peak
    across fork and exec, so the high-water mark of this program's own memory is read."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _context(url: str):
    from contactdesk.auth.credentials import OperatingSystemAccount
    from contactdesk.auth.sign_in import os_actor
    from contactdesk.context import ServiceContext
    from contactdesk.persistence.database import Database
    return ServiceContext(Database.open(url), os_actor(OperatingSystemAccount()))


def run_import(url: str, log: str) -> dict:
    from contactdesk.telephony.importer import import_call_log
    ctx = _context(url)
    try:
        floor = peak_mb()  # the app loaded, nothing read yet
        start = time.perf_counter()
        summary = import_call_log(ctx, Path(log))
        seconds = time.perf_counter() - start
    finally:
        ctx.database.dispose()
    return {"seconds": seconds, "peak_mb": peak_mb(), "floor_mb": floor,
            "lines": summary.lines_read}


def _plain_connect(url: str):
    """(connection, is PostgreSQL) through the bare driver: nothing of the app loaded."""
    if url.startswith("postgresql"):
        import psycopg
        return psycopg.connect("postgresql" + url[url.index("://"):], autocommit=True), True
    import sqlite3
    return sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None), False


def run_import_floor(url: str, log: str) -> dict:
    """Read each line, split it on '|' and insert its fields, batch by batch, committed."""
    con, postgres = _plain_connect(url)
    try:
        con.execute("CREATE TABLE floor_lines (at text, callid text, queue text, agent text, "
                    "event text, data text)")
        if not postgres:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
        start = time.perf_counter()
        lines, batch = 0, []

        def store(rows: list) -> None:
            if postgres:
                with con.cursor() as cursor, cursor.copy(
                        "COPY floor_lines FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                con.executemany("INSERT INTO floor_lines VALUES (?, ?, ?, ?, ?, ?)", rows)
            rows.clear()

        if postgres:
            transaction = con.transaction()
            transaction.__enter__()
        else:
            con.execute("BEGIN IMMEDIATE")
        with open(log, encoding="utf-8", newline="\n") as handle:
            for line in handle:
                fields = line.rstrip("\n").split("|", 5)
                if len(fields) == 6:
                    batch.append(fields)
                lines += 1
                if len(batch) == BATCH:
                    store(batch)
        store(batch)
        if postgres:
            transaction.__exit__(None, None, None)
        else:
            con.execute("COMMIT")
        seconds = time.perf_counter() - start
    finally:
        con.close()
    return {"seconds": seconds, "peak_mb": peak_mb(), "lines": lines}


def run_export(url: str, folder: str) -> dict:
    from hot_paths import YEAR_FROM, YEAR_TO

    from contactdesk.services.case_export import export_cases
    ctx = _context(url)
    try:
        floor = peak_mb()
        start = time.perf_counter()
        written = export_cases(ctx, Path(folder) / f"cases-{os.getpid()}.csv", YEAR_FROM, YEAR_TO)
        seconds = time.perf_counter() - start
    finally:
        ctx.database.dispose()
    return {"seconds": seconds, "peak_mb": peak_mb(), "floor_mb": floor, "written": written}


def run_app_memory(url: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QWidget
    app = QApplication([])
    bare = QWidget()
    bare.resize(1280, 720)
    bare.show()
    app.processEvents()
    floor = peak_mb()
    from contactdesk.workspace import Workspace
    from ui.case_list import CaseListView
    from ui.tasks import TaskRunner
    ctx = _context(url)
    workspace = Workspace(ctx.database, ctx.actor)
    runner = TaskRunner(synchronous=True)
    start = time.perf_counter()
    view = CaseListView(workspace, runner)
    view.resize(1280, 720)
    view.show()
    view.refresh()
    for _ in range(20):
        app.processEvents()
    seconds = time.perf_counter() - start
    result = {"seconds": seconds, "peak_mb": peak_mb(), "floor_mb": floor,
              "rows": view.model.rowCount()}
    view.close()
    ctx.database.dispose()
    return result


TASKS = {"import": run_import, "import_floor": run_import_floor, "export": run_export,
         "app_memory": run_app_memory}


if __name__ == "__main__":
    task, *args = sys.argv[1:]
    print(json.dumps(TASKS[task](*args)))
