"""Finding cases: filters and free-text search returning ordered ids, rows loaded by page.

Placeholder signatures; the implementation follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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


@dataclass(frozen=True)
class CaseRow:
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


@dataclass(frozen=True)
class CaseCursor:
    """Where the next page starts: the sort value and id of the last row shown (keyset paging)."""

    sort_value: object
    id: int


@dataclass(frozen=True)
class CasePage:
    rows: tuple[CaseRow, ...]
    next: CaseCursor | None  # None: no more rows


def search_cases(engine, query: CaseQuery, after: CaseCursor | None = None,
                 limit: int = 200) -> CasePage:
    raise NotImplementedError
