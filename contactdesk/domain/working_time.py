"""Due times in working time: opening hours, weekends and bank holidays.

All arithmetic happens in local time (Europe/London by default) and returns
timezone-aware datetimes, so clock changes in spring and autumn are handled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


class TargetUnit(StrEnum):
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class OpeningHours:
    """When the contact centre works: the same hours on each working weekday."""

    opens: time = time(8, 0)
    closes: time = time(20, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    holiday_region: str = "ENG"  # England and Wales share bank holidays
    zone: ZoneInfo = LONDON

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("opening hours must close after they open")
        if not self.weekdays:
            raise ValueError("opening hours need at least one working weekday")

    @property
    def day_length(self) -> timedelta:
        return _combine(date(2000, 1, 3), self.closes) - _combine(date(2000, 1, 3), self.opens)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in _bank_holidays(self.holiday_region, day.year)

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Closing time of the ``days``-th working day after the day of ``start``.

        A case received on Friday with a 2-working-day target is due at closing
        time on Tuesday; a bank holiday Monday pushes it to Wednesday.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start.astimezone(self.zone).date()
        if days == 0:
            if not self.is_working_day(day):
                day = self.next_working_day(day)
            return self._at(day, self.closes)
        for _ in range(days):
            day = self.next_working_day(day)
        return self._at(day, self.closes)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of opening time after ``start``.

        Time outside opening hours does not count: a 4-hour target logged at
        18:00 on Friday falls due at 10:00 on the next working day.
        """
        if hours < 0:
            raise ValueError("hours must not be negative")
        remaining = timedelta(hours=hours)
        local = start.astimezone(self.zone)
        day = local.date()
        cursor = local
        if not self.is_working_day(day) or local.time() >= self.closes:
            day = self.next_working_day(day)
            cursor = self._at(day, self.opens)
        elif local.time() < self.opens:
            cursor = self._at(day, self.opens)
        while True:
            closing = self._at(day, self.closes)
            available = closing - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            day = self.next_working_day(day)
            cursor = self._at(day, self.opens)

    def due_at(self, start: datetime, amount: int, unit: TargetUnit | str) -> datetime:
        if TargetUnit(unit) is TargetUnit.WORKING_HOURS:
            return self.add_working_hours(start, amount)
        return self.add_working_days(start, amount)

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.zone)


def _combine(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment)


@lru_cache(maxsize=64)
def _bank_holidays(region: str, year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv=region, years=year).keys())
