"""Changes PostgreSQL lets through only its owner's functions, made the same way on both databases.

On PostgreSQL no group may write a complaint stage's outcome directly (row
security and column grants refuse it): ``contactdesk_record_complaint_outcome``
checks the caller handles complaints and the stage is still open, then writes
it. On SQLite the ORM writes the same columns.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from .models import ComplaintStage


def record_stage_outcome(session: Session, stage: ComplaintStage, outcome: str, lessons: str,
                         remedy: str, response_on: date, recorded_by_id: int | None) -> None:
    if session.get_bind().dialect.name != "postgresql":
        stage.outcome, stage.lessons_learnt, stage.remedy = outcome, lessons, remedy
        stage.response_on, stage.recorded_by_id = response_on, recorded_by_id
        return
    session.flush()
    session.execute(text(
        "SELECT contactdesk_record_complaint_outcome(:id, :outcome, :lessons, :remedy, "
        ":response_on, :recorded_by)"),
        {"id": stage.id, "outcome": outcome, "lessons": lessons, "remedy": remedy,
         "response_on": response_on, "recorded_by": recorded_by_id})
    session.refresh(stage)
