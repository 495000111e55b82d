"""Reading a CSV file for import: encoding, header checks and rows with line numbers.

Shared by every importer so each refuses a broken or foreign file the same
way, before anything is written, and reports rows by their physical line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .domain.errors import UnusableInput


@dataclass(frozen=True)
class CsvRow:
    line: int  # physical line the row starts on; the header is line 1
    cells: dict[str, str]  # known column -> cell text ("" when the row is short)
    cell_count: int


@dataclass(frozen=True)
class CsvTable:
    path: Path
    columns: tuple[str, ...]  # normalised header names, in file order
    rows: Iterable[CsvRow]  # lazily parsed, blank rows left out


_NOT_CSV_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook or other zip file"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel (.xls) or Office file"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)


def _header_name(cell: str) -> str:
    return re.sub(r"\s+", "_", cell.strip().lower())


def read_csv_table(path: Path, required: Sequence[str],
                   optional: Sequence[str] = ()) -> CsvTable:
    """Open a CSV file for import, or raise UnusableInput saying why it cannot be used.

    UTF-8 (with or without BOM) is tried first, then Windows-1252 (what older
    Excel versions save). Header names are trimmed and case-insensitive.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnusableInput(f"cannot read {path}: {exc.strerror or exc}") from None
    if not data.strip():
        raise UnusableInput(f"{path} is empty: expected a CSV file with a header row")
    for signature, what in _NOT_CSV_SIGNATURES:
        if data.startswith(signature):
            raise UnusableInput(f"{path} is {what}, not a CSV file: save it as CSV (UTF-8)")
    if b"\x00" in data:
        raise UnusableInput(f"{path} is not a CSV file: it contains binary data")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UnusableInput(
                f"{path} is not a text CSV file (neither UTF-8 nor Windows-1252)") from None
    del data

    # First pass: find the header and make sure the whole file parses as CSV,
    # so a broken file is refused before anything is written.
    header: list[str] | None = None
    header_line = 0
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        for record in reader:
            if header is None and any(cell.strip() for cell in record):
                header, header_line = record, reader.line_num
    except csv.Error as exc:
        raise UnusableInput(f"{path}: line {reader.line_num} is not valid CSV: {exc}") from None
    if header is None:
        raise UnusableInput(f"{path} has no header row")

    columns = tuple(_header_name(cell) for cell in header)
    known = set(required) | set(optional)
    repeated = sorted({c for c in columns if c in known and columns.count(c) > 1})
    if repeated:
        raise UnusableInput(f"{path}: the header repeats the column(s) {', '.join(repeated)}")
    missing = [c for c in required if c not in columns]
    if missing:
        hint = ""
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            hint = " (the file seems to use ';' or tabs between columns: save it with commas)"
        raise UnusableInput(
            f"{path} is missing the column(s) {', '.join(missing)}{hint}; "
            f"the header needs: {', '.join(required)}"
        )
    positions = {name: i for i, name in enumerate(columns) if name in known}
    return CsvTable(path, columns, _Rows(text, header_line, positions))


class _Rows:
    """Iterates the data rows of a CSV text (re-iterable), with physical line numbers."""

    def __init__(self, text: str, header_line: int, positions: dict[str, int]):
        self._text = text
        self._header_line = header_line
        self._positions = positions

    def __iter__(self) -> Iterator[CsvRow]:
        reader = csv.reader(io.StringIO(self._text, newline=""))
        previous_end = 0
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if start <= self._header_line or not any(cell.strip() for cell in record):
                continue
            cells = {name: record[i] if i < len(record) else ""
                     for name, i in self._positions.items()}
            # Trailing empty cells (spreadsheets add them) do not count.
            count = len(record)
            while count and not record[count - 1].strip():
                count -= 1
            yield CsvRow(start, cells, count)
