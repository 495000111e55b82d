"""The Complaints tab: the register on the left; on the right the complaint open, or the form
to log a new one. It lays out and wires; the views beside it do the work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QStackedWidget, QVBoxLayout, QWidget

from contactdesk.dtos.changes import Changed, OpChanges

from .complaints_detail import ComplaintDetailView
from .complaints_form import ComplaintForm
from .complaints_register import ComplaintsRegisterView


class ComplaintsPage(QWidget):
    complaintLogged = Signal(str)  # the reference of a complaint just logged

    def __init__(self, workspace, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("complaintsPage")
        self.register = ComplaintsRegisterView(workspace, runner)
        self.detail = ComplaintDetailView(workspace, runner)
        self.form = ComplaintForm(workspace, runner)
        runner.follow_changes(workspace, self.on_operation_did_execute)
        self.right = QStackedWidget(self)
        self.right.addWidget(self.detail)
        self.right.addWidget(self.form)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.addWidget(self.register)
        self.split.addWidget(self.right)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)

        self.register.complaintActivated.connect(self.open_complaint)
        self.register.logRequested.connect(self.log_complaint)
        self.form.saved.connect(self._logged)
        self.form.cancelled.connect(self._back)

    def on_operation_did_execute(self, changes: OpChanges) -> None:
        if changes.touches(Changed.COMPLAINTS):
            self.register.refresh(changes.references[0] if changes.references else None)

    def log_complaint(self, **known) -> None:
        """Show the form, started with what is known (name, phone, case_reference, call_id...)."""
        self.right.setCurrentWidget(self.form)
        self.form.start(**known)

    def find_complaint(self) -> None:
        self.register.focus_search()

    def open_complaint(self, reference: str) -> None:
        self.right.setCurrentWidget(self.detail)
        self.detail.show_complaint(reference)

    def _logged(self, reference: str) -> None:
        self.open_complaint(reference)
        self.complaintLogged.emit(reference)

    def _back(self) -> None:
        self.right.setCurrentWidget(self.detail)
        self.register.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        width = self.split.width() or self.width()
        if width > 0 and not getattr(self, "_sized", False):
            self._sized = True
            self.split.setSizes([width // 2, width - width // 2])
