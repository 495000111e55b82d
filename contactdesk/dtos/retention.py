"""Retention: how long each group's closed cases are kept, and what a run anonymised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Said with every run: complaints keep their complainant's details on their own schedule.
COMPLAINTS_NOT_TOUCHED = "complaints are not touched (they have their own retention rules)"

# What happened to a case's caller when the case was anonymised.
CALLER_ANONYMISED = "anonymised"   # no other live case and no complaint: the caller's row too
CALLER_UNLINKED = "unlinked"       # the caller has other business: the case no longer names them
NO_CALLER = "none"                 # the case had no caller


@dataclass(frozen=True)
class RetentionPeriod:
    code: str
    name: str
    prefix: str
    months: int | None        # None: closed cases are kept indefinitely
    past_retention: int       # closed cases, not yet anonymised, already past the period

    @property
    def period_text(self) -> str:
        if self.months is None:
            return "kept indefinitely"
        return f"{self.months} month{'s' if self.months != 1 else ''}"


@dataclass(frozen=True)
class RetentionCase:
    reference: str
    group_code: str
    closed_on: date           # the London date the case was closed
    months: int               # its group's period
    caller: str               # CALLER_ANONYMISED, CALLER_UNLINKED or NO_CALLER


@dataclass(frozen=True)
class RetentionRun:
    as_of: date
    dry_run: bool
    cases: tuple[RetentionCase, ...]   # oldest closure first; with dry_run, what would be done
    note: str = COMPLAINTS_NOT_TOUCHED

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def anonymised(self) -> int:
        """Cases anonymised by this run (none for a dry run)."""
        return 0 if self.dry_run else len(self.cases)

    def _callers(self, outcome: str) -> int:
        return sum(1 for case in self.cases if case.caller == outcome)

    @property
    def callers_anonymised(self) -> int:
        return self._callers(CALLER_ANONYMISED)

    @property
    def callers_unlinked(self) -> int:
        return self._callers(CALLER_UNLINKED)

    def summary(self) -> str:
        """One sentence saying what was (or would be) done."""
        cases = f"{self.total} closed case{'s' if self.total != 1 else ''} past retention"
        anonymised, unlinked = self.callers_anonymised, self.callers_unlinked
        if self.dry_run:
            return (f"Would anonymise {cases} as of {self.as_of:%Y-%m-%d} (callers: "
                    f"{anonymised} to anonymise, {unlinked} to unlink); {self.note}.")
        return (f"Anonymised {cases} as of {self.as_of:%Y-%m-%d} (callers: {anonymised} "
                f"anonymised, {unlinked} unlinked); {self.note}.")
