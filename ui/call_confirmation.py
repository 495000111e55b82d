"""What the agent tells the caller once their call is saved: the reference, when to expect
action, and a line to read out.

The band keeps one fixed height from the moment the form shows, so nothing in the form
moves when a confirmation appears or changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QWidget

from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.calls import CallSaved

log = logging.getLogger(__name__)

NO_CASE_PROMISES = {
    "information_given": "No case was needed: the caller was given information.",
    "resolved_first_contact": "Resolved on this call: there is nothing to follow up.",
    "transferred": "The caller was transferred: no case was made here.",
}


def day_in_words(moment: datetime, now: datetime) -> str:
    """'Tuesday 9 December' (with the year when it is not this year), or '4:30pm today'."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(LONDON)
    today = now.astimezone(LONDON).date()
    if local.date() == today:
        hour = local.strftime("%I").lstrip("0")
        minutes = "" if local.minute == 0 else local.strftime(":%M")
        return f"{hour}{minutes}{local.strftime('%p').lower()} today"
    words = f"{local:%A} {local.day} {local:%B}"
    return words if local.year == today.year else f"{words} {local.year}"


@dataclass(frozen=True)
class Confirmation:
    headline: str  # the reference, or what happened when there is none
    promise: str  # when the caller can expect action, as a sentence
    script: str  # one line for the agent to read out


def confirmation_for(saved: CallSaved, outcome: str, now: datetime, *,
                     due_known: bool = True) -> Confirmation:
    """The words for a saved call; ``due_known`` is False when the due date could not be read."""
    reference = saved.reference
    if not reference:
        promise = NO_CASE_PROMISES.get(outcome, "No case was needed for this call.")
        return Confirmation("Call logged", promise, "Is there anything else I can help you with?")
    added = not saved.created_case
    said = (f"This is already reported and your call is added to it. The reference is {reference}."
            if added else f"Your reference is {reference}.")
    if not due_known:
        promise = ("The due date could not be looked up: the caller can quote the reference "
                   "to ask how it is going.")
        return Confirmation(reference, promise, f"{said} Please quote it if you call us about this.")
    if saved.due_at is None:
        promise = ("No date is set for this kind of case: the service deals with it in turn "
                   "and contacts the caller if they need more.")
        return Confirmation(reference, promise,
                            f"{said} The team deals with it in turn and will contact you if "
                            "they need anything more.")
    day = day_in_words(saved.due_at, now)
    if saved.due_at <= now:
        promise = f"It was due by {day} and is still open."
        return Confirmation(reference, promise, f"{said} {promise}")
    promise = f"We aim to deal with {'it' if added else 'this'} by {day}."
    return Confirmation(reference, promise, f"{said} {promise}")


def with_due_date(workspace, saved: CallSaved) -> tuple[CallSaved, bool]:
    """The save's result with its case's due date (run on the worker after the save).

    The call is saved by then: a failed look-up is reported as an unknown date, never as
    a failed save.
    """
    if not saved.reference or saved.due_at is not None:
        return saved, True
    try:
        return replace(saved, due_at=workspace.calls.case_due_at(saved.reference)), True
    except Exception as exc:  # noqa: BLE001 - any failure here leaves the save as it is
        log.warning("the due date of %s could not be read: %s", saved.reference, exc)
        return saved, False


class ConfirmationBand(QFrame):
    """The last save's reference (large), the promise and the script, in a fixed-height band."""

    SCRIPT_LINES = 2

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("callConfirmation")
        self.setAccessibleName("Last call saved")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.reference = QLabel("", self)
        self.reference.setObjectName("referenceLabel")
        self.reference.setAccessibleName("Last reference")
        self.reference.setFont(_font(self.font(), 2.0, bold=True))  # the themes size it too
        self.reference.setProperty("role", "reference")
        self.reference.setTextFormat(Qt.TextFormat.PlainText)
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                               | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.caption = self._label("referenceCaption", "No call saved yet")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.promise = self._label("duePromise", "")
        self.promise.setFont(_font(self.font(), 1.2, bold=True))
        self.promise.setProperty("role", "heading")
        self.script = self._label("callerScript", "After a save, the reference and what to "
                                                  "tell the caller show here.")
        self.script.setAccessibleName("Say to the caller")
        self.script.setWordWrap(True)
        self.script.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.notes = self._label("saveNotes", "")
        self.notes.setProperty("severity", "warning")
        self.notes.hide()
        layout = QGridLayout(self)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.reference, 0, 0)
        layout.addWidget(self.caption, 0, 1)
        layout.addWidget(self.promise, 1, 0, 1, 2)
        layout.addWidget(self.script, 2, 0, 1, 2)
        layout.addWidget(self.notes, 3, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        layout.setRowStretch(2, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._reserve_height()

    def showEvent(self, event) -> None:
        self._reserve_height()  # the stylesheet's fonts are known once polished
        super().showEvent(event)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._reserve_height()

    def _reserve_height(self) -> None:
        for label in (self.reference, self.promise, self.script, self.notes):
            label.ensurePolished()
        self.setFixedHeight(self._reserved_height())

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _reserved_height(self) -> int:
        """Room for every line the band can show, so showing any of them moves nothing."""
        lines = (QFontMetrics(self.reference.font()).height()
                 + QFontMetrics(self.promise.font()).height()
                 + self.SCRIPT_LINES * QFontMetrics(self.script.font()).lineSpacing()
                 + QFontMetrics(self.notes.font()).height())
        margins = self.layout().contentsMargins()
        return lines + 3 * self.layout().verticalSpacing() + margins.top() + margins.bottom() \
            + 2 * self.frameWidth()

    def show_saved(self, saved: CallSaved, confirmation: Confirmation) -> None:
        self.reference.setText(confirmation.headline)
        self.reference.show()
        if saved.reference:
            self.caption.setText(("New case" if saved.created_case else "Caller added to the open case")
                                 + ": reference copied to the clipboard")
        else:
            self.caption.setText("No case for this call")
        self.promise.setText(confirmation.promise)
        self.script.setText(f"Say: \u201c{confirmation.script}\u201d")
        notes = "; ".join(issue.message for issue in saved.warnings)
        self.notes.setText(f"Saved with a warning: {notes}" if notes else "")
        self.notes.setToolTip(self.notes.text())
        self.notes.setVisible(bool(notes))


def _font(base: QFont, scale: float, bold: bool = False) -> QFont:
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * scale)
    font.setBold(bold)
    return font
