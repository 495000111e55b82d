from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contactdesk.domain.working_time import LONDON, OpeningHours

HOURS = OpeningHours()


def at(y, m, d, hh=12, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.mark.parametrize("start, days, due", [
    (at(2026, 11, 23), 1, at(2026, 11, 24, 20)),            # Monday -> Tuesday close
    (at(2026, 11, 20), 2, at(2026, 11, 24, 20)),            # Friday skips the weekend
    (at(2026, 11, 21), 1, at(2026, 11, 23, 20)),            # received on Saturday
    (at(2026, 12, 24), 1, at(2026, 12, 29, 20)),            # Christmas, Boxing Day (moved)
    (at(2026, 4, 2), 1, at(2026, 4, 7, 20)),                # Good Friday and Easter Monday
    (at(2026, 5, 22), 1, at(2026, 5, 26, 20)),              # spring bank holiday
    (at(2026, 11, 21), 0, at(2026, 11, 23, 20)),            # 0 days: close of next working day
])
def test_working_days_skip_weekends_and_bank_holidays(start, days, due):
    assert HOURS.add_working_days(start, days) == due


@pytest.mark.parametrize("start, hours, due", [
    (at(2026, 11, 23, 9), 4, at(2026, 11, 23, 13)),
    (at(2026, 11, 20, 18), 4, at(2026, 11, 23, 10)),         # Friday evening -> Monday
    (at(2026, 11, 23, 6, 30), 1, at(2026, 11, 23, 9)),       # before opening
    (at(2026, 11, 23, 21), 24, at(2026, 11, 25, 8) + timedelta(hours=12)),  # two full days
    (at(2026, 12, 24, 18), 4, at(2026, 12, 29, 10)),
    (at(2026, 3, 27, 19), 2, at(2026, 3, 30, 9)),            # across the clock change
])
def test_working_hours_count_only_opening_time(start, hours, due):
    assert HOURS.add_working_hours(start, hours) == due


def test_due_times_are_in_london_local_time_across_british_summer_time():
    due = HOURS.add_working_days(at(2026, 3, 27), 1)
    assert due.utcoffset() == timedelta(hours=1) and due.hour == 20


def test_opening_hours_must_make_sense():
    with pytest.raises(ValueError):
        OpeningHours(opens=time(20), closes=time(8))


# --- property tests against a naive count --------------------------------------------

_BANK = holidays.UK(subdiv="ENG", years=range(2024, 2030))


def naive_is_working(day: date) -> bool:
    return day.weekday() < 5 and day not in _BANK


def naive_working_days(start: datetime, n: int) -> datetime:
    day, counted = start.date(), 0
    if n == 0:
        while not naive_is_working(day):
            day += timedelta(days=1)
    while counted < n:
        day += timedelta(days=1)
        if naive_is_working(day):
            counted += 1
    return datetime.combine(day, time(20), tzinfo=LONDON)


def naive_working_hours(start: datetime, hours: int) -> datetime:
    """Walk minute by minute, counting minutes inside opening hours."""
    needed, t = hours * 60, start
    while needed > 0:
        if naive_is_working(t.date()) and time(8) <= t.time() < time(20):
            needed -= 1
        t = t + timedelta(minutes=1)
    # The due moment is the end of the last counted minute.
    return t


starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 1)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=LONDON))


@settings(max_examples=150, deadline=None)
@given(starts, st.integers(min_value=0, max_value=25))
def test_working_days_match_a_day_by_day_count(start, days):
    assert HOURS.add_working_days(start, days) == naive_working_days(start, days)


@settings(max_examples=60, deadline=None)
@given(starts.filter(lambda d: not (1 <= d.hour <= 2)), st.integers(min_value=1, max_value=30))
def test_working_hours_match_a_minute_by_minute_count(start, hours):
    assert HOURS.add_working_hours(start, hours) == naive_working_hours(start, hours)
