"""A case's audit trail as a small table: when, who, and what changed from what to what."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from contactdesk.dtos.cases import HistoryEntry

from .case_format import local_time, status_label
from .table_model import FlatTableModel, Index

FIELD_LABELS = {
    "status": "Status",
    "service_id": "Service",
    "category_id": "Category",
    "routing_reason": "Routing reason",
    "priority": "Priority",
    "description": "Description",
    "location": "Location",
    "postcode": "Postcode",
    "due_at": "Due",
    "closed_at": "Closed",
    "duplicate_of_id": "Duplicate of",
    "caller_id": "Caller",
    "usrn": "Street (USRN)",
    "uprn": "Property (UPRN)",
}
_TIME_FIELDS = {"due_at", "closed_at", "received_at", "created_at"}
EMPTY = "(none)"


class CaseHistoryModel(FlatTableModel):
    COLUMNS = ("When", "Who", "Change")

    def set_history(self, entries: tuple[HistoryEntry, ...], *,
                    service_names: dict[int, str] | None = None,
                    category_names: dict[int, str] | None = None,
                    duplicate_of: str | None = None) -> None:
        """Show ``entries`` oldest first; the name maps turn stored ids back into names."""
        names = {"service_id": service_names or {}, "category_id": category_names or {}}
        self.beginResetModel()
        self._rows = [(local_time(e.at), e.user or "System",
                       describe(e, names, duplicate_of)) for e in entries]
        self.endResetModel()

    def change_at(self, row: int) -> str:
        return self._rows[row][2]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is not None and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()]
        return None


def describe(entry: HistoryEntry, names: dict[str, dict[int, str]],
             duplicate_of: str | None = None, created: str = "Case created") -> str:
    """One line for an audit entry: "Case created", "Status: New → Routed"."""
    if entry.action == "create":
        return created
    if entry.action == "delete":
        return "Case deleted"
    field = entry.field or ""
    label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
    old = _value(field, entry.old_value, names)
    new = _value(field, entry.new_value, names)
    if field == "duplicate_of_id" and entry.new_value and duplicate_of:
        new = duplicate_of
    return f"{label}: {old} → {new}"


def _value(field: str, value: str | None, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "":
        return EMPTY
    if field == "status":
        return status_label(value)
    if field in _TIME_FIELDS:
        try:
            return local_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    if field in names:
        try:
            return names[field].get(int(value), f"#{value}")
        except ValueError:
            return value
    if field == "duplicate_of_id":
        return f"case #{value}"
    if field == "priority":
        return value.capitalize()
    return value
