"""The call-to-case ledger's figures: each answered queue attempt joined to what the agent did.

Plain values for the dashboard and the reports; the joining happens in
``services/call_ledger.py``. Every figure has a definition here, printed
wherever the figure is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..domain.call_metrics import Comparison

TOLERANCE_SECONDS = 120  # how far outside an attempt's answer..end a call may start and match
NOTHING_LOGGED_TARGET = 0.02  # answered calls with nothing logged: the target is under 2%

EXACT, BY_TIME = "exact", "time"
# What the agent did with a linked call, in the order the ledger lists it.
ACTIONS = ("case_created", "chaser", "repeat", "resolved_first_contact", "information_given",
           "transferred")
ACTION_LABELS = {
    "case_created": "Case created",
    "chaser": "Chaser (own open case)",
    "repeat": "Repeat contact (another caller's case)",
    "resolved_first_contact": "Resolved at first contact",
    "information_given": "Information given",
    "transferred": "Transferred",
}

DEFINITIONS = {
    "answered": "Answered calls: queue attempts the telephony feed records as answered, by the "
                "UK day the caller joined the queue, on days when calls were logged in ContactDesk.",
    "exact": "Linked exactly: the call logged for the attempt carries its queue call id "
             "(screen pop).",
    "by_time": "Matched by time: a call logged without a queue call id by the attempt's agent "
               "(the person whose device or username is the queue member), starting within the "
               f"attempt's answer to end, or nearest to it within {TOLERANCE_SECONDS} s; each call "
               "and attempt used once, nearest first.",
    "nothing_logged": "Nothing logged: answered calls linked to no logged call, as a share of "
                      f"answered calls (target under {NOTHING_LOGGED_TARGET:.0%}).",
    "first_contact_resolution": "First-contact resolution: linked calls whose outcome is "
                                "resolved at first contact, as a share of linked calls.",
    "avoidable_contact": "Avoidable contact: chasers (the caller asking about their own open "
                         "case) and repeat contacts (another caller reporting a case already "
                         "open) as a share of linked calls.",
    "per_case": "Calls and minutes per case: linked calls that created or were added to a case, "
                "and their talk time from the queue attempts, divided by the distinct cases they "
                "touched; a call counts under its case's category and service (a call without "
                "a case under its own category and that category's service).",
}


@dataclass(frozen=True)
class LedgerGroup:
    """Linked calls of one category or service."""

    name: str
    calls: int = 0  # linked calls
    talk_seconds: int = 0  # their talk time
    cases: int = 0  # distinct cases they created or were added to
    case_calls: int = 0  # of the calls, those that touched a case
    case_talk_seconds: int = 0

    @property
    def calls_per_case(self) -> float | None:
        return self.case_calls / self.cases if self.cases else None

    @property
    def minutes_per_case(self) -> float | None:
        return self.case_talk_seconds / 60 / self.cases if self.cases else None


@dataclass(frozen=True)
class LedgerFigures:
    date_from: date
    date_to: date
    answered: int = 0
    exact: int = 0
    by_time: int = 0
    actions: tuple[tuple[str, int], ...] = ()  # (ACTIONS key, linked calls)
    talk_seconds: int = 0  # of the linked calls
    total: LedgerGroup = field(default_factory=lambda: LedgerGroup("All"))
    by_category: tuple[LedgerGroup, ...] = ()
    by_service: tuple[LedgerGroup, ...] = ()
    days_without_calls: int = 0  # days with answered attempts but no call logged: left out
    has_feed: bool = False  # any queue attempt (any outcome) in the period

    @property
    def linked(self) -> int:
        return self.exact + self.by_time

    @property
    def nothing_logged(self) -> int:
        return self.answered - self.linked

    def action(self, key: str) -> int:
        return dict(self.actions).get(key, 0)

    def _share(self, part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def nothing_logged_share(self) -> float | None:
        return self._share(self.nothing_logged, self.answered)

    @property
    def by_time_share(self) -> float | None:
        return self._share(self.by_time, self.answered)

    @property
    def first_contact_resolution(self) -> float | None:
        return self._share(self.action("resolved_first_contact"), self.linked)

    @property
    def avoidable_contact(self) -> float | None:
        return self._share(self.action("chaser") + self.action("repeat"), self.linked)

    @property
    def over_target(self) -> bool:
        share = self.nothing_logged_share
        return share is not None and share >= NOTHING_LOGGED_TARGET

    def gap(self, key: str = "answered", when: str = "for this period") -> str | None:
        """Why figure ``key`` has no data behind it ("no data", never a false 0%), or None."""
        if not self.answered:
            if not self.has_feed:
                return f"no telephony feed imported {when}: import the queue_log"
            if self.days_without_calls:
                return f"no calls were logged in ContactDesk {when}"
            return f"no answered calls in the telephony feed {when}"
        if key in ("first_contact_resolution", "avoidable_contact") and not self.linked:
            return f"no answered call was linked to a logged call {when}"
        return None


# (key, label, better, percentage) of each figure compared with a year earlier.
COMPARED = (
    ("answered", "Answered calls in the ledger", None, False),
    ("nothing_logged_share", "% of answered calls with nothing logged", "lower", True),
    ("by_time_share", "% of answered calls matched by time (no screen pop)", "lower", True),
    ("first_contact_resolution", "% first-contact resolution", "higher", True),
    ("avoidable_contact", "% avoidable contact (chasers and repeats)", "lower", True),
    ("calls_per_case", "Calls per case", "lower", False),
    ("minutes_per_case", "Agent minutes per case", None, False),
)


@dataclass(frozen=True)
class LedgerComparison:
    this_year: LedgerFigures
    last_year: LedgerFigures

    @property
    def comparisons(self) -> tuple[Comparison, ...]:
        return tuple(Comparison(key, label, _value(self.this_year, key),
                                _value(self.last_year, key), better, percentage)
                     for key, label, better, percentage in COMPARED)

    def gap(self, key: str, year: LedgerFigures) -> str | None:
        """Why ``key`` has no data in ``year`` (this year's or last year's figures), or None."""
        base = "first_contact_resolution" if key in ("avoidable_contact", "calls_per_case",
                                                       "minutes_per_case") else key
        return year.gap(base, "for this period" if year is self.this_year
                        else "in the same period a year earlier")


def _value(figures: LedgerFigures, key: str) -> float | None:
    if key in ("calls_per_case", "minutes_per_case"):
        return getattr(figures.total, key)
    return getattr(figures, key)
