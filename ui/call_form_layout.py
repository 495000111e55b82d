"""The widgets of the call form and where they sit; CallForm decides what they do.

Mnemonics (Alt+letter) used here: P phone, N name, A address, C postcode,
G category, I service, R reason, D description, O outcome, S save,
L duplicate choice, T add to duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain import limits
from contactdesk.dtos.calls import CallSaved
from contactdesk.dtos.catalogue import ServiceInfo

from .call_confirmation import Confirmation, ConfirmationBand
from .caller_panel import OUTCOME_LABELS
from .completers import FilterComboBox
from .duplicates import DuplicatesBox
from .field_messages import FieldMessages

# Field names of the services' FieldIssues -> objectName of the widget at fault.
FIELD_WIDGETS = {
    "caller_phone": "callerPhone",
    "caller_name": "callerName",
    "address": "address",
    "postcode": "postcode",
    "category": "category",
    "service": "service",
    "routing_reason": "routingReason",
    "description": "description",
    "outcome": "outcome",
    "add_to_case": "addToDuplicate",
}

FIELD_LABELS = {
    "callerPhone": "Phone",
    "callerName": "Name",
    "address": "Address",
    "postcode": "Postcode",
    "category": "Category",
    "service": "Service",
    "routingReason": "Reason for changing service",
    "description": "Description",
    "outcome": "Outcome",
    "addToDuplicate": "Adding to the open case",
}


class CallFormLayout:
    """Builds the form's widgets on ``form``; every input has a label buddy and an accessible name."""

    SAVE_TEXT = "&Save call  (Ctrl+Enter)"

    def __init__(self, form: QWidget):
        self.form = form
        self.messages: dict[str, FieldMessages] = {}
        self.labels: dict[str, QLabel] = {}

        self.phone = self._line_edit("callerPhone", "Caller phone number", limits.PHONE_RAW,
                                     "For example 01709 823456 or +44 7700 900123")
        self.name = self._line_edit("callerName", "Caller name", limits.PERSON_NAME)
        self.address = self._line_edit("address", "Address or street", limits.ADDRESS,
                                       "Type part of the address or a postcode")
        self.postcode = self._line_edit("postcode", "Postcode", limits.POSTCODE)
        self.category = FilterComboBox(form)
        self._name(self.category, "category", "Category of enquiry")
        self.category.lineEdit().setMaxLength(limits.LABEL)
        self.category.lineEdit().setPlaceholderText("Type to find, for example fly")
        self.service = QComboBox(form)
        self._name(self.service, "service", "Service the case goes to")
        self.routing_reason = self._line_edit("routingReason", "Reason for changing the service",
                                              limits.REASON)
        self.description = QPlainTextEdit(form)
        self._name(self.description, "description", "Description of the problem")
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText("What the caller reports, in their words")
        self.description.textChanged.connect(self._limit_description)
        self.outcome = QComboBox(form)
        self._name(self.outcome, "outcome", "Outcome of the call")
        for code, text in OUTCOME_LABELS.items():
            self.outcome.addItem(text, code)
        self.duplicates = DuplicatesBox(form)
        self.save_button = QPushButton(self.SAVE_TEXT, form)
        self.save_button.setObjectName("saveCallButton")
        self.save_button.setAccessibleName("Save call")
        self.save_button.setAutoDefault(False)

        self.call_timer = QLabel("--:--", form)
        self.call_timer.setObjectName("callTimer")
        self.call_timer.setAccessibleName("Call time")
        self.call_timer.setFont(self._font(14, bold=True))
        self.call_timer.setProperty("role", "heading")
        self.confirmation = ConfirmationBand(form)
        self.reference = self.confirmation.reference
        self.reference.hide()  # until the first save
        self.reference_caption = self.confirmation.caption
        self.save_notes = self.confirmation.notes
        self.prompts = QLabel(form)
        self.prompts.setObjectName("promptsList")
        self.prompts.setAccessibleName("Questions to ask the caller")
        self.prompts.setWordWrap(True)
        self.prompts.setTextFormat(Qt.TextFormat.RichText)
        self.prompts.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.save_error = self._note("saveError", "", severity="error")
        self.notice = self._note("lookupNotice", "", severity="warning")

        for widget in (self.phone, self.name, self.address, self.postcode, self.category,
                       self.service, self.routing_reason, self.description, self.outcome):
            self.messages[widget.objectName()] = FieldMessages(widget, form)
        self.messages["addToDuplicate"] = FieldMessages(self.duplicates.accept, self.duplicates)
        self._arrange()
        self._chain_tabs()
        self.show_routing_reason(False)
        self.show_prompts(())

    # -- building -------------------------------------------------------------------
    def _name(self, widget: QWidget, name: str, accessible: str) -> None:
        widget.setObjectName(name)
        widget.setAccessibleName(accessible)

    def _line_edit(self, name: str, accessible: str, max_length: int, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self.form)
        self._name(edit, name, accessible)
        edit.setMaxLength(max_length)
        edit.setPlaceholderText(placeholder)
        return edit

    def _note(self, name: str, text: str, severity: str = "") -> QLabel:
        label = QLabel(text, self.form)
        label.setObjectName(name)
        label.setWordWrap(True)
        if severity:
            label.setProperty("severity", severity)
            label.setVisible(bool(text))
        return label

    @staticmethod
    def _font(points: int, bold: bool = False) -> QFont:
        font = QFont()
        font.setPointSize(points)
        font.setBold(bold)
        return font

    def _label(self, text: str, field: QWidget) -> QLabel:
        label = QLabel(text, self.form)
        label.setBuddy(field)
        self.labels[field.objectName()] = label
        return label

    def _arrange(self) -> None:
        form = self.form
        header = QHBoxLayout()
        timer_box = QVBoxLayout()
        timer_box.addWidget(QLabel("Call time", form))
        timer_box.addWidget(self.call_timer)
        timer_box.addStretch(1)
        header.addLayout(timer_box)
        header.addWidget(self.confirmation, 1)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        rows = (("&Phone", self.phone), ("&Name", self.name), ("&Address", self.address),
                ("Pos&tcode", self.postcode), ("Cate&gory", self.category),
                ("Serv&ice", self.service), ("Reason for changing ser&vice", self.routing_reason),
                ("&Description", self.description), (None, self.duplicates),
                ("&Outcome", self.outcome))
        for row, (text, field) in enumerate(rows):
            if text is None:
                grid.addWidget(field, row, 0, 1, 2)
                continue
            grid.addWidget(self._label(text, field), row, 0, Qt.AlignmentFlag.AlignTop)
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(field)
            messages = self.messages[field.objectName()]
            cell.addWidget(messages.error)
            cell.addWidget(messages.warning)
            grid.addLayout(cell, row, 1)
        self.labels["routingReason"].setWordWrap(True)
        dup_messages = self.messages["addToDuplicate"]
        self.duplicates.layout().addWidget(dup_messages.error)
        self.duplicates.layout().addWidget(dup_messages.warning)

        self.prompts.setMinimumWidth(220)
        prompts_box = QGroupBox("Ask the caller", form)
        QVBoxLayout(prompts_box).addWidget(self.prompts)
        side = QVBoxLayout()
        side.addWidget(prompts_box)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(grid, 3)
        body.addLayout(side, 2)

        footer = QHBoxLayout()
        footer.addWidget(self.save_error, 1)
        footer.addStretch(0)
        self.save_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        footer.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)

        outer = QVBoxLayout(form)
        outer.addLayout(header)
        outer.addLayout(body, 1)
        outer.addWidget(self.notice)
        outer.addLayout(footer)

    def tab_order(self) -> list[QWidget]:
        # The duplicates offer comes after the description: it appears while the agent
        # types, and must not take the focus from under them or move the field they are in.
        return [self.phone, self.name, self.address, self.postcode, self.category, self.service,
                self.routing_reason, self.description, self.duplicates.choice,
                self.duplicates.accept, self.outcome, self.save_button, self.reference]

    def _chain_tabs(self) -> None:
        order = self.tab_order()
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def clear_on_edit(self, name: str, clear: Callable[[], None]) -> None:
        """Call ``clear`` when the agent changes the field (an error mark goes once they act on it)."""
        field = self.messages[name].field
        if isinstance(field, QLineEdit):
            field.textEdited.connect(lambda _text: clear())
        elif isinstance(field, QPlainTextEdit):
            field.textChanged.connect(clear)
        elif isinstance(field, FilterComboBox):
            field.lineEdit().textEdited.connect(lambda _text: clear())
            field.valueChanged.connect(lambda _value: clear())
        elif isinstance(field, QComboBox):
            field.currentIndexChanged.connect(lambda _index: clear())
        elif isinstance(field, QCheckBox):
            field.toggled.connect(lambda _checked: clear())

    # -- showing things --------------------------------------------------------------------
    def set_services(self, services: Sequence[ServiceInfo]) -> None:
        self.service.blockSignals(True)
        self.service.clear()
        for service in services:
            self.service.addItem(service.name, service.code)
        self.service.setCurrentIndex(-1)
        self.service.blockSignals(False)

    def show_prompts(self, prompts: Sequence[str]) -> None:
        if prompts:
            items = "".join(f"<li>{escape(p)}</li>" for p in prompts)
            self.prompts.setText(f"<ul style='margin-left: -20px'>{items}</ul>")
        else:
            self.prompts.setText("<i>Choose a category to see what to ask.</i>")

    def show_routing_reason(self, shown: bool) -> None:
        self.routing_reason.setVisible(shown)
        self.labels["routingReason"].setVisible(shown)
        if not shown:
            self.messages["routingReason"].clear()

    def show_saved(self, saved: CallSaved, confirmation: Confirmation) -> None:
        self.confirmation.show_saved(saved, confirmation)

    def set_save_error(self, text: str) -> None:
        self.save_error.setText(text)
        self.save_error.setVisible(bool(text))

    def set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _limit_description(self) -> None:
        text = self.description.toPlainText()
        if len(text) > limits.DESCRIPTION:
            self.description.setPlainText(text[:limits.DESCRIPTION])
            self.description.moveCursor(QTextCursor.MoveOperation.End)
