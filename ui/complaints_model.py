"""Table models of the complaints screens: the register and a complaint's stages.

Display only: the rows come worked out from the complaints services (deadline
countdowns included); late rows are tinted red and rows due within two
working days amber, and the countdown text says the same in words.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from contactdesk.domain.complaints import Urgency
from contactdesk.dtos.complaints import StageInfo
from contactdesk.dtos.complaints_register import RegisterRow

from .table_model import FlatTableModel, Index

LATE_FOREGROUND, LATE_BACKGROUND = QColor("#8b0000"), QColor("#fde2e2")
SOON_FOREGROUND, SOON_BACKGROUND = QColor("#6b4500"), QColor("#fff1c7")
CHANNEL_LABELS = {"phone": "Phone", "email": "Email", "face_to_face": "Face to face",
                  "web": "Web form", "letter": "Letter"}
DATE_SAMPLE = "30/12/2026"


def day_text(day: date | None) -> str:
    return "" if day is None else f"{day:%d/%m/%Y}"


def urgency_colours(urgency) -> tuple[QColor, QColor] | None:
    if urgency == Urgency.LATE:
        return LATE_FOREGROUND, LATE_BACKGROUND
    if urgency == Urgency.DUE_SOON:
        return SOON_FOREGROUND, SOON_BACKGROUND
    return None


class ComplaintRegisterModel(FlatTableModel):
    # The countdown next to the reference: what is late shows without scrolling sideways.
    COLUMNS = ("Reference", "Countdown", "Stage", "Service", "Complainant", "Officer",
               "Deadline", "Received", "Outcome")
    REFERENCE, COUNTDOWN, STAGE, SERVICE, COMPLAINANT, OFFICER, DEADLINE, RECEIVED, OUTCOME = \
        range(9)


    def reference_at(self, row: int) -> str | None:
        return self._rows[row].reference if 0 <= row < len(self._rows) else None

    def row_of(self, reference: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.reference == reference), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COMPLAINANT:
                return row.description
            return self._text(row, column) or None
        urgency = row.countdown.urgency if row.countdown else None
        colours = urgency_colours(urgency)
        if colours and role == Qt.ItemDataRole.ForegroundRole:
            return colours[0]
        if colours and role == Qt.ItemDataRole.BackgroundRole:
            return colours[1]
        if role == Qt.ItemDataRole.FontRole and urgency == Urgency.LATE \
                and column == self.COUNTDOWN:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _text(self, row: RegisterRow, column: int) -> str:
        if column == self.REFERENCE:
            return row.reference
        if column == self.RECEIVED:
            return day_text(row.received_on)
        if column == self.COMPLAINANT:
            return row.complainant
        if column == self.SERVICE:
            return row.service
        if column == self.STAGE:
            return row.stage_label
        if column == self.OFFICER:
            return row.officer or "Unassigned"
        if column == self.DEADLINE:
            return day_text(row.countdown.due_on if row.countdown else None)
        if column == self.COUNTDOWN:
            if row.countdown is None:  # closed: how and when it was answered
                return f"{row.outcome_label}, {day_text(row.response_on)}" if row.response_on \
                    else ""
            return row.countdown.text
        return row.outcome_label or "Open"


class StagesModel(FlatTableModel):
    """A complaint's stages, first to last."""

    COLUMNS = ("Stage", "Officer", "Opened", "Acknowledged", "Deadline", "Extension", "Answered",
               "Outcome", "Time taken")


    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        stage = self.row_at(index)
        if stage is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(stage, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = {5: stage.extension_reason, 0: stage.escalation_reason and
                    f"Escalated because: {stage.escalation_reason}",
                    7: stage.lessons_learnt and f"Lessons learnt: {stage.lessons_learnt}"}
            return tips.get(index.column()) or self._text(stage, index.column()) or None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 8 \
                and stage.within_deadline is False:
            return LATE_FOREGROUND
        return None

    @staticmethod
    def _text(stage: StageInfo, column: int) -> str:
        if column == 0:
            return stage.label
        if column == 1:
            return stage.officer or "Unassigned"
        if column == 2:
            return day_text(stage.opened_on)
        if column == 3:
            if stage.acknowledge_by is None:
                return "–"
            return day_text(stage.acknowledged_on) or f"by {day_text(stage.acknowledge_by)}"
        if column == 4:
            return day_text(stage.respond_by) or "None (Ombudsman)"
        if column == 5:
            return f"+{stage.extension_days} days" if stage.extension_days else ""
        if column == 6:
            return day_text(stage.response_on)
        if column == 7:
            return stage.outcome_label or ""
        if stage.working_days_taken is None:
            return ""
        late = ", late" if stage.within_deadline is False else ""
        return (f"{stage.working_days_taken} working days "
                f"({stage.calendar_days_taken} calendar{late})")
