"""How figures read in reports and on screen: percentages with two decimals, seconds, counts."""

from __future__ import annotations


def percent(value: float | None) -> str:
    """0.9478 -> "94.78%"; no value -> an en dash."""
    return "–" if value is None else f"{100 * value:.2f}%"


def points(value: float | None) -> str:
    """A difference in percentage points, signed: "+0.27 pts"."""
    return "–" if value is None else f"{value:+.2f} pts"


def seconds(value: float | None) -> str:
    """19.2 -> "19.2 s"; 245 -> "4 min 05 s"."""
    if value is None:
        return "–"
    if value < 60:
        return f"{value:.1f} s"
    minutes, rest = divmod(round(value), 60)
    return f"{minutes} min {rest:02d} s"


def count(value: int | float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
