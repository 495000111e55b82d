"""What other desks change, as it happens: the screens refresh without anyone pressing a key.

PostgreSQL: a statement trigger on each table others' screens show notifies
``contactdesk_changes`` with the table's name at commit (db/versions/0008); a
listening connection hears it. SQLite: ``PRAGMA data_version`` on a connection
of its own changes whenever anyone commits to the file. Either way a thread
of its own waits (never the GUI's), gathers what changed over a short spell
and hands the kinds to ``deliver``; a lost connection is retried with
back-off, quietly.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine

from ..dtos.changes import Changed
from .timeouts import CONNECT_TIMEOUT_S, KEEPALIVE

CHANNEL = "contactdesk_changes"
TABLE_KINDS: dict[str, frozenset[Changed]] = {
    **{t: frozenset({Changed.CASES}) for t in
       ("cases", "case_notes", "case_holds", "case_status_history")},
    **{t: frozenset({Changed.CALLS, Changed.CASES}) for t in ("calls", "call_cases")},
    **{t: frozenset({Changed.COMPLAINTS}) for t in ("complaints", "complaint_stages")},
    **{t: frozenset({Changed.TELEPHONY}) for t in ("call_attempts", "agent_events")},
    "users": frozenset({Changed.USERS}),
    **{t: frozenset({Changed.CATALOGUE}) for t in ("services", "categories", "category_groups")},
}
EVERYTHING = frozenset(Changed)
POLL_S = 1.0


class ChangeFeed:
    def __init__(self, engine: Engine, deliver: Callable[[frozenset[Changed]], None]):
        self._engine = engine
        self._deliver = deliver
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="contactdesk-change-feed",
                                        daemon=True)

    def start(self) -> ChangeFeed:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=CONNECT_TIMEOUT_S + 2)

    def _run(self) -> None:
        wait = POLL_S
        while not self._stop.is_set():
            try:
                if self._engine.dialect.name == "sqlite":
                    self._watch_sqlite()
                else:
                    self._watch_postgresql()
                wait = POLL_S
            except Exception:  # noqa: BLE001 - a lost server: try again later, quietly
                self._stop.wait(wait)
                wait = min(wait * 2, 30)

    def _watch_sqlite(self) -> None:
        connection = sqlite3.connect(self._engine.url.database, timeout=1, check_same_thread=False)
        try:
            seen = connection.execute("PRAGMA data_version").fetchone()[0]
            while not self._stop.wait(POLL_S):
                now = connection.execute("PRAGMA data_version").fetchone()[0]
                if now != seen:
                    seen = now
                    self._deliver(EVERYTHING)  # the file does not say what changed
        finally:
            connection.close()

    def _watch_postgresql(self) -> None:
        import psycopg

        url = self._engine.url
        with psycopg.connect(host=url.host, port=url.port, user=url.username,
                             password=url.password, dbname=url.database, autocommit=True,
                             connect_timeout=CONNECT_TIMEOUT_S, **KEEPALIVE) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            while not self._stop.is_set():
                kinds: set[Changed] = set()
                for note in connection.notifies(timeout=POLL_S, stop_after=500):
                    kinds |= TABLE_KINDS.get(note.payload, frozenset())
                if kinds:
                    time.sleep(0.2)  # a burst of saves refreshes the screens once
                    for note in connection.notifies(timeout=0.01):
                        kinds |= TABLE_KINDS.get(note.payload, frozenset())
                    self._deliver(frozenset(kinds))


def database_reachable(engine: Engine, timeout_s: int = 2) -> bool:
    """A fresh connection and ``SELECT 1`` within ``timeout_s``: is the server there now?"""
    if engine.dialect.name == "sqlite":
        return True
    import psycopg

    url = engine.url
    try:
        with psycopg.connect(host=url.host, port=url.port, user=url.username,
                             password=url.password, dbname=url.database, autocommit=True,
                             connect_timeout=timeout_s) as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False
