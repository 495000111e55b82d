"""The subject access CSV bundle: one file per kind of record, for the person to open.

UTF-8 with a byte order mark (so Excel reads accents right), times in UK
local time, and every text cell a spreadsheet would run as a formula
neutralised (domain/spreadsheet.py); phone numbers we formatted ourselves as
E.164 are kept as they are. Each file is written beside its name and moved
into place only when complete.
"""

from __future__ import annotations

import csv
import os
import re
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..domain.errors import UnusableInput
from ..domain.spreadsheet import Safe, csv_cell
from ..dtos.subject_access import SubjectRecords

CHECK_MENTION = "someone else's record: check before disclosing"
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")


def _phone(value: str | None):
    """A number in E.164 (a '+' and digits only) is safe to leave as it is."""
    return Safe(value) if value and _E164.fullmatch(value) else value


def cell(value) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (tuple, list)):
        value = "; ".join(str(v) for v in value)
    return csv_cell(value)


def _tables(r: SubjectRecords) -> list[tuple[str, Sequence[str], Iterable[Sequence]]]:
    return [
        ("callers.csv", ("caller_id", "name", "phone", "phone_as_given", "email", "address",
                         "postcode", "created_at", "updated_at"),
         ((c.id, c.name, _phone(c.phone), c.phone_as_given, c.email, c.address, c.postcode,
           c.created_at, c.updated_at) for c in r.callers)),
        ("calls.csv", ("call_id", "started_at", "channel", "outcome", "category", "agent",
                       "summary", "cases", "check"),
         ((c.id, c.started_at, c.channel, c.outcome, c.category, c.agent, c.summary, c.cases,
           c.check) for c in r.calls)),
        ("cases.csv", ("reference", "relation", "received_at", "category", "service", "status",
                       "priority", "description", "location", "postcode", "caller", "due_at",
                       "closed_at", "anonymised", "check"),
         ((c.reference, c.relation, c.received_at, c.category, c.service, c.status, c.priority,
           c.description, c.location, c.postcode, c.caller, c.due_at, c.closed_at, c.anonymised,
           c.check) for c in r.cases)),
        ("notes.csv", ("case_reference", "at", "entry", "by", "visibility", "text", "check"),
         ((c.reference, e.at, e.kind, e.by, e.visibility, e.text, e.check)
          for c in r.cases for e in c.entries)),
        ("complaints.csv", ("reference", "received_on", "service", "status", "stage",
                            "complainant_name", "complainant_phone", "complainant_email",
                            "complainant_address", "case_reference", "description",
                            "desired_outcome", "closed_on", "check"),
         ((c.reference, c.received_on, c.service, c.status, c.stage, c.complainant_name,
           _phone(c.complainant_phone), c.complainant_email, c.complainant_address,
           c.case_reference, c.description, c.desired_outcome, c.closed_on, c.check)
          for c in r.complaints)),
        ("mentions.csv", ("record", "reference", "date", "where", "found", "excerpts", "check"),
         ((m.kind, m.reference, m.at, m.places, m.matched, " | ".join(m.excerpts),
           CHECK_MENTION) for m in r.mentions)),
    ] + (_callback_tables(r) if r.callbacks else [])


def _callback_tables(r: SubjectRecords) -> list[tuple[str, Sequence[str], Iterable[Sequence]]]:
    """Written only when the person has callbacks (the PDF counts them either way)."""
    return [
        ("callbacks.csv", ("callback_id", "relation", "requested_at", "requested_by", "phone",
                           "reason", "due_at", "as_soon_as_possible", "status", "closed_at",
                           "case_reference", "call_id", "check"),
         ((c.id, c.relation, c.requested_at, c.requested_by, _phone(c.phone), c.reason, c.due_at,
           c.as_soon_as_possible, c.status, c.closed_at, c.case_reference, c.call_id, c.check)
          for c in r.callbacks)),
        ("callback_attempts.csv", ("callback_id", "at", "by", "outcome", "phone_system_said",
                                   "check"),
         ((c.id, a.at, a.by, a.outcome, a.dial_result, a.check)
          for c in r.callbacks for a in c.attempts)),
    ]


def write_subject_csvs(records: SubjectRecords, folder: Path) -> list[Path]:
    """Write the CSV files into ``folder`` (six, and two more for callbacks when there are
    any); their paths. On failure none is left."""
    written: list[Path] = []
    try:
        for name, columns, rows in _tables(records):
            written.append(_write(Path(folder) / name, columns, rows))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def _write(out: Path, columns: Sequence[str], rows: Iterable[Sequence]) -> Path:
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        # os.open applies the user's umask: these files hold personal data.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([cell(v) for v in row] for row in rows)
        os.replace(temporary, out)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UnusableInput(f"cannot write {out}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return out
