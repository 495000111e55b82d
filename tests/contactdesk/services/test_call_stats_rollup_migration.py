"""The migration that adds the daily rollup fills it from the figures already stored."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import func, insert, select, text

from contactdesk.persistence.database import Database
from contactdesk.persistence.engine import create_database_engine
from contactdesk.persistence.migrations import alembic_config, upgrade
from contactdesk.persistence.models import CallAttempt, DailyCallRollup
from contactdesk.services.call_stats import year_to_date
from contactdesk.telephony.store import local_day_and_hour
from tests.helpers.contexts import context_for

from .test_call_stats_rollup import AS_OF, by_histogram, expected, hand_made

BEFORE_ROLLUP = "0011"
# The wait histogram as the import built it before the rollup existed.
HISTOGRAM = text(
    "INSERT INTO call_wait_days (source, local_day, queue, outcome, wait_seconds, attempts, "
    "talk_total, talk_count) SELECT source, local_day, queue, outcome, wait_seconds, count(*), "
    "coalesce(sum(talk_seconds), 0), count(talk_seconds) FROM call_attempts "
    "GROUP BY source, local_day, queue, outcome, wait_seconds")


def attempt_rows(calls, source: str) -> list[dict]:
    rows = []
    for call in calls:
        day, hour = local_day_and_hour(call.entered)
        rows.append({"source": source, "callid": call.callid, "queue": call.queue,
                     "entered_epoch": call.entered, "local_day": day, "local_hour": hour,
                     "outcome": call.outcome,
                     "wait_seconds": None if call.outcome is None else call.wait,
                     "talk_seconds": call.talk if call.outcome == "answered" else None})
    return rows


def test_the_migration_fills_the_rollup_from_what_is_stored(empty_db_url, monkeypatch):
    calls = hand_made()
    engine = create_database_engine(empty_db_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, BEFORE_ROLLUP)
            connection.execute(insert(CallAttempt.__table__), attempt_rows(calls, "asterisk")
                               + attempt_rows(calls[::4], "pbx-b"))
            connection.execute(HISTOGRAM)
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.scalar(select(func.count()).select_from(DailyCallRollup))
        assert rows == len({(c.day, c.queue) for c in calls}) + len(
            {(c.day, c.queue) for c in calls[::4]})
    finally:
        engine.dispose()
    database = Database.open(empty_db_url)
    try:
        ctx = context_for(database, "admin", "test.admin")
        ytd = year_to_date(ctx, AS_OF, source="asterisk")
        assert ytd.this_year.figures.counts == expected(calls, date(2024, 4, 1), AS_OF)
        assert ytd.last_year.figures.counts == expected(calls, date(2023, 4, 1), date(2024, 3, 31))
        both = year_to_date(ctx, AS_OF)
        assert both == by_histogram(monkeypatch, lambda: year_to_date(ctx, AS_OF))
        assert both.this_year.figures.counts.offered > ytd.this_year.figures.counts.offered
    finally:
        database.dispose()
