"""Bulk import of cases exported from a spreadsheet (CSV).

Every row is checked with the same rules as the call form; a bad row is
reported (line, field, message) and skipped, good rows are imported. Rows are
written in batches, each batch one short transaction, so a large file is not
one giant transaction and several imports can run against one PostgreSQL
database at once.

Importing is idempotent: each case's idempotency key is the SHA-256 of the
row's normalised content, so importing the same file again (or a file that
repeats a row) adds nothing; such rows are counted as ``already_present``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..context import ServiceContext, operation
from ..csv_input import CsvRow, read_csv_table
from ..domain import limits
from ..domain.case_status import CaseStatus
from ..domain.errors import FieldIssue, ValidationError
from ..domain.permissions import Permission
from ..domain.validation import Findings, Phone, check_postcode, clean_text, parse_phone
from ..domain.working_time import LONDON
from ..dtos.changes import Changed
from ..dtos.imports import ImportReport, RowProblem
from ..persistence.models import Case, Category, Property
from . import callers, catalogue
from .calls import create_case

__all__ = [
    "BATCH_SIZE",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "import_cases",
    "parse_received_at",
    "parse_status",
]

REQUIRED_COLUMNS = ("received_at", "category", "description", "caller_name", "caller_phone",
                    "address", "postcode", "status")
OPTIONAL_COLUMNS = ("service",)
# Rows per transaction: small enough to keep locks short, big enough to be quick.
BATCH_SIZE = 200
# A batch that loses a race (deadlock, a concurrent import of the same rows) is retried.
MAX_ATTEMPTS = 10


# -- checking one row -----------------------------------------------------------


_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?"
_UK_DATE = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})" + _TIME)
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME
                       + r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?")
DATE_FORMS = "2026-11-20 14:03, 2026-11-20T14:03 or 20/11/2026 14:03"


def parse_received_at(text: str) -> datetime:
    """A date and time as spreadsheets write it, as an aware UTC datetime.

    ISO (``2026-11-20 14:03[:ss]``, ``2026-11-20T14:03``) and UK
    (``20/11/2026 14:03``) forms; a date alone means midnight. Times without
    an offset are Europe/London local time. Raises ValueError otherwise.
    """
    text = text.strip()
    match = _UK_DATE.fullmatch(text) or _ISO_DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date and time")
    hour, minute, second = (int(part or 0) for part in match.groups()[3:6])
    value = datetime(int(match["y"]), int(match["m"]), int(match["d"]), hour, minute, second)
    zone = match.groupdict().get("zone")
    if zone:
        value = datetime.fromisoformat(f"{value.isoformat()}{'+00:00' if zone == 'Z' else zone}")
    else:
        value = value.replace(tzinfo=LONDON)
    return value.astimezone(UTC)


def parse_status(text: str) -> CaseStatus:
    """A status by value (``in_progress``) or label (``In progress``); ValueError otherwise."""
    return CaseStatus(re.sub(r"[\s\-]+", "_", text.strip().lower()))


@dataclass(frozen=True)
class _CategoryRef:
    id: int
    code: str
    name: str
    prefix: str
    location_required: bool
    default_service_code: str


class _Catalogue:
    """Category and service lookups, each distinct text looked up once per import."""

    def __init__(self, ctx: ServiceContext):
        self._ctx = ctx
        self._categories: dict[str, _CategoryRef | str] = {}
        self._services: dict[str, str | FieldIssue] = {}

    def category(self, text: str) -> _CategoryRef | str:
        """The category, or the message saying why the text names none."""
        key = text.strip().lower()
        if key not in self._categories:
            with self._ctx.uow() as uow:
                try:
                    found = catalogue.find_category(uow.session, text)
                except ValidationError as exc:
                    self._categories[key] = exc.issues[0].message
                else:
                    self._categories[key] = _CategoryRef(
                        found.id, found.code, found.name, found.group.prefix,
                        found.location_required, found.default_service.code)
        return self._categories[key]

    def service(self, text: str) -> str | FieldIssue:
        """The service's code, or the issue saying why the text names none."""
        key = text.strip().lower()
        if key not in self._services:
            with self._ctx.uow() as uow:
                try:
                    self._services[key] = catalogue.find_service(uow.session, text).code
                except ValidationError as exc:
                    self._services[key] = exc.issues[0]
        return self._services[key]


