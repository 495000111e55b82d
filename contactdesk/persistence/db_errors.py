"""Database failures as sentences: what happened, whether anything was saved, what to do.

Every operation passes through the workspace's front door (operations.py),
which hands any driver error to ``explain`` so no raw driver text reaches a
person in the app or at the command line.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.errors import ConflictError, ContactDeskError, PermissionDenied, Unreachable
from .engine import DatabaseError, DatabaseUnavailable, database_name
from .timeouts import LOCK_TIMEOUT_S, SQLITE_BUSY_S, STATEMENT_TIMEOUT_S


class DatabaseBusy(DatabaseError):
    """Another desk held what this one needed for longer than the bound: nothing was saved."""


class DatabaseDamaged(DatabaseError):
    pass


class ConnectionLost(DatabaseUnavailable, Unreachable):
    """The server went away mid-operation."""


class SaveInDoubt(DatabaseUnavailable, Unreachable):
    """The connection died during COMMIT and the database cannot be asked yet what happened."""


def connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the connection itself failed (not the statement)."""
    if getattr(exc, "connection_invalidated", False):
        return True
    text = str(getattr(exc, "orig", None) or exc).lower()
    return any(words in text for words in _LOST)


_LOST = ("server closed the connection", "connection refused", "could not connect",
         "terminating connection", "connection timed out", "timeout expired",
         "no connection to the server", "connection is closed", "connection is lost",
         "ssl connection has been closed", "could not receive data", "could not send data",
         "the connection is closed", "consuming input failed", "server conn crashed")


def explain(exc: BaseException, url: str = "") -> ContactDeskError | None:
    """The plain-words error for a driver failure, or None when ``exc`` is not one."""
    if isinstance(exc, StaleDataError):
        return ConflictError("someone else changed this record while you were saving: nothing "
                             "was saved; reload it to see their change, your text is kept")
    if isinstance(exc, UnicodeEncodeError):
        return ContactDeskError("some text holds a broken character the database cannot keep: "
                                "nothing was saved; retype the text you pasted")
    if not isinstance(exc, DBAPIError | StatementError):
        return None
    original = getattr(exc, "orig", None) or exc
    text = str(original).lower()
    where = database_name(url) if url else "the database"
    if isinstance(original, sqlite3.Error):
        return _sqlite(text, where)
    code = getattr(getattr(original, "diag", None), "sqlstate", None) or \
        getattr(original, "sqlstate", None)
    if code == "55P03" or "lock timeout" in text:
        return DatabaseBusy(f"another desk is saving this record and did not finish within "
                            f"{LOCK_TIMEOUT_S} seconds: nothing was saved; try again")
    if code == "57014":
        return DatabaseBusy(f"the database took longer than {STATEMENT_TIMEOUT_S} seconds to "
                            "answer and the request was stopped: nothing was saved; try again, "
                            "and tell IT if it keeps happening")
    if code == "40P01" or code == "40001":
        return DatabaseBusy("another desk was saving the same records at the same moment: "
                            "nothing was saved; try again")
    if code == "42501":
        return PermissionDenied("the database refused this for your login: ask an "
                                "administrator if you need to do it")
    if code == "22021" or "nul" in text and "cannot contain" in text:
        return ContactDeskError("some text holds a character the database cannot keep (an "
                                "invisible NUL): nothing was saved; retype the text you pasted")
    if code in ("53100", "53200", "53300"):
        return DatabaseUnavailable(f"{where} is out of room or connections: nothing was saved; "
                                   "tell IT")
    if code and code.startswith("23"):
        return ConflictError("the change clashes with something already saved (a duplicate or "
                             "a record that no longer exists): nothing was saved; reload and "
                             "try again")
    if connection_lost(exc):
        return ConnectionLost(f"the connection to {where} was lost before this finished: "
                              "nothing was saved; check the network and try again (the app "
                              "reconnects when the server is back)")
    return DatabaseUnavailable(f"{where} could not do this ({type(original).__name__}): "
                               "nothing was saved; try again, and tell IT if it keeps happening")


def _sqlite(text: str, where: str) -> ContactDeskError:
    if "locked" in text or "busy" in text:
        return DatabaseBusy(f"another desk or program was writing to {where} for more than "
                            f"{SQLITE_BUSY_S} seconds: nothing was saved; try again")
    if "readonly" in text or "read-only" in text:
        return DatabaseUnavailable(f"{where} is read-only for this account: nothing was saved; "
                                   "ask IT for write access to the file and its folder")
    if "malformed" in text or "not a database" in text or "disk i/o" in text or \
            "corrupt" in text:
        return DatabaseDamaged(f"{where} is damaged: stop using it and restore the latest "
                               "backup (see the README's backup section)")
    if "disk is full" in text or "full" in text:
        return DatabaseUnavailable(f"the disk holding {where} is full: nothing was saved; free "
                                   "some space and try again")
    if "unable to open" in text:
        return DatabaseUnavailable(f"{where} cannot be opened: check the file and its folder "
                                   "exist and this account may write to them")
    return DatabaseUnavailable(f"{where} could not do this: nothing was saved; try again, and "
                               "tell IT if it keeps happening")
