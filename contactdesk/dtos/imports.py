"""What a bulk import (cases, the gazetteer) says about its input: counts and each refused row."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowProblem:
    line: int  # line number in the file, header = line 1
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    """Filled in row by row while the import runs, so not frozen."""

    rows_read: int = 0
    imported: int = 0
    already_present: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({p.line for p in self.rejected})
