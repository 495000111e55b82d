"""Cases as the front ends see them: summaries, the full record, and pages of the case list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True)
class CaseSummary:
    id: int
    reference: str
    status: str
    category: str
    service: str
    received_at: datetime
    due_at: datetime | None
    location: str | None
    postcode: str | None
    version: int


@dataclass(frozen=True)
class NoteInfo:
    id: int
    author: str | None
    visibility: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: str | None
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class HoldInfo:
    """The case is waiting for the caller: its clock stopped at ``started_at``."""

    started_at: datetime
    reason: str
    started_by: str | None
    due_before: datetime | None  # the due time when the hold began


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    description: str
    priority: str
    caller_name: str | None
    caller_phone: str | None
    duplicate_of: str | None
    closed_at: datetime | None
    allowed_statuses: tuple[str, ...]
    notes: tuple[NoteInfo, ...]
    calls: tuple[tuple[int, datetime, str], ...]
    history: tuple[HistoryEntry, ...]
    hold: HoldInfo | None = None  # set while the case waits for the caller


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""  # reference, phone (any format), caller name, street or postcode
    statuses: tuple[str, ...] = ()  # empty: any
    service_id: int | None = None
    category_id: int | None = None
    overdue_only: bool = False
    mine_user_id: int | None = None  # cases created or last updated by this user
    sort: str = "received_at"  # reference, received_at, due_at, status, category, service
    descending: bool = True


class CaseRow(NamedTuple):
    """One line of the case list. A named tuple, not a dataclass: a page builds two
    hundred of these, and a tuple is the cheapest immutable row to make."""

    id: int
    reference: str
    received_at: datetime
    status: str
    category: str
    service: str
    caller_name: str | None
    location: str | None
    postcode: str | None
    due_at: datetime | None
    overdue: bool
    caller_phone: str | None = None  # E.164


@dataclass(frozen=True)
class CaseCursor:
    """Where the next page starts: the sort value and id of the last row shown (keyset paging).

    The sort value is that row's value of the sort column, except: for the
    category and service sorts it is the (name, id) of its category or service,
    so two of the same name still page correctly; in the due-time sort it is
    None once the list has reached the cases without a due time.
    """

    sort_value: object
    id: int


@dataclass(frozen=True)
class CasePage:
    rows: tuple[CaseRow, ...]
    next: CaseCursor | None  # None: no more rows
