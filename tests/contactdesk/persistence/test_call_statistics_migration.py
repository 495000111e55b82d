"""Migration 0003 copies the calls already logged into the app call-timer source."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import select, text

from contactdesk.persistence.database import Database
from contactdesk.persistence.engine import create_database_engine
from contactdesk.persistence.migrations import alembic_config, upgrade
from contactdesk.persistence.models import CallAttempt
from contactdesk.persistence.uow import UnitOfWork


def test_calls_logged_before_the_upgrade_become_app_attempts(empty_db_url):
    engine = create_database_engine(empty_db_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "0002")
            connection.execute(text(
                "INSERT INTO users (username, full_name, role, active, created_at) "
                "VALUES ('sam', 'Sam Taylor', 'agent', true, '2026-01-01 00:00:00')"))
            # 23:30 UTC on 31 May is 00:30 on 1 June in London (summer time).
            connection.execute(text(
                "INSERT INTO calls (channel, agent_id, started_at, answered_at, ended_at, "
                "wait_seconds, outcome, idempotency_key) VALUES "
                "('phone', 1, '2026-05-31 23:30:00', '2026-05-31 23:30:00', '2026-05-31 23:34:10',"
                " 17.6, 'information_given', 'k1'),"
                "('email', 1, '2026-06-01 10:00:00', '2026-06-01 10:00:00', '2026-06-01 10:05:00',"
                " NULL, 'information_given', 'k2')"))
        upgrade(engine)
        with UnitOfWork(Database(engine), None, "test:check") as uow:
            rows = uow.session.execute(select(
                CallAttempt.source, CallAttempt.queue, CallAttempt.local_day, CallAttempt.local_hour,
                CallAttempt.outcome, CallAttempt.wait_seconds, CallAttempt.talk_seconds,
                CallAttempt.agent)).all()
        assert [tuple(r) for r in rows] == [
            ("app", "app", date(2026, 6, 1), 0, "answered", 18, 250, "sam")]  # phone calls only
    finally:
        engine.dispose()
