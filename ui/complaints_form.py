"""Logging a complaint: who complains, about which service, what went wrong, what they want.

Filled in by hand, or started from the call on the line or the case on screen
(``prefill``). Ctrl+Enter saves; a refused save marks each field at fault and
keeps everything typed; Escape goes back without saving. A retried save after
a lost reply never logs the complaint twice (the idempotency key is kept until
the save succeeds).
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.errors import ContactDeskError, ValidationError
from contactdesk.domain.permissions import HANDLER_ROLES, Permission
from contactdesk.dtos.complaints import ComplaintInput

from .case_panels import error_label, show_error
from .complaints_model import CHANNEL_LABELS
from .dashboard_parts import london_today
from .field_messages import FORM_STYLE, FieldMessages

# Field names the service uses -> the widget they belong to (attribute names below).
_FIELDS = {"complainant_name": "name", "complainant_phone": "phone",
           "complainant_email": "email", "complainant_address": "address", "service": "service",
           "channel": "channel", "received_on": "received", "description": "description",
           "desired_outcome": "wants", "case_reference": "case_reference", "officer": "officer",
           "call": "case_reference"}
_LABELS = {"name": "Name", "phone": "Phone", "email": "Email", "address": "Address",
           "service": "Service", "channel": "Channel", "received": "Day received",
           "description": "What went wrong", "wants": "Outcome wanted",
           "case_reference": "Linked case", "officer": "Stage 1 officer"}


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class ComplaintForm(QWidget):
    saved = Signal(str)  # the new complaint's reference
    cancelled = Signal()

    def __init__(self, workspace, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("complaintForm")
        self.setStyleSheet(FORM_STYLE)
        self._workspace, self._runner = workspace, runner
        # Naming the Stage 1 officer is handling the complaint: only handlers are offered it.
        self._handler = handler = workspace.may(Permission.HANDLE_COMPLAINTS)
        self._key = str(uuid.uuid4())
        self._call_id: int | None = None
        self._saving = False

        heading = QLabel("Log a complaint", self)
        heading.setProperty("role", "heading")
        heading.setObjectName("complaintFormHeading")
        self.name = self._line("complainantName", "Complainant's name")
        self.phone = self._line("complainantPhone", "Complainant's phone")
        self.email = self._line("complainantEmail", "Complainant's email")
        self.address = self._line("complainantAddress", "Complainant's address")
        self.service = QComboBox(self)
        self.service.setObjectName("complaintService")
        self.service.setAccessibleName("Service complained about")
        self.service.addItem("Choose a service…", "")
        self.channel = QComboBox(self)
        self.channel.setObjectName("complaintChannel")
        self.channel.setAccessibleName("How the complaint came in")
        for value, text in CHANNEL_LABELS.items():
            self.channel.addItem(text, value)
        self.received = QDateEdit(self)
        self.received.setObjectName("complaintReceived")
        self.received.setAccessibleName("Day the complaint was received")
        self.received.setCalendarPopup(True)
        self.received.setDisplayFormat("dd/MM/yyyy")
        self.received.setDate(qdate(london_today()))
        self.description = self._text("complaintDescription", "What went wrong", 5)
        self.wants = self._text("complaintWants", "What the complainant wants", 3)
        self.case_reference = self._line("complaintCase", "Linked case reference")
        self.case_reference.setPlaceholderText("e.g. SP-2026-000123 (optional)")
        self.officer = QComboBox(self)
        self.officer.setObjectName("complaintOfficer")
        self.officer.setAccessibleName("Stage 1 officer")
        self.officer.addItem("Assign later", None)
        self.messages = {attr: FieldMessages(getattr(self, attr), self) for attr in _LABELS}
        self.error = error_label(self, "complaintFormError")
        self.save_button = QPushButton("Save complaint  (Ctrl+Enter)", self)
        self.save_button.setObjectName("saveComplaintButton")
        self.cancel_button = QPushButton("Cancel  (Esc)", self)
        self.cancel_button.setObjectName("cancelComplaintButton")

        form = QFormLayout()
        rows = (("&Name:", self.name), ("&Phone:", self.phone), ("Ema&il:", self.email),
                ("&Address:", self.address), ("Service complained a&bout:", self.service),
                ("C&hannel:", self.channel), ("Da&y received:", self.received),
                ("&What went wrong:", self.description), ("O&utcome wanted:", self.wants),
                ("Lin&ked case:", self.case_reference), ("Stage &1 officer:", self.officer))
        for text, widget in rows:
            if widget is self.officer and not handler:
                continue
            label = QLabel(text, self)
            label.setBuddy(widget)
            messages = self.messages[next(k for k in _LABELS if getattr(self, k) is widget)]
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(messages.error)
            column.addWidget(messages.warning)
            form.addRow(label, column)
        if not handler:
            self.officer.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addStretch(1)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancelled)
        catalogue, users = workspace.catalogue, workspace.users
        runner.run(lambda: (catalogue.list_services(), users.list_users()), self._fill,
                   lambda exc: show_error(self.error, f"Could not load services and staff: {exc}"))

    def _line(self, name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    def _text(self, name: str, accessible: str, lines: int) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
        return edit

    def _fill(self, loaded) -> None:
        services, people = loaded
        for service in services:
            self.service.addItem(service.name, service.code)
        for person in people:
            if person.active and person.role in HANDLER_ROLES:
                self.officer.addItem(person.full_name, person.id)

    # -- public ------------------------------------------------------------------
    def start(self, *, name: str = "", phone: str = "", email: str = "", address: str = "",
              case_reference: str = "", call_id: int | None = None) -> None:
        """A fresh complaint, with whatever is known already from the call or case."""
        self.clear()
        self.name.setText(name)
        self.phone.setText(phone)
        self.email.setText(email)
        self.address.setText(address)
        self.case_reference.setText(case_reference)
        self._call_id = call_id
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        for edit in (self.name, self.phone, self.email, self.address, self.case_reference):
            edit.clear()
        self.description.clear()
        self.wants.clear()
        for combo in (self.service, self.channel, self.officer):
            combo.setCurrentIndex(0)
        self.received.setDate(qdate(london_today()))
        for messages in self.messages.values():
            messages.clear()
        show_error(self.error, "")
        self._key = str(uuid.uuid4())
        self._call_id = None

    def complaint_input(self) -> ComplaintInput:
        return ComplaintInput(
            idempotency_key=self._key, complainant_name=self.name.text(),
            complainant_phone=self.phone.text(), complainant_email=self.email.text(),
            complainant_address=self.address.text(), service=self.service.currentData() or "",
            description=self.description.toPlainText(), desired_outcome=self.wants.toPlainText(),
            channel=self.channel.currentData(), received_on=pydate(self.received),
            case_reference=self.case_reference.text(), call_id=self._call_id,
            officer_id=self.officer.currentData() if self._handler else None)

    def save(self) -> None:
        if self._saving:
            return
        data, complaints = self.complaint_input(), self._workspace.complaints
        self._saving = True
        self.save_button.setEnabled(False)
        self._runner.run(lambda: complaints.log_complaint(data), self._saved,
                         self._failed, write=True)

    # -- results -------------------------------------------------------------------
    def _saved(self, saved) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        reference = saved.reference
        self.clear()
        self.saved.emit(reference)

    def _failed(self, exc: Exception) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        for messages in self.messages.values():
            messages.clear_error()
        if isinstance(exc, ValidationError):
            first = None
            loose = []
            for issue in exc.issues:
                attr = _FIELDS.get(issue.field)
                if attr is None:
                    loose.append(str(issue))
                    continue
                self.messages[attr].show_error(f"{_LABELS[attr]}: {issue.message}")
                first = first or getattr(self, attr)
            show_error(self.error, " ".join(["Not saved: check the fields marked in red.",
                                             *loose]))
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, ContactDeskError):
            show_error(self.error, f"Not saved: {exc}. What you typed is kept.")
        else:
            show_error(self.error, f"Could not save the complaint: {exc}. What you typed is "
                       "kept: press Ctrl+Enter to try again.")
