"""Asking for a callback: the dialog, and its place on the call form and the case detail.

The number is checked as the call form checks it (UK numbers, any common format) before
the dialog closes; "as soon as possible" is due two hours of opening time later (the core
works it out). From the case detail the request is stored at once. From the call form it is
linked to the call and its case: with a call typed and not yet saved it is kept and stored
as soon as that call is saved; with the form empty it is for the call saved last.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.errors import ValidationError
from contactdesk.domain.validation import Findings, parse_phone
from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.callbacks import ASAP_WORKING_HOURS, CallbackRequest

from .case_format import local_time
from .case_panels import error_label, show_error

REQUEST_KEYS = "Ctrl+Shift+B"
BUTTON_TEXT = f"Request callback ({REQUEST_KEYS})"


class CallbackRequestDialog(QDialog):
    """Number, when and why; ``submit(request, done, failed)`` stores it (or keeps it)."""

    def __init__(self, parent: QWidget, *, number: str, about: str,
                 submit: Callable[[CallbackRequest, Callable, Callable], None]):
        super().__init__(parent)
        self.setObjectName("callbackRequestDialog")
        self.setWindowTitle("Request a callback")
        self._submit = submit
        self.request: CallbackRequest | None = None
        self.about = QLabel(about, self)
        self.about.setObjectName("callbackAbout")
        self.about.setWordWrap(True)
        self.phone = QLineEdit(number, self)
        self.phone.setObjectName("callbackPhone")
        self.phone.setAccessibleName("Number to ring")
        self.asap = QRadioButton(f"As soon as possible (within {ASAP_WORKING_HOURS} working "
                                 "hours)", self)
        self.asap.setObjectName("callbackAsap")
        self.asap.setChecked(True)
        self.at_time = QRadioButton("At", self)
        self.at_time.setObjectName("callbackAtTime")
        self.when = QDateTimeEdit(self)
        self.when.setObjectName("callbackWhen")
        self.when.setAccessibleName("Callback time")
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)
        soon = datetime.now(LONDON).replace(second=0, microsecond=0) + timedelta(hours=1)
        self.when.setDateTime(QDateTime(soon.date(), soon.time()))
        self.when.setEnabled(False)
        self.at_time.toggled.connect(self.when.setEnabled)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("callbackReason")
        self.reason.setAccessibleName("Why ring back")
        self.reason.setPlaceholderText("What the caller wants to hear about")
        self.error = error_label(self, "callbackRequestError")

        when_row = QHBoxLayout()
        when_row.addWidget(self.at_time)
        when_row.addWidget(self.when, 1)
        form = QFormLayout()
        form.addRow("&Number", self.phone)
        form.addRow("When", self.asap)
        form.addRow("", when_row)
        form.addRow("&Why", self.reason)
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton("Request callback (Ctrl+Enter)",
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("callbackRequestOk")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.send)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)
        (self.reason if number else self.phone).setFocus(Qt.FocusReason.OtherFocusReason)

    def due_at(self) -> datetime | None:
        if self.asap.isChecked():
            return None
        picked = self.when.dateTime().toPython().replace(tzinfo=LONDON)
        return picked.astimezone(UTC)

    def send(self) -> None:
        findings = Findings()
        parse_phone(self.phone.text(), findings, "phone")
        problems = [issue.message for issue in findings.errors]
        if not self.phone.text().strip():
            problems.append("give the number to ring back")
        if not self.reason.text().strip():
            problems.append("say why the caller wants a callback")
        if problems:
            self._say(f"Check this: {'; '.join(problems)}.")
            return
        request = CallbackRequest(self.phone.text(), self.reason.text(), self.due_at())
        self.ok.setEnabled(False)
        self._submit(request, self._stored, self._refused)

    def _stored(self, request: CallbackRequest) -> None:
        self.request = request
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self.ok.setEnabled(True)
        if isinstance(exc, ValidationError):
            message = "; ".join(issue.message for issue in exc.issues)
        else:
            message = str(exc)
        self._say(f"The callback was not stored: {message}")

    def _say(self, message: str) -> None:
        show_error(self.error, message)
        self.resize(self.width(), self.sizeHint().height())  # room for the message, no squeeze


def request_button(parent: QWidget, ask: Callable[[], None], name: str) -> QPushButton:
    """The "Request callback" button with its shortcut, live anywhere inside ``parent``."""
    button = QPushButton(BUTTON_TEXT, parent)
    button.setObjectName(name)
    button.setAutoDefault(False)
    button.clicked.connect(ask)
    shortcut = QShortcut(QKeySequence(REQUEST_KEYS), parent)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(ask)
    return button


def store_with(workspace, runner, **link) -> Callable:
    """A dialog's ``submit`` that stores the request at once, linked as ``link`` says."""
    def submit(request: CallbackRequest, done, failed) -> None:
        linked = CallbackRequest(request.phone, request.reason, request.due_at, **link)
        runner.run(lambda: workspace.callbacks.request_callback(linked),
                   lambda _row: done(linked), failed, write=True)
    return submit


