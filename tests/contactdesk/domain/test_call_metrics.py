"""Rates from counts, year-to-date spans and comparisons."""

from __future__ import annotations

from datetime import date

import pytest

from contactdesk.domain.call_metrics import (
    Basis,
    CallCounts,
    CallFigures,
    Definition,
    abandon_rate,
    compare,
    financial_year_start,
    service_level,
    ytd_spans,
)
from contactdesk.domain.errors import ValidationError


def test_rates_are_none_when_nothing_was_offered():
    empty = CallCounts()
    assert all(service_level(empty, basis) is None for basis in Basis)
    assert abandon_rate(empty, 0) is None and abandon_rate(empty, 5) is None


def test_short_abandons_leave_top_and_bottom_of_the_abandon_rate():
    counts = CallCounts(offered=100, answered=90, abandoned=10, short_abandoned=4)
    assert abandon_rate(counts, 0) == pytest.approx(0.10)
    assert abandon_rate(counts, 5) == pytest.approx(6 / 96)


def test_financial_year_and_the_same_span_a_year_earlier():
    assert financial_year_start(date(2026, 3, 31)) == date(2025, 4, 1)
    assert financial_year_start(date(2026, 4, 1)) == date(2026, 4, 1)
    assert ytd_spans(date(2026, 11, 24)) == ((date(2026, 4, 1), date(2026, 11, 24)),
                                             (date(2025, 4, 1), date(2025, 11, 24)))
    assert ytd_spans(date(2028, 2, 29))[1] == (date(2026, 4, 1), date(2027, 2, 28))


def test_differences_are_percentage_points_from_unrounded_values():
    definition = Definition(21)
    # 94.78% and 94.51% as in the council's report, from counts rather than percentages.
    this = CallFigures(date(2012, 4, 1), date(2012, 9, 30), definition,
                       CallCounts(offered=10000, answered=9890, answered_within=9374, abandoned=110))
    last = CallFigures(date(2011, 4, 1), date(2011, 9, 30), definition,
                       CallCounts(offered=10000, answered=9859, answered_within=9318, abandoned=141))
    rows = {c.key: c for c in compare(this, last)}
    level, abandoned = rows["service_level"], rows["abandon_rate"]
    assert f"{100 * level.this_year:.2f}% {100 * level.last_year:.2f}%" == "94.78% 94.51%"
    assert level.difference == pytest.approx(100 * (9374 / 9890 - 9318 / 9859))
    assert level.better == "higher" and abandoned.better == "lower"
    assert f"{100 * abandoned.this_year:.2f}% {100 * abandoned.last_year:.2f}%" == "1.10% 1.41%"
    assert rows["offered"].better is None and rows["offered"].difference == 0
    assert level.label == "% of calls answered within 21 seconds"


def test_a_bad_definition_names_what_is_wrong():
    with pytest.raises(ValidationError, match="basis: 'fastest' is not a basis"):
        Definition(21, "fastest")
    with pytest.raises(ValidationError, match="threshold: must be between 0 and 3600"):
        Definition(-1)
    assert "A_T / (A + AB - AB_S)" in Definition(20, "exclude-short-abandons", 5).describe()
