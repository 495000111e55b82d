"""Putting a case on hold while it waits for the caller, and taking it off again.

While a case is on hold its service clock is stopped: it has no due time and is
never overdue; resuming gives it back its due time moved on by the opening
time it waited (the rule is in the cases service).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton, QWidget

from contactdesk.domain.case_status import CaseStatus
from contactdesk.dtos.cases import CaseDetail

from .case_format import local_time
from .case_panels import buddy, error_label


class HoldPanel(QGroupBox):
    holdRequested = Signal()
    resumeRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Waiting for the caller", parent)
        self.setObjectName("holdPanel")
        self.state = QLabel(self)
        self.state.setObjectName("holdState")
        self.state.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("holdReason")
        self.reason.setAccessibleName("Why the case waits for the caller")
        self.reason.setPlaceholderText("e.g. waiting for photos of the damage")
        self.button = QPushButton(self)
        self.button.setObjectName("holdButton")
        self.error = error_label(self, "holdError")
        self._held = False
        form = QFormLayout(self)
        form.addRow(self.state)
        self._reason_label = buddy("Reason to &pause:", self.reason, self)
        form.addRow(self._reason_label, self.reason)
        form.addRow(self.error)
        form.addRow(self.button)
        self.button.clicked.connect(self._clicked)
        self.reason.returnPressed.connect(self._clicked)

    @property
    def held(self) -> bool:
        return self._held

    def set_case(self, detail: CaseDetail) -> None:
        hold = detail.hold
        self._held = hold is not None
        is_open = CaseStatus(detail.summary.status).is_open
        if hold is not None:
            who = f" by {hold.started_by}" if hold.started_by else ""
            self.state.setText(f"On hold since {local_time(hold.started_at)}{who}: {hold.reason}. "
                               "The service clock is stopped.")
            self.button.setText("Resume the cloc&k")
        else:
            self.state.setText("The service clock is running." if is_open
                               else "Finished cases have no clock to pause.")
            self.button.setText("Pause the cloc&k")
        self.reason.setVisible(not self._held)
        self._reason_label.setVisible(not self._held)
        self.button.setEnabled(is_open or self._held)
        self.reason.setEnabled(is_open)

    def _clicked(self) -> None:
        (self.resumeRequested if self._held else self.holdRequested).emit()
