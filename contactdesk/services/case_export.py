"""Export of cases to CSV for spreadsheets.

Rows are streamed from the database (never all in memory) into a temporary
file beside the output, which replaces the output only when complete: a
failed export never leaves half a file or destroys the previous one. Text a
spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import os
import re
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from ..domain.errors import ValidationError
from ..domain.spreadsheet import neutralise_formula
from ..domain.working_time import LONDON
from ..persistence.models import Caller, Case, Category, Service
from ..persistence.uow import UnitOfWork
from .row_report import UnusableInput

COLUMNS = ("reference", "received_at", "category", "service", "status", "caller_name",
           "caller_phone", "address", "postcode", "due_at", "closed_at")
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
FETCH_SIZE = 1000

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in Europe/London, as an aware datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)


def _when(value: datetime | None) -> str:
    return value.astimezone(LONDON).strftime(DATETIME_FORMAT) if value else ""


def _phone(e164: str | None) -> str:
    # E.164 starts with '+', which would be neutralised: a number we formatted
    # ourselves is only digits after it and is safe, anything else is not.
    if e164 and _E164.fullmatch(e164):
        return e164
    return neutralise_formula(e164)


def export_cases(engine: Engine, out: Path, date_from: date | None = None,
                 date_to: date | None = None) -> int:
    """Write the cases received between the two dates (inclusive, London time) to ``out``.

    Returns the number of cases written. Raises UnusableInput when ``out``
    cannot be written.
    """
    out = Path(out)
    if date_from and date_to and date_from > date_to:
        raise ValidationError.single("date_to", f"{date_to} is before {date_from}")
    query = (
        select(Case.reference, Case.received_at, Category.name, Service.name, Case.status,
               Caller.name, Caller.phone_e164, Case.location, Case.postcode, Case.due_at,
               Case.closed_at)
        .join(Category, Category.id == Case.category_id)
        .join(Service, Service.id == Case.service_id)
        .outerjoin(Caller, Caller.id == Case.caller_id)
        .order_by(Case.received_at, Case.reference)
    )
    if date_from:
        query = query.where(Case.received_at >= local_midnight(date_from))
    if date_to:
        query = query.where(Case.received_at < local_midnight(date_to + timedelta(days=1)))

    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        # os.open applies the user's umask: case data is personal data.
        handle = os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666),
                           "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UnusableInput(f"cannot write {out}: {exc.strerror or exc}") from None
    written = 0
    try:
        with handle, UnitOfWork(engine) as uow:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            result = uow.session.execute(query.execution_options(yield_per=FETCH_SIZE))
            for partition in result.partitions():
                writer.writerows(
                    (
                        neutralise_formula(reference), _when(received_at),
                        neutralise_formula(category), neutralise_formula(service),
                        neutralise_formula(status), neutralise_formula(caller_name),
                        _phone(phone), neutralise_formula(address), neutralise_formula(postcode),
                        _when(due_at), _when(closed_at),
                    )
                    for (reference, received_at, category, service, status, caller_name, phone,
                         address, postcode, due_at, closed_at) in partition
                )
                written += len(partition)
        os.replace(temporary, out)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UnusableInput(f"cannot write {out}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return written
