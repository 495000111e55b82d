"""One open database: its engine and the session factory every unit of work uses.

The audit listener is attached to this factory, not to SQLAlchemy's Session
class, so only the app's own sessions write audit rows and each names the
person acting.
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
        event.listen(factory, "after_flush", write_audit_rows)
        if bind.dialect.name == "postgresql":
            event.listen(factory, "after_begin", _name_the_actor)
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
    actor = session.info.get("actor_name")
    if actor:
        connection.execute(text("SELECT set_config('contactdesk.actor', :actor, true)"),
                           {"actor": actor})
