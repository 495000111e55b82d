"""Working-day and opening-time arithmetic with pauses: pure, no database.

Two clocks, both skipping weekends and England & Wales bank holidays:

* **Working days** (``WorkingDays``) count whole days. Complaint deadlines use
  them: the day a complaint arrives is day 0, the deadline is the end of the
  n-th working day after it, and the time taken is the number of working days
  after the start up to and including the day of the answer. Days the clock
  stood still (``DateSpan`` pauses) do not count.
* **Opening time** (functions taking ``OpeningHours``) counts the hours the
  contact centre is open. A case's service target is measured in it; while a
  case waits for the caller (a hold) the clock stops, and when the hold ends
  the due time moves later by the opening time the hold covered.

Counting uses whole-week arithmetic and the bank-holiday list rather than a
walk through every day (the tests compare both).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .working_time import OpeningHours
from .working_time import _bank_holidays as bank_holidays  # the cached England & Wales list

MONDAY_TO_FRIDAY = frozenset({0, 1, 2, 3, 4})
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class DateSpan:
    """The days ``first`` to ``last``, both included (a pause of the working-day clock)."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a pause cannot end before it starts")


@dataclass(frozen=True)
class WorkingDays:
    """Which days are working days: chosen weekdays that are not bank holidays."""

    weekdays: frozenset[int] = MONDAY_TO_FRIDAY  # Monday = 0
    region: str = "ENG"  # England and Wales share bank holidays

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("working days need at least one weekday, numbered 0 (Monday) to 6")

    @classmethod
    def of(cls, hours: OpeningHours) -> WorkingDays:
        """The working days of the contact centre's opening hours."""
        return cls(hours.weekdays, hours.holiday_region)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in bank_holidays(self.region, day.year)

    def count(self, start: date, end: date, pauses: Iterable[DateSpan] = ()) -> int:
        """Working days after ``start`` up to and including ``end``, less paused ones.

        0 when ``end`` is not after ``start``: an answer on the day a complaint
        arrived took 0 working days.
        """
        total = self._unpaused_count(start, end)
        for span in _merged(pauses):
            first, last = max(span.first, start + _ONE_DAY), min(span.last, end)
            if first <= last:
                total -= self._unpaused_count(first - _ONE_DAY, last)
        return total

    def add(self, start: date, days: int, pauses: Iterable[DateSpan] = ()) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself never counts).

        Paused days are skipped. ``add(start, 0)`` is ``start``.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return start
        spans = _merged(pauses)
        # The smallest end with count(start, end) >= days is the day wanted:
        # count only grows, by one on each unpaused working day.
        low = start
        step = max(days * 7 // len(self.weekdays), 1)
        high = start + timedelta(days=step)
        while self.count(start, high, spans) < days:
            low, step = high, step * 2
            high = start + timedelta(days=step)
        while (high - low).days > 1:
            middle = low + timedelta(days=(high - low).days // 2)
            if self.count(start, middle, spans) >= days:
                high = middle
            else:
                low = middle
        return high

    def days_left(self, today: date, deadline: date) -> int:
        """Working days from ``today`` to ``deadline``: 0 when due today, negative when late.

        Late by n means the deadline passed n working days ago (a deadline on
        Friday is 1 working day late on Monday).
        """
        if deadline >= today:
            return self.count(today, deadline)
        return -self.count(deadline, today)

    def _unpaused_count(self, start: date, end: date) -> int:
        span = (end - start).days
        if span <= 0:
            return 0
        weeks, rest = divmod(span, 7)
        total = weeks * len(self.weekdays)
        first = (start.weekday() + 1) % 7
        total += sum(1 for i in range(rest) if (first + i) % 7 in self.weekdays)
        for year in range(start.year, end.year + 1):
            total -= sum(1 for holiday in bank_holidays(self.region, year)
                         if start < holiday <= end and holiday.weekday() in self.weekdays)
        return total


def _merged(pauses: Iterable[DateSpan]) -> list[DateSpan]:
    """Pauses sorted, with overlapping or touching ones joined, so no day counts twice."""
    merged: list[DateSpan] = []
    for span in sorted(pauses, key=lambda s: (s.first, s.last)):
        if merged and span.first <= merged[-1].last + _ONE_DAY:
            if span.last > merged[-1].last:
                merged[-1] = DateSpan(merged[-1].first, span.last)
        else:
            merged.append(span)
    return merged


# -- opening time (hours within opening hours) -----------------------------------------------

def opening_time_between(hours: OpeningHours, start: datetime, end: datetime) -> timedelta:
    """How much opening time lies between ``start`` and ``end`` (zero if end is not later)."""
    if end <= start:
        return timedelta(0)
    first, last = start.astimezone(hours.zone), end.astimezone(hours.zone)
    total = timedelta(0)
    day = first.date()
    while day <= last.date():
        if hours.is_working_day(day):
            opens = datetime.combine(day, hours.opens, tzinfo=hours.zone)
            closes = datetime.combine(day, hours.closes, tzinfo=hours.zone)
            overlap = min(closes, last) - max(opens, first)
            if overlap > timedelta(0):
                total += overlap
        day += _ONE_DAY
    return total


def push_back(hours: OpeningHours, due: datetime, paused: timedelta) -> datetime:
    """``due`` moved later by ``paused`` of opening time (a hold's length)."""
    if paused < timedelta(0):
        raise ValueError("a pause cannot be negative")
    if paused == timedelta(0):
        return due
    return hours.add_working_hours(due, paused.total_seconds() / 3600)


def due_after_holds(hours: OpeningHours, due: datetime,
                    holds: Sequence[tuple[datetime, datetime]]) -> datetime:
    """The due time once each finished hold ``(started, ended)`` has moved it on, in order.

    A hold stops the clock: the case gets back the opening time the hold
    covered. A hold that began after the case was already overdue moves the
    due time too, so the case stays late by the same working time.
    """
    for started, ended in sorted(holds):
        due = push_back(hours, due, opening_time_between(hours, started, ended))
    return due
