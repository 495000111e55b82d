"""The app's own call timer as a source of call figures (source ``app``).

Every phone call logged in ContactDesk becomes one answered attempt in queue
``app``: entered when the agent picked it up (or when the caller started
waiting, where known), its wait when known, and its handle time (answer to
save, wrap-up included) as talk time.
"""

from __future__ import annotations

from datetime import datetime

from ..domain.words import APP_SOURCE
from .store import local_day_and_hour

APP_QUEUE = "app"


def app_attempt_row(call_id: int, started_at: datetime, answered_at: datetime | None,
                    ended_at: datetime | None, wait_seconds: float | None,
                    agent: str | None) -> dict:
    """A ``call_attempts`` row (for a Core insert) for one phone call logged in the app."""
    entered = int(started_at.timestamp())
    day, hour = local_day_and_hour(entered)
    answered = answered_at or started_at
    talk = None if ended_at is None else max(round((ended_at - answered).total_seconds()), 0)
    return {
        "source": APP_SOURCE, "callid": str(call_id), "queue": APP_QUEUE,
        "entered_epoch": entered, "local_day": day, "local_hour": hour, "outcome": "answered",
        "wait_seconds": None if wait_seconds is None else round(wait_seconds),
        "talk_seconds": talk, "agent": agent, "ended_epoch": None if ended_at is None else int(ended_at.timestamp()),
        "call_id": call_id,
    }
