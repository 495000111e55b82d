"""Working-day and opening-time arithmetic, checked by hand and against naive counts.

The naive counts walk one day (or one quarter hour) at a time and use the
bank holidays as GOV.UK publishes them for England and Wales, typed in below,
rather than the ``holidays`` package the code uses.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contactdesk.domain.complaints import Stage, deadlines
from contactdesk.domain.working_days import (
    DateSpan,
    WorkingDays,
    due_after_holds,
    opening_time_between,
    push_back,
)
from contactdesk.domain.working_time import LONDON, OpeningHours

CALENDAR = WorkingDays()
HOURS = OpeningHours()
ONE_DAY = timedelta(days=1)

# England and Wales bank holidays, from gov.uk/bank-holidays (substitute days included).
GOV_UK = frozenset({
    date(2024, 1, 1), date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 6), date(2024, 5, 27),
    date(2024, 8, 26), date(2024, 12, 25), date(2024, 12, 26),
    date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5), date(2025, 5, 26),
    date(2025, 8, 25), date(2025, 12, 25), date(2025, 12, 26),
    date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25),
    date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
    date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3), date(2027, 5, 31),
    date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
    date(2028, 1, 3), date(2028, 4, 14), date(2028, 4, 17), date(2028, 5, 1), date(2028, 5, 29),
    date(2028, 8, 28), date(2028, 12, 25), date(2028, 12, 26),
})
FIRST, LAST = date(2024, 1, 1), date(2028, 9, 30)  # generated dates stay inside the list


def naive_working(day: date, paused=()) -> bool:
    return (day.weekday() < 5 and day not in GOV_UK
            and not any(p.first <= day <= p.last for p in paused))


def naive_count(start: date, end: date, paused=()) -> int:
    total, day = 0, start + ONE_DAY
    while day <= end:
        total += naive_working(day, paused)
        day += ONE_DAY
    return total


def naive_add(start: date, days: int, paused=()) -> date:
    day = start
    while days:
        day += ONE_DAY
        days -= naive_working(day, paused)
    return day


days_in_range = st.dates(min_value=FIRST, max_value=LAST)
spans = st.builds(lambda first, length: DateSpan(first, first + timedelta(days=length)),
                  days_in_range, st.integers(0, 20))


# -- by hand -------------------------------------------------------------------------------

@pytest.mark.parametrize("start, days, expected", [
    (date(2026, 11, 20), 1, date(2026, 11, 23)),   # Friday -> Monday
    (date(2026, 11, 21), 1, date(2026, 11, 23)),   # received on Saturday
    (date(2026, 12, 23), 3, date(2026, 12, 30)),   # Christmas Friday, Boxing Day moved to Monday 28th
    (date(2027, 12, 24), 1, date(2027, 12, 29)),   # 2027: both Christmas days moved (27th, 28th)
    (date(2027, 12, 31), 1, date(2028, 1, 4)),     # New Year's Day 2028 moved to Monday 3rd
    (date(2026, 4, 2), 1, date(2026, 4, 7)),       # Good Friday and Easter Monday 2026
    (date(2027, 3, 25), 2, date(2027, 3, 31)),     # Easter 2027 in March
    (date(2026, 5, 22), 1, date(2026, 5, 26)),     # spring bank holiday
    (date(2026, 11, 23), 0, date(2026, 11, 23)),   # nothing to add
])
def test_adding_working_days_skips_weekends_and_bank_holidays(start, days, expected):
    assert CALENDAR.add(start, days) == expected


def test_counting_is_after_the_start_up_to_and_including_the_end():
    assert CALENDAR.count(date(2026, 11, 23), date(2026, 11, 23)) == 0  # answered the same day
    assert CALENDAR.count(date(2026, 11, 20), date(2026, 11, 23)) == 1  # Friday to Monday
    assert CALENDAR.count(date(2026, 12, 24), date(2027, 1, 4)) == 4    # 29, 30, 31 Dec, 4 Jan
    assert CALENDAR.count(date(2026, 12, 1), date(2026, 11, 1)) == 0    # backwards: nothing


def test_stage_one_deadlines_over_christmas_with_an_extension():
    # Received Friday 18 December 2026: acknowledge within 5 working days, answer within 10.
    due = deadlines(Stage.STAGE_1, date(2026, 12, 18), CALENDAR)
    assert due.acknowledge_by == date(2026, 12, 29)  # 25th and the moved Boxing Day skipped
    assert due.respond_by == date(2027, 1, 6)       # New Year's Day skipped
    extended = deadlines(Stage.STAGE_1, date(2026, 12, 18), CALENDAR, extension_days=10)
    assert extended.respond_by == date(2027, 1, 20)
    assert CALENDAR.count(due.respond_by, extended.respond_by) == 10


def test_stage_two_has_twenty_working_days_over_easter():
    due = deadlines(Stage.STAGE_2, date(2026, 3, 20), CALENDAR)
    assert due.acknowledge_by is None
    # 20 working days from Friday 20 March, with Good Friday and Easter Monday off.
    assert due.respond_by == date(2026, 4, 21)
    assert deadlines(Stage.OMBUDSMAN, date(2026, 3, 20), CALENDAR).respond_by is None


def test_paused_days_do_not_count():
    start = date(2026, 11, 2)  # Monday
    pause = DateSpan(date(2026, 11, 4), date(2026, 11, 10))  # Wed to the next Tue: 5 working days
    # 3 to 13 November is 9 working days, 5 of them paused.
    assert CALENDAR.count(start, date(2026, 11, 13), [pause]) == 9 - 5
    assert CALENDAR.add(start, 5, [pause]) == date(2026, 11, 16)
    # Overlapping pauses count each day once.
    assert CALENDAR.count(start, date(2026, 11, 13), [pause, DateSpan(date(2026, 11, 9),
                                                                       date(2026, 11, 11))]) == 3


def test_days_left_is_zero_on_the_day_and_negative_when_late():
    friday = date(2026, 11, 20)
    assert CALENDAR.days_left(date(2026, 11, 18), friday) == 2
    assert CALENDAR.days_left(friday, friday) == 0
    assert CALENDAR.days_left(date(2026, 11, 23), friday) == -1  # Monday after


def test_a_pause_must_not_end_before_it_starts_and_days_must_not_be_negative():
    with pytest.raises(ValueError):
        DateSpan(date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(ValueError):
        CALENDAR.add(date(2026, 1, 2), -1)


# -- against the naive day-by-day count -----------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(days_in_range, st.integers(0, 400))
def test_count_matches_a_day_by_day_count(start, length):
    end = start + timedelta(days=length)
    assume(end <= LAST)
    assert CALENDAR.count(start, end) == naive_count(start, end)


@settings(max_examples=300, deadline=None)
@given(days_in_range, st.integers(0, 60))
def test_add_matches_a_day_by_day_walk(start, days):
    assume(start + timedelta(days=days * 2 + 20) <= LAST)
    found = CALENDAR.add(start, days)
    assert found == naive_add(start, days)
    assert CALENDAR.count(start, found) == days
    assert days == 0 or CALENDAR.is_working_day(found)


@settings(max_examples=200, deadline=None)
@given(days_in_range, st.integers(0, 120), st.lists(spans, max_size=3))
def test_paused_count_matches_a_day_by_day_count(start, length, pauses):
    end = start + timedelta(days=length)
    assume(end <= LAST)
    assert CALENDAR.count(start, end, pauses) == naive_count(start, end, pauses)


@settings(max_examples=200, deadline=None)
@given(days_in_range, st.integers(1, 25), st.lists(spans, max_size=3))
def test_paused_add_matches_a_day_by_day_walk(start, days, pauses):
    assume(start + timedelta(days=days * 2 + 100) <= LAST)
    assert CALENDAR.add(start, days, pauses) == naive_add(start, days, pauses)


@settings(max_examples=200, deadline=None)
@given(days_in_range, st.integers(1, 10))
def test_an_extension_adds_exactly_its_working_days(opened, extension):
    assume(opened + timedelta(days=60) <= LAST)
    plain = deadlines(Stage.STAGE_1, opened, CALENDAR).respond_by
    extended = deadlines(Stage.STAGE_1, opened, CALENDAR, extension).respond_by
    assert naive_count(plain, extended) == extension
    assert naive_count(opened, extended) == 10 + extension


# -- opening time and holds ------------------------------------------------------------------

QUARTER = timedelta(minutes=15)


def naive_open(moment: datetime) -> bool:
    local = moment.astimezone(LONDON)
    return naive_working(local.date()) and time(8) <= local.time() < time(20)


def naive_opening_time(start: datetime, end: datetime) -> timedelta:
    total, cursor = timedelta(0), start
    while cursor < end:
        total += QUARTER * naive_open(cursor)
        cursor += QUARTER
    return total


def naive_due(received: datetime, target: timedelta, holds) -> datetime:
    """Walk quarter hours, counting open ones outside holds, until the target is used up."""
    cursor, used = received, timedelta(0)
    while used < target:
        if naive_open(cursor) and not any(a <= cursor < b for a, b in holds):
            used += QUARTER
        cursor += QUARTER
    return cursor


def quarter_hours(draw_day, slot) -> datetime:
    return datetime.combine(draw_day, time(), LONDON) + slot * QUARTER


moments = st.builds(quarter_hours, st.dates(date(2026, 3, 1), date(2027, 12, 15)),
                    st.integers(0, 95))


def test_opening_time_between_by_hand():
    friday_evening = datetime(2026, 12, 24, 18, tzinfo=LONDON)
    tuesday_morning = datetime(2026, 12, 29, 10, tzinfo=LONDON)
    # 2 h on Christmas Eve; the 25th, the weekend and the moved Boxing Day are closed.
    assert opening_time_between(HOURS, friday_evening, tuesday_morning) == timedelta(hours=4)
    assert opening_time_between(HOURS, tuesday_morning, friday_evening) == timedelta(0)


def test_a_hold_moves_the_due_time_on_by_the_opening_time_it_covered():
    due = datetime(2026, 12, 29, 20, tzinfo=LONDON)
    held = (datetime(2026, 12, 23, 14, tzinfo=LONDON), datetime(2026, 12, 24, 10, tzinfo=LONDON))
    # 6 h on the 23rd + 2 h on the 24th = 8 h of opening time: due 16:00 next working day.
    assert due_after_holds(HOURS, due, [held]) == datetime(2026, 12, 30, 16, tzinfo=LONDON)
    # A hold entirely outside opening hours changes nothing.
    night = (datetime(2026, 12, 23, 21, tzinfo=LONDON), datetime(2026, 12, 24, 7, tzinfo=LONDON))
    assert due_after_holds(HOURS, due, [night]) == due


@settings(max_examples=150, deadline=None)
@given(moments, st.integers(0, 400))
def test_opening_time_matches_a_quarter_hour_walk(start, quarters):
    end = start + quarters * QUARTER
    assert opening_time_between(HOURS, start, end) == naive_opening_time(start, end)


@settings(max_examples=150, deadline=None)
@given(moments, st.integers(0, 120))
def test_push_back_gives_back_exactly_the_paused_opening_time(due, quarters):
    paused = quarters * QUARTER
    later = push_back(HOURS, due, paused)
    assert opening_time_between(HOURS, due, later) == paused
    assert later >= due


@settings(max_examples=150, deadline=None)
@given(moments, st.integers(1, 96), st.lists(st.tuples(st.integers(0, 200), st.integers(1, 80)),
                                             max_size=3))
def test_due_after_holds_matches_skipping_held_time(received, target_quarters, holds):
    """A hours target with holds during the clock: the same as never counting held time."""
    target = target_quarters * QUARTER
    base = HOURS.add_working_hours(received, target.total_seconds() / 3600)
    spells, cursor = [], received
    for gap, length in holds:  # holds one after another, each starting before the due time
        start = cursor + gap * QUARTER
        spells.append((start, start + length * QUARTER))
        cursor = start + length * QUARTER
    due = base
    for start, end in spells:
        assume(start < due)  # a hold that starts while the clock is still running
        due = due_after_holds(HOURS, due, [(start, end)])
    assert due_after_holds(HOURS, base, spells) == due
    assert due == naive_due(received, target, spells)
