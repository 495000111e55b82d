"""One open database: its engine and the session factory every unit of work uses.

On SQLite the audit listener is attached to this factory, not to SQLAlchemy's
Session class, so only the app's own sessions write audit rows and each names
the person acting; on PostgreSQL the database's triggers write them.
"""

from __future__ import annotations

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from .audit import write_audit_rows
from .engine import WRITE, create_database_engine, describe_url


class Database:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.sessions = self._factory(engine)
        # Writers: BEGIN IMMEDIATE on SQLite (see engine.py).
        self.write_sessions = self._factory(engine.execution_options(**{WRITE: True}))

    @staticmethod
    def _factory(bind) -> sessionmaker:
        factory = sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)
        if bind.dialect.name == "postgresql":
            # The database's own triggers write the audit there.
            event.listen(factory, "after_begin", _name_the_actor)
        else:
            event.listen(factory, "after_flush", write_audit_rows)
        return factory

    @classmethod
    def open(cls, url: str) -> Database:
        return cls(create_database_engine(url))

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def location(self) -> str:
        return describe_url(str(self.engine.url))

    def dispose(self) -> None:
        self.engine.dispose()


def _name_the_actor(session: Session, _transaction, connection) -> None:
    # Readable by database triggers for the rest of this transaction only.
    # Used only when the login is not a person's own (the owner, a service account).
    actor = session.info.get("actor_name")
    if actor:
        user_id = session.info.get("user_id")
        connection.execute(text(
            "SELECT set_config('contactdesk.actor', :actor, true), "
            "set_config('contactdesk.user_id', :user_id, true)"),
            {"actor": actor, "user_id": "" if user_id is None else str(user_id)})
