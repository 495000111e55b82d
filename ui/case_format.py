"""How case values read on screen: UK local times, status labels, national phone numbers.

Display only: no rules here beyond what the core already defines (which statuses are open).
"""

from __future__ import annotations

from datetime import UTC, datetime

from contactdesk.domain.case_status import CaseStatus
from contactdesk.domain.validation import Findings, parse_phone
from contactdesk.domain.working_time import LONDON

DATETIME_FORMAT = "%d/%m/%Y %H:%M"
# The widest a formatted time gets, for sizing columns.
DATETIME_SAMPLE = "30/12/2026 23:59"

NOTE_VISIBILITY_LABELS = {"internal": "Internal", "caller": "Caller-facing"}
CALL_LINK_LABELS = {"created": "call that opened the case", "added": "another caller about the same problem"}


def local_time(value: datetime | None) -> str:
    """``dd/mm/yyyy HH:MM`` in Europe/London; blank for no value."""
    if value is None:
        return ""
    if value.tzinfo is None:  # the core always returns aware UTC; be safe with anything else
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON).strftime(DATETIME_FORMAT)


def short_time(moment: datetime | None) -> str:
    """Short UK local date and time for lists: the year only when it is not this year."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    this_year = local.year == datetime.now(LONDON).year
    return local.strftime("%a %d %b %H:%M" if this_year else "%d %b %Y %H:%M")


def status_label(value: str | None) -> str:
    if not value:
        return ""
    try:
        return CaseStatus(value).label
    except ValueError:
        return value


def is_open(status: str) -> bool:
    try:
        return CaseStatus(status).is_open
    except ValueError:
        return False


def is_overdue(status: str, due_at: datetime | None, now: datetime | None = None) -> bool:
    """An open case past its due time (the case list gets this from the search instead)."""
    if due_at is None or not is_open(status):
        return False
    return due_at < (now or datetime.now(UTC))


def phone_display(e164: str | None) -> str:
    """A UK number in national format (01709 336003), anything else as stored (E.164)."""
    if not e164 or not e164.startswith("+44"):
        return e164 or ""
    phone = parse_phone(e164, Findings())
    return phone.national if phone is not None else e164
