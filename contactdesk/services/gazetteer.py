"""The local gazetteer: importing streets and properties, and address look-up.

A gazetteer file has one row per property (UPRN) with its street (USRN);
streets are derived from the rows. Importing again updates what changed and
never duplicates anything, so a council can reload its monthly extract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..csv_input import CsvRow, read_csv_table
from ..domain import limits
from ..domain.permissions import Permission
from ..domain.validation import Findings, check_postcode, clean_text
from ..dtos.catalogue import AddressMatch
from ..dtos.changes import Changed
from ..dtos.imports import ImportReport, RowProblem
from ..persistence.models import Property, Street

COLUMNS = ("uprn", "usrn", "street", "locality", "town", "address", "postcode")
BATCH_SIZE = 500
UPRN_DIGITS = 12  # OS AddressBase: a UPRN has up to 12 digits
USRN_DIGITS = 8  # and a USRN up to 8

_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class _PropertyRow:
    line: int
    uprn: int
    usrn: int
    street: str
    locality: str | None
    town: str
    address: str
    postcode: str

    @property
    def street_details(self) -> tuple[str, str | None, str]:
        return (self.street, self.locality, self.town)


def _identifier(text: str, digits: int, findings: Findings, field_name: str) -> int | None:
    value = text.strip()
    if not value:
        findings.error(field_name, "is required")
        return None
    if not _DIGITS.fullmatch(value):
        findings.error(field_name, f"'{value}' is not a whole number (format the column as "
                                   "text so the spreadsheet keeps every digit)")
        return None
    number = int(value)
    if number <= 0:
        findings.error(field_name, "must be a positive number")
        return None
    if number >= 10**digits:
        findings.error(field_name, f"{number} has more than {digits} digits")
        return None
    return number


def _check_row(row: CsvRow, columns: int) -> _PropertyRow | Findings:
    cells = row.cells
    findings = Findings()
    if row.cell_count > columns:
        findings.error("row", f"has {row.cell_count} cells but the header has {columns} columns")
    uprn = _identifier(cells["uprn"], UPRN_DIGITS, findings, "uprn")
    usrn = _identifier(cells["usrn"], USRN_DIGITS, findings, "usrn")
    street = clean_text(cells["street"], limits.STREET_NAME, findings, "street", required=True)
    locality = clean_text(cells["locality"], limits.LOCALITY, findings, "locality")
    town = clean_text(cells["town"], limits.TOWN, findings, "town", required=True)
    address = clean_text(cells["address"], limits.ADDRESS, findings, "address", required=True)
    postcode = None
    if not cells["postcode"].strip():
        findings.error("postcode", "is required")
    else:
        postcode = check_postcode(cells["postcode"], findings)
    if findings.errors:
        return findings
    return _PropertyRow(row.line, uprn, usrn, street, locality, town, address, postcode)


def _apply_batch(s: Session, rows: list[_PropertyRow]) -> int:
    """Insert or update the batch's streets and properties; the number of rows that changed."""
    streets = {st.usrn: st for st in s.scalars(
        select(Street).where(Street.usrn.in_({r.usrn for r in rows})))}
    changed_lines: set[int] = set()
    for r in rows:
        street = streets.get(r.usrn)
        if street is None:
            streets[r.usrn] = Street(usrn=r.usrn, name=r.street, locality=r.locality, town=r.town)
            s.add(streets[r.usrn])
            changed_lines.add(r.line)
        elif (street.name, street.locality, street.town) != r.street_details:
            street.name, street.locality, street.town = r.street_details
            changed_lines.add(r.line)
    s.flush()  # streets before the properties that refer to them
    properties = {p.uprn: p for p in s.scalars(
        select(Property).where(Property.uprn.in_({r.uprn for r in rows})))}
    for r in rows:
        prop = properties.get(r.uprn)
        if prop is None:
            s.add(Property(uprn=r.uprn, usrn=r.usrn, address=r.address, postcode=r.postcode))
            changed_lines.add(r.line)
        elif (prop.usrn, prop.address, prop.postcode) != (r.usrn, r.address, r.postcode):
            prop.usrn, prop.address, prop.postcode = r.usrn, r.address, r.postcode
            changed_lines.add(r.line)
    return len(changed_lines)


