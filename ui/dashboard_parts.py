"""Pieces of the supervisor dashboard and staffing view: number formats and figure tiles.

The figures come worked out from ``contactdesk`` (CallFigures, Comparison);
this module only decides how they read on screen, in the council's house style:
percentages to two decimals (94.78%), differences in percentage points.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from contactdesk.domain.working_time import LONDON
from contactdesk.formats import percent  # noqa: F401  (the dashboard's, as in the reports)

DASH = "–"
NUMBER_ALIGN = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def london_today() -> date:
    """The council's date now (the dashboard's and staffing view's default clock)."""
    return datetime.now(LONDON).date()


def long_date(day: date) -> str:
    """Monday 3 June 2024."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def seconds(value: float | None, decimals: int = 1) -> str:
    return DASH if value is None else f"{value:,.{decimals}f} s"


def count(value: float | None) -> str:
    return DASH if value is None else f"{value:,.0f}"


def threshold_text(value: float) -> str:
    return f"{value:g}"


class Tile(QFrame):
    """One figure in large type under its name ("Offered", 11)."""

    def __init__(self, name: str, title: str, tooltip: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._tooltip = tooltip
        self.setObjectName(f"tile_{name}")
        self.setProperty("role", "tile")
        self.setToolTip(tooltip)
        self.title = QLabel(title, self)
        self.title.setProperty("role", "tileTitle")
        self.value = QLabel(DASH, self)
        self.value.setObjectName(f"tileValue_{name}")
        self.value.setProperty("role", "tileValue")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        self.set_value(DASH)

    def set_title(self, title: str) -> None:
        self.title.setText(title)
        self.setAccessibleName(f"{title}: {self.value.text()}")

    def set_value(self, text: str, reason: str | None = None) -> None:
        """Show ``text``; ``reason`` says why there is no figure ("no data")."""
        self.value.setText(text)
        self.setToolTip(f"{self._tooltip}\n{text}: {reason}" if reason else self._tooltip)
        spoken = f"{text}, {reason}" if reason else text
        self.setAccessibleName(f"{self.title.text()}: {spoken}")
