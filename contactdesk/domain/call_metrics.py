"""Call-handling figures by named definitions: service level, abandon rate, ASA.

There is no single industry definition of service level, so each report names
the one it used. The database sums raw counts (``CallCounts``); the rates are
worked out here from the sums, never by averaging percentages.

Notation per queue attempt: O offered, A answered, AB abandoned, A_T answered
with wait <= T, AB_T abandoned with wait <= T, AB_S abandoned with wait < S.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum

from .errors import ValidationError


class Basis(StrEnum):
    ANSWERED = "answered"
    OFFERED = "offered"
    ANSWERED_ABANDONED = "answered+abandoned"
    EXCLUDE_SHORT_ABANDONS = "exclude-short-abandons"
    EXCLUDE_ABANDONS_WITHIN = "exclude-abandons-within-threshold"
    INCLUDE_ABANDONS_WITHIN = "include-abandons-within-threshold"


BASIS_FORMULAS = {
    Basis.ANSWERED: "A_T / A",
    Basis.OFFERED: "A_T / O",
    Basis.ANSWERED_ABANDONED: "A_T / (A + AB)",
    Basis.EXCLUDE_SHORT_ABANDONS: "A_T / (A + AB - AB_S)",
    Basis.EXCLUDE_ABANDONS_WITHIN: "A_T / (A + AB - AB_T)",
    Basis.INCLUDE_ABANDONS_WITHIN: "(A_T + AB_T) / (A + AB)",
}


@dataclass(frozen=True)
class Definition:
    """Which calls count as answered in time, and which abandons are ignored."""

    threshold_seconds: float = 21
    basis: Basis = Basis.ANSWERED
    short_abandon_seconds: float = 0

    def __post_init__(self) -> None:
        if not 0 <= self.threshold_seconds <= 3600:
            raise ValidationError.single("threshold", "must be between 0 and 3600 seconds")
        if not 0 <= self.short_abandon_seconds <= 3600:
            raise ValidationError.single("short_abandon", "must be between 0 and 3600 seconds")
        try:
            object.__setattr__(self, "basis", Basis(self.basis))
        except ValueError:
            names = ", ".join(b.value for b in Basis)
            raise ValidationError.single("basis", f"'{self.basis}' is not a basis (one of: {names})") from None

    def describe(self) -> str:
        """One line for the foot of a report or the dashboard."""
        text = (f"Service level = {BASIS_FORMULAS[self.basis]} (basis '{self.basis}'), "
                f"T = {_number(self.threshold_seconds)} s, a wait of exactly T counts as within; "
                "abandon rate = AB / O")
        if self.short_abandon_seconds > 0:
            text += (f", excluding short abandons (wait < {_number(self.short_abandon_seconds)} s): "
                     "(AB - AB_S) / (O - AB_S)")
        return text + "; ASA = mean wait of answered calls, queue entry to answer."


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class CallCounts:
    """Sums over queue attempts, as the database returns them."""

    offered: int = 0
    answered: int = 0
    answered_within: int = 0
    abandoned: int = 0
    abandoned_within: int = 0
    short_abandoned: int = 0
    timed_out: int = 0
    other_exits: int = 0
    unresolved: int = 0
    answered_wait_total: float = 0
    answered_wait_count: int = 0  # answered calls whose wait is known
    abandon_wait_total: float = 0
    abandon_wait_count: int = 0
    longest_wait: float | None = None
    talk_total: float = 0
    talk_count: int = 0

    def __add__(self, other: CallCounts) -> CallCounts:
        values = {}
        for key, mine in asdict(self).items():
            theirs = getattr(other, key)
            if key == "longest_wait":
                values[key] = max((v for v in (mine, theirs) if v is not None), default=None)
            else:
                values[key] = mine + theirs
        return CallCounts(**values)


def _ratio(top: float, bottom: float) -> float | None:
    return top / bottom if bottom > 0 else None


def service_level(c: CallCounts, basis: Basis) -> float | None:
    a, ab = c.answered, c.abandoned
    match Basis(basis):
        case Basis.ANSWERED:
            return _ratio(c.answered_within, a)
        case Basis.OFFERED:
            return _ratio(c.answered_within, c.offered)
        case Basis.ANSWERED_ABANDONED:
            return _ratio(c.answered_within, a + ab)
        case Basis.EXCLUDE_SHORT_ABANDONS:
            return _ratio(c.answered_within, a + ab - c.short_abandoned)
        case Basis.EXCLUDE_ABANDONS_WITHIN:
            return _ratio(c.answered_within, a + ab - c.abandoned_within)
        case Basis.INCLUDE_ABANDONS_WITHIN:
            return _ratio(c.answered_within + c.abandoned_within, a + ab)


def abandon_rate(c: CallCounts, short_abandon_seconds: float) -> float | None:
    if short_abandon_seconds > 0:
        return _ratio(c.abandoned - c.short_abandoned, c.offered - c.short_abandoned)
    return _ratio(c.abandoned, c.offered)


@dataclass(frozen=True)
class CallFigures:
    """The figures of one span (and group), keyed as ``contactdesk stats --json`` prints them."""

    date_from: date
    date_to: date
    definition: Definition
    counts: CallCounts

    @property
    def service_level(self) -> float | None:
        return service_level(self.counts, self.definition.basis)

    @property
    def abandon_rate(self) -> float | None:
        return abandon_rate(self.counts, self.definition.short_abandon_seconds)

    @property
    def asa_seconds(self) -> float | None:
        return _ratio(self.counts.answered_wait_total, self.counts.answered_wait_count)

    @property
    def average_abandon_seconds(self) -> float | None:
        return _ratio(self.counts.abandon_wait_total, self.counts.abandon_wait_count)

    @property
    def average_talk_seconds(self) -> float | None:
        return _ratio(self.counts.talk_total, self.counts.talk_count)

    def as_dict(self) -> dict:
        c, d = self.counts, self.definition
        return {
            "from": self.date_from.isoformat(), "to": self.date_to.isoformat(),
            "threshold_seconds": d.threshold_seconds, "basis": d.basis.value,
            "short_abandon_seconds": d.short_abandon_seconds,
            "offered": c.offered, "answered": c.answered,
            "answered_within_threshold": c.answered_within, "abandoned": c.abandoned,
            "abandoned_within_threshold": c.abandoned_within,
            "short_abandoned": c.short_abandoned, "timed_out": c.timed_out,
            "other_exits": c.other_exits, "unresolved": c.unresolved,
            "service_level": self.service_level, "abandon_rate": self.abandon_rate,
            "asa_seconds": self.asa_seconds,
            "average_abandon_seconds": self.average_abandon_seconds,
            "longest_wait_seconds": c.longest_wait,
            "average_talk_seconds": self.average_talk_seconds,
        }


# --- Year to date ---------------------------------------------------------

def financial_year_start(day: date) -> date:
    """1 April of the UK financial year ``day`` falls in."""
    return date(day.year if day >= date(day.year, 4, 1) else day.year - 1, 4, 1)


def year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def ytd_spans(as_of: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """(this year's span, the same span a year earlier), both inclusive."""
    start = financial_year_start(as_of)
    return (start, as_of), (year_earlier(start), year_earlier(as_of))


@dataclass(frozen=True)
class Comparison:
    key: str
    label: str
    this_year: float | None
    last_year: float | None
    better: str | None  # "higher", "lower", or None where neither is better
    percentage: bool  # a rate (difference in percentage points) rather than a count or seconds

    @property
    def difference(self) -> float | None:
        """Percentage points for rates (from unrounded values), plain units otherwise."""
        if self.this_year is None or self.last_year is None:
            return None
        scale = 100 if self.percentage else 1
        return (self.this_year - self.last_year) * scale

    def as_dict(self) -> dict:
        return {"figure": self.key, "label": self.label, "this_year": self.this_year,
                "last_year": self.last_year, "difference": self.difference,
                "difference_unit": "percentage points" if self.percentage else (
                    "seconds" if self.key.endswith("_seconds") else "calls"),
                "better": self.better}


def compare(this: CallFigures, last: CallFigures) -> list[Comparison]:
    threshold = _number(this.definition.threshold_seconds)
    rows = [
        ("service_level", f"% of calls answered within {threshold} seconds", "higher", True),
        ("abandon_rate", "% of calls abandoned", "lower", True),
        ("asa_seconds", "Average speed of answer (seconds)", "lower", False),
        ("longest_wait_seconds", "Longest wait (seconds)", "lower", False),
        ("offered", "Calls offered", None, False),
        ("answered", "Calls answered", None, False),
        ("abandoned", "Calls abandoned", None, False),
        ("average_talk_seconds", "Average talk time (seconds)", None, False),
    ]
    mine, theirs = this.as_dict(), last.as_dict()
    return [Comparison(key, label, mine[key], theirs[key], better, pct)
            for key, label, better, pct in rows]