def _write_batch(ctx: ServiceContext, rows: list[_PropertyRow], report: ImportReport) -> None:
    with ctx.uow(write=True) as uow:
        changed = _apply_batch(uow.session, rows)
        uow.commit()
    report.imported += changed
    report.already_present += len(rows) - changed


@operation(Permission.MANAGE_DATA, changes=(Changed.CATALOGUE,))
def import_gazetteer(ctx: ServiceContext, path: Path, *,
                     batch_size: int = BATCH_SIZE) -> ImportReport:
    """Import or refresh the gazetteer from a CSV file.

    Columns: uprn, usrn, street, locality, town, address, postcode. A new USRN
    adds a street, a known one has its name, locality and town updated; a new
    UPRN adds a property, a known one has its address, postcode and street
    updated. ``imported`` counts rows that added or changed something,
    ``already_present`` rows the database already held as they are. Bad rows
    are reported and skipped, as are rows contradicting an earlier row of the
    same file (a UPRN given twice, one USRN with two street names). Raises
    UnusableInput when the file cannot be used at all.
    """
    table = read_csv_table(Path(path), COLUMNS)
    report = ImportReport()
    uprn_lines: dict[int, int] = {}
    streets_seen: dict[int, tuple[tuple[str, str | None, str], int]] = {}
    batch: list[_PropertyRow] = []
    for row in table.rows:
        report.rows_read += 1
        checked = _check_row(row, len(table.columns))
        if isinstance(checked, Findings):
            report.rejected.extend(RowProblem(row.line, i.field, i.message)
                                   for i in checked.errors)
            continue
        first_line = uprn_lines.get(checked.uprn)
        if first_line is not None:
            report.rejected.append(RowProblem(
                row.line, "uprn", f"{checked.uprn} is already on line {first_line}"))
            continue
        earlier = streets_seen.get(checked.usrn)
        if earlier is not None and earlier[0] != checked.street_details:
            (name, locality, town), line = earlier
            where = ", ".join(part for part in (name, locality, town) if part)
            report.rejected.append(RowProblem(
                row.line, "usrn", f"street {checked.usrn} is '{where}' on line {line}, "
                                  "not what this row says"))
            continue
        uprn_lines[checked.uprn] = row.line
        streets_seen.setdefault(checked.usrn, (checked.street_details, row.line))
        batch.append(checked)
        if len(batch) >= batch_size:
            _write_batch(ctx, batch, report)
            batch = []
    if batch:
        _write_batch(ctx, batch, report)
    return report


# -- look-up ----------------------------------------------------------------------

_POSTCODE_START = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]{0,4}")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@operation(Permission.READ_CATALOGUE)
def search_addresses(ctx: ServiceContext, text: str, limit: int = 20) -> list[AddressMatch]:
    """Properties whose postcode starts with ``text`` or whose address has all its words.

    The postcode match ignores spaces and case ("s602" finds S60 2TH); each
    word must appear (any case) in the address, street name or locality.
    Postcode matches come first, then by street and house number.
    """
    words = (text or "").split()
    if not words or limit < 1:
        return []
    word_match = and_(*(
        or_(Property.address.ilike(pattern, escape="\\"),
            Street.name.ilike(pattern, escape="\\"),
            Street.locality.ilike(pattern, escape="\\"))
        for pattern in (f"%{_like_escape(word)}%" for word in words)
    ))
    compact = "".join(words).upper()
    if _POSTCODE_START.fullmatch(compact):
        postcode_match = func.replace(Property.postcode, " ", "").like(f"{compact}%")
        condition = or_(postcode_match, word_match)
        rank = case((postcode_match, 0), else_=1)
    else:
        condition, rank = word_match, literal(1)
    query = (
        select(Property.uprn, Property.usrn, Property.address, Street.name, Street.town,
               Property.postcode)
        .join(Street, Street.usrn == Property.usrn)
        .where(condition)
        # Shorter first among equal starts puts "2 X Road" before "10 X Road".
        .order_by(rank, Street.name, Street.usrn, func.length(Property.address),
                  Property.address, Property.uprn)
        .limit(limit)
    )
    with ctx.uow() as uow:
        return [AddressMatch(*row) for row in uow.session.execute(query)]
