"""One complaint: who, what, its stages and deadlines, and what to do with it next.

``show_complaint`` loads it in the background. Supervisors and administrators
handle it: the Action list offers only what the complaint's current stage
allows (assign, acknowledge, extend, record the outcome, escalate) and
Ctrl+Enter does the chosen action. Every save passes the version on screen; if
someone else saved first the view says so, reloads and keeps what was typed.
Agents see the complaint and its deadlines but cannot change it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.errors import ConflictError, ContactDeskError, ValidationError
from contactdesk.domain.permissions import HANDLER_ROLES, Permission
from contactdesk.dtos.complaints import ComplaintDetail

from .case_conflict import Choice, ConflictDialog, PendingWrite, changes_since
from .case_format import phone_display
from .case_panels import error_label, facts_form, placeholder_or_body, show_error
from .complaints_form import pydate
from .complaints_model import CHANNEL_LABELS, StagesModel, day_text, urgency_colours
from .complaints_panels import (
    ACTION_PANELS,
    FOCUS_REASON,
    AcknowledgePanel,
    AssignPanel,
    EscalatePanel,
    ExtendPanel,
    OutcomePanel,
)

_FACTS = (("complainant", "Complainant"), ("phone", "Phone"), ("email", "Email"),
          ("address", "Address"), ("service", "Service"), ("channel", "Channel"),
          ("received", "Received"), ("case", "Linked case"), ("logged", "Logged by"),
          ("description", "What went wrong"), ("wants", "Outcome wanted"),
          ("lessons", "Lessons learnt"), ("remedy", "Remedy"))
_FIELD_LABELS = {"officer": "Officer", "extension_days": "Extra time", "extension_reason": "Why",
                 "lessons_learnt": "Lessons learnt", "response_on": "Answered on",
                 "outcome": "Outcome", "remedy": "Remedy", "acknowledged_on": "Acknowledged on",
                 "escalation_reason": "Why", "opened_on": "Opened on", "stage": "Next stage"}


class ComplaintDetailView(QWidget):
    complaintChanged = Signal(str)  # reference, after a save
    complaintLoaded = Signal(str)

    def __init__(self, workspace, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("complaintDetail")
        self._workspace, self._runner = workspace, runner
        self.handler = workspace.may(Permission.HANDLE_COMPLAINTS)
        self.detail: ComplaintDetail | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self._reference: str | None = None
        self._generation = 0
        self._saving = False

        body = QWidget(self)
        self._build(body)
        self._placeholder, self._stack = placeholder_or_body(
            self, "No complaint open: choose one in the register and press Enter, or log a new "
            "one (Ctrl+Shift+N).", "complaintPlaceholder", body)
        if self.handler:
            runner.run(workspace.users.list_users, self._fill_officers,
                       lambda exc: show_error(self.error, f"Could not load the staff: {exc}"))

    # -- building ----------------------------------------------------------------
    def _build(self, body: QWidget) -> None:
        self.reference = QLabel(body)
        self.reference.setObjectName("complaintReference")
        self.reference.setProperty("role", "reference")
        self.reference.setAccessibleName("Complaint reference")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel(body)
        self.status.setObjectName("complaintStatus")
        self.status.setProperty("role", "heading")
        self.status.setAccessibleName("Stage and status")
        self.countdown = QLabel(body)
        self.countdown.setObjectName("complaintCountdown")
        self.countdown.setAccessibleName("Next deadline")
        self.error = error_label(body, "complaintError")
        self._facts, self.values = facts_form(body, _FACTS, "complaint_{key}")

        self.stages_model = StagesModel(self)
        self.stages = QTableView(body)
        self.stages.setObjectName("complaintStages")
        self.stages.setAccessibleName("Stages")
        self.stages.setModel(self.stages_model)
        self.stages.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stages.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.stages.setTabKeyNavigation(False)
        self.stages.verticalHeader().hide()
        self.stages.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        stages_box = QGroupBox("Stages", body)
        QVBoxLayout(stages_box).addWidget(self.stages)

        self.action = QComboBox(body)
        self.action.setObjectName("complaintAction")
        self.action.setAccessibleName("Action")
        self.assign, self.acknowledge = AssignPanel(body), AcknowledgePanel(body)
        self.extend, self.outcome = ExtendPanel(body), OutcomePanel(body)
        self.escalate = EscalatePanel(body)
        self.panels = (self.assign, self.acknowledge, self.extend, self.outcome, self.escalate)
        self.panel_stack = QStackedWidget(body)
        for panel in self.panels:
            self.panel_stack.addWidget(panel)
            panel.requested.connect(self.do_action)
        self.no_action = QLabel(body)
        self.no_action.setObjectName("complaintNoAction")
        self.no_action.setWordWrap(True)
        self.no_action.setProperty("role", "note")
        action_box = QGroupBox("Handle the complaint", body)
        action_layout = QVBoxLayout(action_box)
        self.chooser = QWidget(body)
        chooser = QHBoxLayout(self.chooser)
        chooser.setContentsMargins(0, 0, 0, 0)
        label = QLabel("&Action:", self.chooser)
        label.setBuddy(self.action)
        chooser.addWidget(label)
        chooser.addWidget(self.action, 1)
        action_layout.addWidget(self.chooser)
        action_layout.addWidget(self.panel_stack)
        action_layout.addWidget(self.no_action)
        self.action_box = action_box
        self.action.currentIndexChanged.connect(self._action_chosen)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), action_box, self.do_action,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        header = QHBoxLayout()
        header.addWidget(self.reference)
        header.addWidget(self.status)
        header.addStretch(1)
        clock = QHBoxLayout()
        clock.addWidget(self.countdown)
        clock.addStretch(1)
        layout = QVBoxLayout(body)
        layout.addLayout(header)
        layout.addLayout(clock)
        layout.addWidget(self.error)
        layout.addLayout(self._facts)
        layout.addWidget(stages_box)
        layout.addWidget(action_box)
        layout.addStretch(1)

    # -- loading -----------------------------------------------------------------
    def show_complaint(self, reference: str) -> None:
        reference = reference.strip().upper()
        if reference != self._reference:
            self._reference = reference
            for panel in self.panels:
                panel.clear_input()
                show_error(panel.error, "")
            show_error(self.error, "")
        self._load()

    @property
    def current_reference(self) -> str | None:
        return self._reference

    def reload(self) -> None:
        if self._reference:
            self._load()

    def _load(self) -> None:
        self._generation += 1
        generation, reference = self._generation, self._reference
        complaints = self._workspace.complaints
        self._runner.run(lambda: complaints.get_complaint(reference),
                         lambda detail: self._loaded(generation, detail),
                         lambda exc: self._load_failed(generation, exc))

    def _loaded(self, generation: int, detail: ComplaintDetail) -> None:
        if generation != self._generation or detail.reference != self._reference:
            return
        self.detail = detail
        self._render(detail)
        self._stack.setCurrentIndex(1)
        self.complaintLoaded.emit(detail.reference)

    def _load_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self._placeholder.setText(f"Could not open {self._reference}: {exc}")
        show_error(self.error, f"Could not open {self._reference}: {exc}")
        self._stack.setCurrentIndex(1 if self.detail else 0)

    def _fill_officers(self, people) -> None:
        handlers = [p for p in people if p.active and p.role in HANDLER_ROLES]
        for panel in self.panels:
            panel.set_officers(handlers)

    # -- showing -----------------------------------------------------------------
    def _render(self, d: ComplaintDetail) -> None:
        self.reference.setText(d.reference)
        current = d.current
        if d.status == "open":
            self.status.setText(f"{d.stage_label}: open")
        else:
            self.status.setText(f"{d.stage_label}: {current.outcome_label or 'closed'}")
        clock = d.countdown
        self.countdown.setText(clock.text if clock else f"Closed {day_text(d.closed_on)}")
        colours = urgency_colours(clock.urgency) if clock else None
        # A style sheet of its own, so the app's style sheets cannot drop the warning colours.
        self.countdown.setStyleSheet(
            f"color: {colours[0].name()}; background: {colours[1].name()}; font-weight: bold; "
            "padding: 3px 6px; border-radius: 3px;" if colours else "padding: 3px 6px;")
        answered = next((s for s in reversed(d.stages) if s.outcome), None)
        texts = {
            "complainant": d.complainant_name, "phone": phone_display(d.complainant_phone),
            "email": d.complainant_email or "", "address": d.complainant_address or "",
            "service": d.service, "channel": CHANNEL_LABELS.get(d.channel, d.channel),
            "received": day_text(d.received_on), "case": d.case_reference or "",
            "logged": d.logged_by or "", "description": d.description,
            "wants": d.desired_outcome or "",
            "lessons": (answered.lessons_learnt or "") if answered else "",
            "remedy": (answered.remedy or "") if answered else "",
        }
        for key, text in texts.items():
            self.values[key].setText(text)
            self._facts.setRowVisible(self.values[key], bool(text) or key in (
                "complainant", "service", "received", "description"))
        self.stages_model.set_rows(d.stages)
        rows = self.stages.verticalHeader().length() or self.stages.fontMetrics().lineSpacing() * 2
        self.stages.setFixedHeight(self.stages.horizontalHeader().height() + rows
                                   + self.stages.horizontalScrollBar().sizeHint().height()
                                   + 2 * self.stages.frameWidth() + 2)
        self._offer_actions(d)

    def _offer_actions(self, d: ComplaintDetail) -> None:
        wanted = self.action.currentData()
        self.action.blockSignals(True)
        self.action.clear()
        if self.handler:
            for key in d.actions:
                self.action.addItem(ACTION_PANELS[key].TITLE, key)
        self.action.setCurrentIndex(max(self.action.findData(wanted), 0))
        self.action.blockSignals(False)
        self.escalate.set_next_stages(d.next_stages)
        if not self.handler:
            self.no_action.setText("Supervisors and administrators handle complaints: ask one "
                                   "to take this forward.")
        elif not d.actions:
            self.no_action.setText("Nothing more to do: this complaint is closed for good.")
        else:
            self.no_action.setText("")
        self.chooser.setVisible(self.action.count() > 0)
        self._action_chosen()

    def _action_chosen(self) -> None:
        panel = self.current_panel
        self.panel_stack.setVisible(panel is not None)
        self.no_action.setVisible(bool(self.no_action.text()))
        if panel is not None:
            self.panel_stack.setCurrentWidget(panel)

    @property
    def current_panel(self):
        key = self.action.currentData()
        cls = ACTION_PANELS.get(key) if key else None
        return next((p for p in self.panels if type(p) is cls), None)

    def choose_action(self, key: str) -> None:
        """Show the panel for ``key`` (assign, acknowledge, extend, respond, escalate)."""
        row = self.action.findData(key)
        if row < 0:
            raise ValueError(f"{key} is not offered now")
        self.action.setCurrentIndex(row)

    # -- writing -----------------------------------------------------------------
    def do_action(self) -> None:
        panel, d = self.current_panel, self.detail
        if panel is None or d is None or self._saving:
            return
        ops, ref = self._workspace.complaints, d.reference
        if panel is self.assign:
            officer = panel.officer.currentData()
            work = lambda v: ops.assign_officer(ref, officer, expected_version=v)  # noqa: E731
            what = "change the officer"
        elif panel is self.acknowledge:
            day = panel.chosen_day
            work = lambda v: ops.acknowledge(ref, day, expected_version=v)  # noqa: E731
            what = "record the acknowledgement"
        elif panel is self.extend:
            days, reason = panel.days.value(), panel.reason.text()
            work = lambda v: ops.extend(ref, days, reason, expected_version=v)  # noqa: E731
            what = f"extend the deadline by {days} working days"
        elif panel is self.outcome:
            outcome, day = panel.outcome.currentData() or "", pydate(panel.day)
            lessons, remedy = panel.lessons.toPlainText(), panel.remedy.toPlainText()
            work = lambda v: ops.record_outcome(  # noqa: E731
                ref, outcome, day, lessons_learnt=lessons, remedy=remedy, expected_version=v)
            what = "record the outcome"
        else:
            stage, officer = panel.stage.currentData() or "", panel.officer.currentData()
            reason, day = panel.reason.text(), pydate(panel.day)
            work = lambda v: ops.escalate(ref, officer, reason,  # noqa: E731
                                          stage=stage, opened_on=day, expected_version=v)
            what = "escalate it"
        self._run(panel, PendingWrite(what, work, "", panel.clear_input, d.history), d.version)

    def _run(self, panel, pending: PendingWrite, version: int) -> None:
        ref = self.detail.reference
        self._saving = True
        self._runner.run(lambda: pending.redo(version), lambda detail: self._saved(panel, detail),
                         lambda exc: self._failed(panel, ref, exc, pending), write=True)

    def _conflict(self, panel, detail: ComplaintDetail, pending: PendingWrite) -> None:
        """Show their change, then let the person choose (apply theirs anyway, or discard)."""
        if detail.reference != self._reference:
            return
        self.detail = detail
        self._render(detail)
        dialog = ConflictDialog(detail.reference, pending,
                                changes_since(pending.seen_history, detail.history),
                                {"officer_id": self._officer_names()}, self,
                                created="Stage opened")
        dialog.finished.connect(lambda _code: self._conflict_choice(dialog.choice, panel, pending))
        self.conflict_dialog = dialog
        dialog.open()

    def _conflict_choice(self, choice: Choice, panel, pending: PendingWrite) -> None:
        if choice is Choice.APPLY_MINE and self.detail is not None:
            self._run(panel, pending, self.detail.version)
        else:
            pending.clear_typed()
            show_error(self.error, "")

    def _officer_names(self) -> dict[int, str]:
        combo = self.assign.officer  # every officer who may be named
        return {combo.itemData(i): combo.itemText(i) for i in range(combo.count())
                if combo.itemData(i) is not None}

    def _saved(self, panel, detail: ComplaintDetail) -> None:
        self._saving = False
        if detail.reference == self._reference:
            panel.clear_input()
            show_error(panel.error, "")
            show_error(self.error, "")
            self.detail = detail
            self._render(detail)
        self.complaintChanged.emit(detail.reference)

    def _failed(self, panel, reference: str, exc: Exception, pending: PendingWrite) -> None:
        self._saving = False
        if reference != self._reference:
            return
        if isinstance(exc, ConflictError):
            show_error(self.error, f"Someone else changed {reference} while you were working on "
                       "it: what you typed is kept.")
            ops = self._workspace.complaints
            self._runner.run(lambda: ops.get_complaint(reference),
                             lambda detail: self._conflict(panel, detail, pending))
        elif isinstance(exc, ValidationError):
            show_error(panel.error, "; ".join(
                f"{_FIELD_LABELS.get(i.field, i.field)}: {i.message}" for i in exc.issues))
            widget = panel.fields.get(exc.issues[0].field, panel.first_field)
            widget.setFocus(FOCUS_REASON)
        elif isinstance(exc, ContactDeskError):  # TransitionError, PermissionDenied, NotFound
            show_error(panel.error, str(exc))
        else:
            show_error(self.error, f"Could not save {reference}: {exc}. What you typed is kept.")
