"""Writing rows to CSV or Excel for spreadsheets, chosen by the file's extension.

In both, text a spreadsheet would run as a formula is neutralised. In Excel,
times are real date-times (UK local time) and numbers are numbers; in CSV,
times are ``YYYY-MM-DD HH:MM:SS``. Rows are streamed, and written to a
temporary file beside the output that replaces it only when complete, so a
failed export never leaves half a file or destroys the previous one.
"""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from ..domain.errors import UnusableInput
from ..domain.spreadsheet import Safe, csv_cell, neutralise_formula
from ..domain.working_time import LONDON

FORMATS = (".csv", ".xlsx")


def _excel_cell(value) -> object:
    if isinstance(value, Safe):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(LONDON).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, str):
        return neutralise_formula(value)
    return value


def check_output(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise UnusableInput(f"{out}: choose a file name ending in .csv or .xlsx")
    if not out.parent.is_dir():
        raise UnusableInput(f"cannot write {out}: the folder {out.parent} does not exist")
    return suffix


def write_table(out: Path, columns: Sequence[str], rows: Iterable[Sequence], *,
                sheet: str = "Export") -> int:
    """Write ``rows`` under a header of ``columns``; returns the number of rows."""
    out = Path(out)
    suffix = check_output(out)
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        # os.open applies the user's umask: exports hold personal data.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise UnusableInput(f"cannot write {out}: {exc.strerror or exc}") from None
    try:
        if suffix == ".csv":
            written = _write_csv(descriptor, columns, rows)
        else:
            os.close(descriptor)
            written = _write_xlsx(temporary, columns, rows, sheet)
        os.replace(temporary, out)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UnusableInput(f"cannot write {out}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return written


def _write_csv(descriptor: int, columns, rows) -> int:
    written = 0
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])
            written += 1
    return written


def _write_xlsx(path: Path, columns, rows, sheet: str) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    table = book.create_sheet(sheet[:31])
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(table, value=name)
        cell.font = bold
        header.append(cell)
    table.append(header)
    table.freeze_panes = "A2"
    written = 0
    for row in rows:
        cells = []
        for value in row:
            value = _excel_cell(value)
            cell = WriteOnlyCell(table, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        table.append(cells)
        written += 1
    book.save(path)
    return written
