"""Runtime settings kept in the database (service level, opening hours, region)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalogue import DEFAULT_SETTINGS
from ..domain.working_time import OpeningHours
from ..persistence.models import Setting


@dataclass(frozen=True)
class CentreSettings:
    council_name: str
    service_level_seconds: int
    opening_hours: OpeningHours
    duplicate_window_days: int


def load_settings(session: Session) -> CentreSettings:
    values = dict(DEFAULT_SETTINGS)
    values.update({row.key: row.value for row in session.scalars(select(Setting))})
    hours = OpeningHours(
        opens=time.fromisoformat(values["opening_time"]),
        closes=time.fromisoformat(values["closing_time"]),
        weekdays=frozenset(int(d) for d in values["working_weekdays"].split(",") if d.strip()),
        holiday_region=values["bank_holiday_region"],
    )
    return CentreSettings(
        council_name=values["council_name"],
        service_level_seconds=int(values["service_level_seconds"]),
        opening_hours=hours,
        duplicate_window_days=int(values["duplicate_window_days"]),
    )