def ask_for_case(parent: QWidget, workspace, runner, reference: str, number: str,
                 said: Callable[[str], None]) -> CallbackRequestDialog:
    dialog = CallbackRequestDialog(parent.window(), number=number,
                                   about=f"For case {reference}",
                                   submit=store_with(workspace, runner,
                                                     case_reference=reference))
    dialog.accepted.connect(lambda: said(_stored_text(dialog.request)))
    dialog.open()
    return dialog


def _stored_text(request: CallbackRequest | None) -> str:
    if request is None:
        return ""
    when = local_time(request.due_at) if request.due_at else "as soon as possible"
    return f"Callback requested: {request.phone.strip()}, {when}."


class CallFormCallbacks:
    """The call form's "Request callback": kept until the typed call is saved, or for the
    call saved last when the form is empty."""

    def __init__(self, form, workspace, runner):
        self.form, self.workspace, self.runner = form, workspace, runner
        self.pending: CallbackRequest | None = None
        self.last_saved = None  # (CallSaved, the number typed on it)
        self.button = request_button(form, self.ask, "requestCallbackButton")
        self.note = QLabel("", form)
        self.note.setObjectName("callbackNote")
        self.note.setWordWrap(True)
        self.note.hide()
        footer = _layout_holding(form.layout(), form.ui.save_button)
        if footer is not None:
            at = footer.indexOf(form.ui.save_button)
            footer.insertWidget(at, self.note, 1)
            footer.insertWidget(at + 1, self.button, 0, Qt.AlignmentFlag.AlignTop)
        form.callSaved.connect(self._call_saved)
        form.callStarted.connect(self._call_started)
        self._pending_key = ""  # the call (its idempotency key) a pending request belongs to
        self.dialog: CallbackRequestDialog | None = None

    def ask(self) -> None:
        if self.form.has_typed_input():
            about = "For this call: stored with it when it is saved"
            number, submit = self.form.ui.phone.text(), self._keep
        elif self.last_saved is not None:
            saved, number = self.last_saved
            about = f"For the call just saved ({saved.reference or 'no case'})"
            submit = store_with(self.workspace, self.runner, call_id=saved.call_id,
                                case_reference=saved.reference or "")
        else:
            about, number = "Not linked to a call or case", ""
            submit = store_with(self.workspace, self.runner)
        # The window's child, not the form's: the form's own Ctrl+Enter (save) must not
        # clash with the dialog's.
        self.dialog = CallbackRequestDialog(self.form.window(), number=number, about=about,
                                            submit=submit)
        self.dialog.accepted.connect(lambda: self._say(
            _stored_text(self.dialog.request) + (" Stored when the call is saved."
                                                 if self.pending else "")))
        self.dialog.open()

    def _keep(self, request: CallbackRequest, done, _failed) -> None:
        self.pending, self._pending_key = request, self.form.idempotency_key
        done(request)

    def _call_started(self) -> None:
        """A clean form: a request kept for a call that was not saved (kept on this PC, or
        cleared) must never go with the next caller's call."""
        in_flight = self.form.saving and self._pending_key == self.form.sending_key
        if self.pending is not None and not in_flight \
                and self._pending_key != self.form.idempotency_key:
            self.pending = None
            self._say("The callback asked for was not stored: its call was not saved here. "
                      "Ask for it again once that call is in.")

    def _call_saved(self, saved) -> None:
        self.last_saved = (saved, self.form.ui.phone.text())
        if self.pending is None or self._pending_key != self.form.sending_key:
            return  # none, or it belongs to the call now on the form
        pending, self.pending = self.pending, None
        linked = CallbackRequest(pending.phone, pending.reason, pending.due_at,
                                 saved.reference or "", saved.call_id)
        self.runner.run(lambda: self.workspace.callbacks.request_callback(linked),
                        lambda _row: self._say(_stored_text(linked)),
                        lambda exc: self._say(f"The callback was not stored: {exc}"),
                        write=True)

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))


def _layout_holding(layout: QLayout | None, widget: QWidget) -> QHBoxLayout | None:
    if layout is None:
        return None
    if layout.indexOf(widget) >= 0 and isinstance(layout, QHBoxLayout):
        return layout
    for index in range(layout.count()):
        found = _layout_holding(layout.itemAt(index).layout(), widget)
        if found is not None:
            return found
    return None