@dataclass(frozen=True)
class _CaseRow:
    line: int
    key: str
    received_at: datetime
    category: _CategoryRef
    service: str | None  # the service text from the file, None when blank or absent
    status: CaseStatus
    description: str
    caller_name: str | None
    phone: Phone | None
    address: str | None
    postcode: str | None
    warnings: tuple[FieldIssue, ...]


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def _fingerprint(received_at: datetime, category: _CategoryRef, service_code: str,
                 status: CaseStatus, description: str, caller_name: str | None,
                 phone: Phone | None, address: str | None, postcode: str | None) -> str:
    content = [
        "contactdesk-case-import-v1",
        received_at.astimezone(UTC).isoformat(),
        category.code,
        service_code,
        status.value,
        _squash(description),
        _squash(caller_name),
        phone.e164 if phone else "",
        _squash(address),
        postcode or "",
    ]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def _check_row(row: CsvRow, columns: int, lookup: _Catalogue,
               now: datetime) -> _CaseRow | Findings:
    """The row ready to import, or the findings that refuse it (every bad field)."""
    cells = row.cells
    findings = Findings()
    if row.cell_count > columns:
        findings.error("row", f"has {row.cell_count} cells but the header has {columns} columns")

    received_at = None
    received_text = cells["received_at"].strip()
    if not received_text:
        findings.error("received_at", "is required")
    else:
        try:
            received_at = parse_received_at(received_text)
        except ValueError:
            findings.error("received_at", f"'{received_text}' is not a date and time "
                                          f"(use {DATE_FORMS})")
        else:
            if received_at > now:
                findings.error("received_at", f"'{received_text}' is in the future")

    category = None
    if not cells["category"].strip():
        findings.error("category", "is required")
    else:
        found = lookup.category(cells["category"])
        if isinstance(found, str):
            findings.error("category", found)
        else:
            category = found

    service_text = cells.get("service", "").strip() or None
    service_code = None
    if service_text:
        found_service = lookup.service(service_text)
        if isinstance(found_service, FieldIssue):
            findings.error("service", found_service.message)
        else:
            service_code = found_service

    description = clean_text(cells["description"], limits.DESCRIPTION, findings, "description",
                             required=True)
    caller_name = clean_text(cells["caller_name"], limits.PERSON_NAME, findings, "caller_name")
    phone = parse_phone(cells["caller_phone"], findings, "caller_phone")
    address = clean_text(cells["address"], limits.ADDRESS, findings, "address")
    postcode = check_postcode(cells["postcode"], findings)

    status = None
    status_text = cells["status"].strip()
    if not status_text:
        findings.error("status", "is required")
    else:
        try:
            status = parse_status(status_text)
        except ValueError:
            names = ", ".join(s.label for s in CaseStatus)
            findings.error("status", f"'{status_text}' is not a case status (one of: {names})")

    if (category is not None and category.location_required and not address and not postcode
            and not any(i.field in ("address", "postcode") for i in findings.errors)):
        findings.error("address", f"{category.name} needs a location (an address or a postcode)")

    if findings.errors:
        return findings
    key = _fingerprint(received_at, category, service_code or category.default_service_code,
                       status, description, caller_name, phone, address, postcode)
    return _CaseRow(row.line, key, received_at, category, service_text, status, description,
                    caller_name, phone, address, postcode, tuple(findings.warnings))


# -- writing ---------------------------------------------------------------------


@dataclass(frozen=True)
class _BatchResult:
    imported: list[_CaseRow]
    already_present: int
    known_postcodes: set[str]


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, StaleDataError):
        return True  # a caller row updated by another import since we read it
    original = getattr(exc, "orig", None)
    if getattr(original, "sqlstate", None) in ("40P01", "40001"):  # deadlock, serialization
        return True
    if isinstance(exc, IntegrityError) and "idempotency_key" in str(original):
        return True  # someone imported the same rows at the same moment
    return "database is locked" in str(original)


