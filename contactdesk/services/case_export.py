"""Export of cases to CSV or Excel for spreadsheets (see ``table_export``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from ..context import ServiceContext, operation
from ..domain.errors import ValidationError
from ..domain.permissions import Permission
from ..domain.working_time import LONDON
from ..persistence.models import Caller, Case, Category, Service
from ..persistence.uow import UnitOfWork
from .access_log import record_export
from .table_export import Safe, check_output, write_table

COLUMNS = ("reference", "received_at", "category", "service", "status", "caller_name",
           "caller_phone", "address", "postcode", "due_at", "closed_at")
FETCH_SIZE = 1000

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in Europe/London, as an aware datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)


def phone_cell(e164: str | None) -> str | None:
    """E.164 starts with '+', which would be neutralised: a number we formatted
    ourselves is only digits after it and is safe, anything else is not."""
    if e164 and _E164.fullmatch(e164):
        return Safe(e164)
    return e164


def check_span(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise ValidationError.single("date_to", f"{date_to} is before {date_from}")


def in_span(column, date_from: date | None, date_to: date | None) -> list:
    where = []
    if date_from:
        where.append(column >= local_midnight(date_from))
    if date_to:
        where.append(column < local_midnight(date_to + timedelta(days=1)))
    return where


def streamed(open_uow: Callable[[], UnitOfWork], query) -> Iterator[tuple]:
    """The rows of ``query`` in batches, read in one unit of work (``ctx.uow``)."""
    with open_uow() as uow:
        result = uow.session.execute(query.execution_options(yield_per=FETCH_SIZE))
        for partition in result.partitions():
            yield from partition


@operation(Permission.EXPORT_DATA)
def export_cases(ctx: ServiceContext, out: Path, date_from: date | None = None,
                 date_to: date | None = None) -> int:
    """Write the cases received between the two dates (inclusive, London time) to ``out``.

    ``out`` ends in .csv or .xlsx. Returns the number of cases written. Raises
    UnusableInput when ``out`` cannot be written.
    """
    out = Path(out)
    check_span(date_from, date_to)
    check_output(out)
    query = (
        select(Case.reference, Case.received_at, Category.name, Service.name, Case.status,
               Caller.name, Caller.phone_e164, Case.location, Case.postcode, Case.due_at,
               Case.closed_at)
        .join(Category, Category.id == Case.category_id)
        .join(Service, Service.id == Case.service_id)
        .outerjoin(Caller, Caller.id == Case.caller_id)
        .where(*in_span(Case.received_at, date_from, date_to))
        .order_by(Case.received_at, Case.reference)
    )
    rows = ((ref, received, category, service, status, name, phone_cell(phone), address,
             postcode, due, closed)
            for ref, received, category, service, status, name, phone, address, postcode, due,
            closed in streamed(ctx.uow, query))
    written = write_table(out, COLUMNS, rows, sheet="Cases")
    record_export(ctx, "cases_export", out, f"{written} cases, {date_from or 'start'} to "
                  f"{date_to or 'today'}")
    return written
