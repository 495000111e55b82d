"""What a complaints officer does to the stage in hand, one panel per action.

The complaint view shows one panel at a time (chosen in its Action list), so
each panel's Alt+letters only need to be unique beside the register. Every
panel collects input and asks for the save with ``requested``; the view runs
the save and shows a refusal in the panel's ``error`` label.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from contactdesk.domain.complaints import Outcome, Stage

from .case_panels import error_label
from .complaints_form import pydate, qdate
from .dashboard_parts import london_today


def _date_edit(name: str, accessible: str, parent: QWidget) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(qdate(london_today()))
    return edit


def _text(name: str, accessible: str, lines: int, parent: QWidget) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


def _officer_combo(name: str, accessible: str, parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    return combo


class ActionPanel(QWidget):
    requested = Signal()
    KEY = ""
    TITLE = ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.error = error_label(self, f"{self.KEY}Error")
        self.button: QPushButton
        self.fields: dict[str, QWidget] = {}  # the service's field names -> their inputs

    def _add(self, text: str, widget: QWidget) -> None:
        label = QLabel(text, self)
        label.setBuddy(widget)
        self.form.addRow(label, widget)

    def _finish(self, button_text: str) -> None:
        self.button = QPushButton(button_text, self)
        self.button.setObjectName(f"{self.KEY}Button")
        self.button.setToolTip("Ctrl+Enter does it too")
        self.button.clicked.connect(self.requested)
        self.form.addRow(self.error)
        self.form.addRow(self.button)

    def set_officers(self, people) -> None:
        """The people who may handle a stage (supervisors and administrators)."""

    def clear_input(self) -> None:
        """Forget what was typed (a different complaint is shown)."""

    @property
    def first_field(self) -> QWidget:
        return self.form.itemAt(0, QFormLayout.ItemRole.FieldRole).widget()


class AssignPanel(ActionPanel):
    KEY, TITLE = "assign", "Assign the officer"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.officer = _officer_combo("assignOfficer", "Officer for this stage", self)
        self._add("Off&icer:", self.officer)
        self._finish("Assig&n")
        self.fields = {"officer": self.officer}

    def set_officers(self, people) -> None:
        keep = self.officer.currentData()
        self.officer.clear()
        for person in people:
            self.officer.addItem(person.full_name, person.id)
        self.officer.setCurrentIndex(max(self.officer.findData(keep), 0))


class AcknowledgePanel(ActionPanel):
    KEY, TITLE = "acknowledge", "Record the acknowledgement"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.day = _date_edit("acknowledgedOn", "Day acknowledged", self)
        self._add("Ac&knowledged on:", self.day)
        self._finish("Ackno&wledge")
        self.fields = {"acknowledged_on": self.day}

    @property
    def chosen_day(self):
        return pydate(self.day)


class ExtendPanel(ActionPanel):
    KEY, TITLE = "extend", "Extend the deadline (once)"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.days = QSpinBox(self)
        self.days.setObjectName("extensionDays")
        self.days.setAccessibleName("Extra working days")
        self.days.setRange(1, Stage.STAGE_1.rule.max_extension_days)
        self.days.setValue(10)
        self.days.setSuffix(" working days")
        self.reason = QLineEdit(self)
        self.reason.setObjectName("extensionReason")
        self.reason.setAccessibleName("Why more time is needed")
        self.reason.setPlaceholderText("Required: why the answer needs more time")
        self._add("E&xtra time:", self.days)
        self._add("Wh&y:", self.reason)
        self._finish("Exte&nd")
        self.reason.returnPressed.connect(self.requested)
        self.fields = {"extension_days": self.days, "extension_reason": self.reason}

    def clear_input(self) -> None:
        self.reason.clear()
        self.days.setValue(10)


class OutcomePanel(ActionPanel):
    KEY, TITLE = "outcome", "Record the outcome"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("complaintOutcome")
        self.outcome.setAccessibleName("Outcome")
        self.outcome.addItem("Choose the outcome…", "")
        for outcome in Outcome:
            self.outcome.addItem(outcome.label, outcome.value)
        self.day = _date_edit("responseOn", "Day answered", self)
        self.lessons = _text("lessonsLearnt", "Lessons learnt", 3, self)
        self.lessons.setPlaceholderText("Required when upheld or partly upheld")
        self.remedy = _text("remedy", "Remedy", 2, self)
        self._add("O&utcome:", self.outcome)
        self._add("Answered on (res&ponse):", self.day)
        self._add("Lesso&ns learnt:", self.lessons)
        self._add("Remed&y:", self.remedy)
        self._finish("Close the stage wit&h this outcome")
        self.fields = {"outcome": self.outcome, "response_on": self.day, "officer": self.outcome,
                       "lessons_learnt": self.lessons, "remedy": self.remedy}
        self.outcome.currentIndexChanged.connect(self._outcome_chosen)

    def _outcome_chosen(self) -> None:
        value = self.outcome.currentData()
        needed = bool(value) and Outcome(value).needs_lessons
        self.lessons.setPlaceholderText("Required: what will change because of this complaint"
                                        if needed else "Required when upheld or partly upheld")

    def clear_input(self) -> None:
        self.outcome.setCurrentIndex(0)
        self.lessons.clear()
        self.remedy.clear()
        self.day.setDate(qdate(london_today()))


class EscalatePanel(ActionPanel):
    KEY, TITLE = "escalate", "Escalate to the next stage"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.stage = QComboBox(self)
        self.stage.setObjectName("escalateStage")
        self.stage.setAccessibleName("Next stage")
        self.officer = _officer_combo("escalateOfficer", "Officer for the next stage", self)
        self.officer.addItem("Choose an officer…", None)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("escalationReason")
        self.reason.setAccessibleName("Why the complainant wants it escalated")
        self.reason.setPlaceholderText("Required: why the complainant is not satisfied")
        self.day = _date_edit("escalatedOn", "Day the next stage opened", self)
        self._add("Ne&xt stage:", self.stage)
        self._add("Off&icer:", self.officer)
        self._add("&Why:", self.reason)
        self._add("O&pened on:", self.day)
        self._finish("Escalate")
        self.reason.returnPressed.connect(self.requested)
        self.fields = {"officer": self.officer, "escalation_reason": self.reason,
                       "opened_on": self.day, "stage": self.stage}

    def set_next_stages(self, stages: tuple[str, ...]) -> None:
        keep = self.stage.currentData()
        self.stage.clear()
        for value in stages:
            self.stage.addItem(Stage(value).label, value)
        self.stage.setCurrentIndex(max(self.stage.findData(keep), 0))

    def set_officers(self, people) -> None:
        keep = self.officer.currentData()
        self.officer.clear()
        self.officer.addItem("Choose an officer…", None)
        for person in people:
            self.officer.addItem(person.full_name, person.id)
        self.officer.setCurrentIndex(max(self.officer.findData(keep), 0))

    def clear_input(self) -> None:
        self.reason.clear()
        self.officer.setCurrentIndex(0)
        self.day.setDate(qdate(london_today()))


PANELS = (AssignPanel, AcknowledgePanel, ExtendPanel, OutcomePanel, EscalatePanel)
# The service's action names (ComplaintDetail.actions) -> the panel for each.
ACTION_PANELS = {"assign": AssignPanel, "acknowledge": AcknowledgePanel, "extend": ExtendPanel,
                 "respond": OutcomePanel, "escalate": EscalatePanel}
FOCUS_REASON = Qt.FocusReason.OtherFocusReason