def _write_batch(ctx: ServiceContext, rows: list[_CaseRow], reason: str) -> _BatchResult:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with ctx.uow(write=True) as uow:
                result = _insert_batch(uow.session, rows, ctx.actor.user_id, reason, ctx.now())
                uow.commit()
                return result
        except (DBAPIError, StaleDataError) as exc:
            if attempt == MAX_ATTEMPTS or not _retryable(exc):
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def _insert_batch(s: Session, rows: list[_CaseRow], user_id: int | None, reason: str,
                  now: datetime) -> _BatchResult:
    keys = [r.key for r in rows]
    present = set(s.scalars(select(Case.idempotency_key).where(Case.idempotency_key.in_(keys))))
    todo = [r for r in rows if r.key not in present]
    postcodes = {r.postcode for r in todo if r.postcode}
    known = set(s.scalars(
        select(Property.postcode).where(Property.postcode.in_(postcodes)).distinct()
    )) if postcodes else set()
    # Take the reference counters in one order (by prefix) in every transaction, so
    # concurrent imports queue for them instead of deadlocking.
    todo.sort(key=lambda r: (r.category.prefix, r.line))
    categories: dict[int, Category] = {}
    for r in todo:
        category = categories.get(r.category.id)
        if category is None:
            category = categories[r.category.id] = s.get(Category, r.category.id)
        caller = callers.match_or_create(s, r.phone, r.caller_name, None, r.address, r.postcode,
                                         None, now=now)
        service, routing_reason = catalogue.route(s, category, r.service, reason)
        create_case(
            s, category=category, service_id=service.id, routing_reason=routing_reason,
            description=r.description, location=r.address, postcode=r.postcode, usrn=None,
            uprn=None, caller_id=caller.id if caller else None, received_at=r.received_at,
            priority="normal", user_id=user_id, idempotency_key=r.key, now=now,
            status=r.status,
        )
    todo.sort(key=lambda r: r.line)
    return _BatchResult(todo, len(rows) - len(todo), known)


def _record(report: ImportReport, result: _BatchResult) -> None:
    report.imported += len(result.imported)
    report.already_present += result.already_present
    for r in result.imported:
        report.warnings.extend(RowProblem(r.line, w.field, w.message) for w in r.warnings)
        if r.postcode and r.postcode not in result.known_postcodes:
            findings = Findings()
            check_postcode(r.postcode, findings, known=False)
            report.warnings.extend(RowProblem(r.line, w.field, w.message)
                                   for w in findings.warnings)


@operation(Permission.IMPORT_CASES, changes=(Changed.CASES, Changed.CALLS,))
def import_cases(ctx: ServiceContext, path: Path, *,
                 batch_size: int = BATCH_SIZE) -> ImportReport:
    """Import the cases in the CSV file at ``path``; see the module docstring.

    Raises UnusableInput when the file cannot be used at all (unreadable, not
    CSV, a required column missing); row problems go into the report.
    """
    path = Path(path)
    table = read_csv_table(path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    reason = f"imported from {path.name}"[: limits.REASON]
    report = ImportReport()
    lookup = _Catalogue(ctx)
    now = ctx.now()
    seen: set[str] = set()
    batch: list[_CaseRow] = []
    for row in table.rows:
        report.rows_read += 1
        checked = _check_row(row, len(table.columns), lookup, now)
        if isinstance(checked, Findings):
            report.rejected.extend(RowProblem(row.line, i.field, i.message)
                                   for i in checked.errors)
            continue
        if checked.key in seen:  # the same row earlier in this file
            report.already_present += 1
            continue
        seen.add(checked.key)
        batch.append(checked)
        if len(batch) >= batch_size:
            _record(report, _write_batch(ctx, batch, reason))
            batch = []
    if batch:
        _record(report, _write_batch(ctx, batch, reason))
    report.warnings.sort(key=lambda p: p.line)
    return report
