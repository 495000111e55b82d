"""One case, and the work an agent does on it: status, reassignment, notes, history.

``show_case`` loads the case in the background. Every change is a background
write that passes the version on screen; if someone else saved first the view
says so, reloads to show their change and keeps what the agent typed.
``caseChanged`` fires after each successful save.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.errors import ConflictError, ContactDeskError, ValidationError
from contactdesk.dtos.cases import CaseDetail
from contactdesk.dtos.changes import Changed, OpChanges
from contactdesk.workspace import ELSEWHERE

from .call_draft import DraftFile
from .callback_request import ask_for_case, request_button
from .case_conflict import Choice, ConflictDialog, PendingWrite, changes_since
from .case_edit_draft import CaseEditDraft
from .case_format import (
    CALL_LINK_LABELS,
    DATETIME_SAMPLE,
    is_overdue,
    local_time,
    phone_display,
    status_label,
)
from .case_history_model import CaseHistoryModel
from .case_hold import HoldPanel
from .case_panels import (
    ERROR_COLOUR,
    NotesPanel,
    ReassignPanel,
    StatusPanel,
    error_label,
    facts_form,
    placeholder_or_body,
    set_role,
    show_error,
)
from .case_presence import AlsoOpenBy

# How the fields the services name in a ValidationError are labelled on screen.
_FIELD_NAMES = {"reason": "Reason", "routing_reason": "Reason for moving", "note": "Note",
                "duplicate_of": "Duplicate of", "service": "Service", "visibility": "Visibility"}
_FACTS = (("category", "Category"), ("service", "Service"), ("priority", "Priority"),
          ("caller", "Caller"), ("phone", "Phone"), ("location", "Location"),
          ("postcode", "Postcode"), ("received", "Received"), ("due", "Due"),
          ("closed", "Closed"), ("duplicate", "Duplicate of"), ("description", "Description"))


def _issue_text(field: str, message: str) -> str:
    label = _FIELD_NAMES.get(field, field.replace("_", " ").capitalize())
    return f"{label} {message}" if message.startswith("is ") else f"{label}: {message}"


class CaseDetailView(QWidget):
    caseChanged = Signal(str)  # reference, after a save succeeded
    caseLoaded = Signal(str)  # reference, once its details are on screen

    def __init__(self, workspace, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("caseDetail")
        self._workspace = workspace
        self._runner = runner
        self.detail: CaseDetail | None = None
        self.conflict_dialog: ConflictDialog | None = None  # open while a conflict is decided
        self._reference: str | None = None
        self._generation = 0
        self._saving = False
        runner.follow_changes(workspace, self.on_operation_did_execute)
        self.edit_draft: CaseEditDraft | None = None  # set by keep_drafts: what is typed, on disk
        # (version, history entries seen) a restored draft was typed against: its first save
        # is made against that version, so a change made meanwhile meets the conflict dialog.
        self._pinned: tuple[int, int] | None = None
        self._service_names: dict[int, str] = {}
        self._category_names: dict[int, str] = {}

        body = QWidget(self)
        self._build(body)
        self._placeholder, self._stack = placeholder_or_body(
            self, "No case open: find one in the case list and press Enter.",
            "caseDetailPlaceholder", body)

        catalogue = workspace.catalogue
        self._runner.run(lambda: (catalogue.list_services(), catalogue.list_categories()),
                         self._fill_catalogue, lambda exc: show_error(self.error, str(exc)))

    # -- building ----------------------------------------------------------------
    def _build(self, body: QWidget) -> None:
        self.reference = QLabel(body)
        self.reference.setObjectName("caseReference")
        font = QFont(self.reference.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.reference.setFont(font)
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                               | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.reference.setAccessibleName("Case reference")
        self.reference.setProperty("role", "reference")
        self.status_badge = QLabel(body)
        self.status_badge.setObjectName("caseStatusBadge")
        self.status_badge.setProperty("role", "heading")
        self.status_badge.setAccessibleName("Status")
        heading = QFont(self.status_badge.font())
        heading.setPointSizeF(heading.pointSizeF() * 1.3)
        heading.setBold(True)
        self.status_badge.setFont(heading)
        self.error = error_label(body, "detailError")

        self._facts, self.values = facts_form(body, _FACTS, "{key}Value")

        self.status_panel = StatusPanel(body)
        self.reassign_panel = ReassignPanel(body)
        self.notes_panel = NotesPanel(body)
        self.status_panel.applyRequested.connect(self.apply_status_change)
        self.reassign_panel.reassignRequested.connect(self.reassign)
        self.notes_panel.addRequested.connect(self.add_note)
        self.hold_panel = HoldPanel(body)
        self.hold_panel.holdRequested.connect(self.hold)
        self.hold_panel.resumeRequested.connect(self.resume)

        self.calls_model = QStandardItemModel(self)
        self.calls = QListView(body)
        self.calls.setObjectName("callsList")
        self.calls.setAccessibleName("Calls about this case")
        self.calls.setModel(self.calls_model)
        self.calls.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.calls.setMaximumHeight(self.calls.fontMetrics().lineSpacing() * 4 + 12)
        calls_box = QGroupBox("Calls about this case", body)
        QVBoxLayout(calls_box).addWidget(self.calls)

        self.history_model = CaseHistoryModel(self)
        self.history = QTableView(body)
        self.history.setObjectName("historyTable")
        self.history.setAccessibleName("Case history")
        self.history.setModel(self.history_model)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setTabKeyNavigation(False)
        self.history.setAlternatingRowColors(True)
        self.history.setWordWrap(True)  # a long change (a new description) wraps, never cuts
        self.history.verticalHeader().hide()
        self.history.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        metrics = self.history.fontMetrics()
        header = self.history.horizontalHeader()
        header.resizeSection(0, metrics.horizontalAdvance(DATETIME_SAMPLE) + 24)
        header.resizeSection(1, metrics.horizontalAdvance("Margaret Richardson") + 24)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.history.setMinimumHeight(metrics.lineSpacing() * 9)
        history_box = QGroupBox("History", body)
        QVBoxLayout(history_box).addWidget(self.history)

        header_row = QHBoxLayout()
        header_row.addWidget(self.reference)
        header_row.addWidget(self.status_badge)
        self.also_open_by = AlsoOpenBy(self._workspace, self._runner, body)
        header_row.addWidget(self.also_open_by)
        header_row.addStretch(1)
        self.callback_button = request_button(self, self.request_callback,
                                              "caseRequestCallbackButton")
        header_row.addWidget(self.callback_button)
        # Left: the case and what was said about it; right: what to do with it; below: what was done.
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addLayout(self._facts)
        left.addWidget(calls_box)
        left.addWidget(self.notes_panel, 1)
        right.addWidget(self.status_panel)
        right.addWidget(self.reassign_panel)
        right.addWidget(self.hold_panel)
        right.addStretch(1)
        # Side by side where there is room; one above the other in a narrow pane (a large
        # font or 150% scaling), so no field is ever cut or scrolled sideways.
        self._columns = columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._left, self._right = left, right
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(body)
        layout.addLayout(header_row)
        layout.addWidget(self.error)
        layout.addLayout(columns, 1)
        # Full width, so who changed what is read whole even beside a narrow window's list.
        layout.addWidget(history_box)

        status, reassign, notes = self.status_panel, self.reassign_panel, self.notes_panel
        chain = (status.combo, status.reason, status.duplicate_of, status.button,
                 reassign.service, reassign.reason, reassign.button,
                 self.hold_panel.reason, self.hold_panel.button,
                 notes.text, notes.visibility, notes.button, notes.list, self.calls, self.history)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        needed = (self._left.minimumSize().width() + self._right.minimumSize().width()
                  + self._columns.spacing() + 2 * self.style().pixelMetric(
                      self.style().PixelMetric.PM_ScrollBarExtent) + 24)
        wanted = (QBoxLayout.Direction.LeftToRight if self.width() >= needed
                  else QBoxLayout.Direction.TopToBottom)
        if self._columns.direction() != wanted:
            self._columns.setDirection(wanted)

    # -- loading -----------------------------------------------------------------
    def show_case(self, reference: str) -> None:
        """Load and show ``reference``; a different case clears what was typed for the last one."""
        reference = reference.strip().upper()
        if reference != self._reference:
            self._reference = reference
            self.status_panel.clear_input()
            self.reassign_panel.reason.clear()
            self.notes_panel.text.clear()
            self.hold_panel.reason.clear()
            for label in (self.error, self.status_panel.error, self.reassign_panel.error,
                          self.notes_panel.error, self.hold_panel.error):
                show_error(label, "")
            self.also_open_by.follow(reference)
            self._pinned = None
        self._load()

    def keep_drafts(self, drafts: DraftFile) -> None:
        """Autosave what is typed on the open case to ``drafts``."""
        self.edit_draft = CaseEditDraft(self, drafts)

    def restore_draft(self, draft: dict) -> None:
        if self.edit_draft is not None:
            self.edit_draft.restore(draft)

    def pin_version(self, version: int, history_seen: int) -> None:
        """What is on screen was typed against ``version``: save it against that, not the latest."""
        if self.detail is None:
            return
        self._pinned = (version, history_seen)
        if self.detail.summary.version != version:
            show_error(self.error, f"{self.detail.summary.reference} was changed by someone else "
                       "after this was typed: saving it first shows you what changed.")

    def on_operation_did_execute(self, changes: OpChanges) -> None:
        """Another desk changed cases: show the open one as it now is (what is typed stays)."""
        if changes.operation == ELSEWHERE and changes.touches(Changed.CASES) \
                and self._reference and not self._saving and self.conflict_dialog_closed():
            self.reload()

    def conflict_dialog_closed(self) -> bool:
        return self.conflict_dialog is None or not self.conflict_dialog.isVisible()

    def reload(self) -> None:
        if self._reference:
            self._load()

    @property
    def current_reference(self) -> str | None:
        return self._reference

    def request_callback(self) -> None:
        """Ctrl+Shift+B: ring this case's caller back (number prefilled from the case)."""
        if self.detail is None:
            return
        reference = self.detail.summary.reference
        ask_for_case(self, self._workspace, self._runner, reference,
                     phone_display(self.detail.caller_phone),
                     lambda text: self.window().statusBar().showMessage(text, 10_000)
                     if hasattr(self.window(), "statusBar") else None)

    def _load(self) -> None:
        self._generation += 1
        generation, reference, cases = self._generation, self._reference, self._workspace.cases
        self._runner.run(lambda: cases.get_case(reference),
                         lambda detail: self._loaded(generation, detail),
                         lambda exc: self._load_failed(generation, exc))

    def _loaded(self, generation: int, detail: CaseDetail) -> None:
        if generation != self._generation or detail.summary.reference != self._reference:
            return  # another case was asked for since
        self.detail = detail
        self._render(detail)
        self._stack.setCurrentIndex(1)
        self.caseLoaded.emit(detail.summary.reference)

    def _load_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        message = f"Could not open {self._reference}: {exc}"
        self._placeholder.setText(message)
        show_error(self.error, message)
        self._stack.setCurrentIndex(1 if self.detail else 0)

    def _conflict(self, detail: CaseDetail, pending: PendingWrite, error: QLabel,
                  field: QWidget) -> None:
        """Show their change, then let the agent choose what happens to theirs."""
        if detail.summary.reference != self._reference:
            return
        self._loaded(self._generation, detail)
        names = {"service_id": self._service_names, "category_id": self._category_names}
        dialog = ConflictDialog(detail.summary.reference, pending,
                                changes_since(pending.seen_history, detail.history), names, self)
        dialog.finished.connect(lambda _code: self._conflict_choice(
            dialog.choice, pending, error, field))
        self.conflict_dialog = dialog
        dialog.open()

    def _conflict_choice(self, choice: Choice, pending: PendingWrite, error: QLabel,
                         field: QWidget) -> None:
        if self.detail is None:
            return
        if choice is Choice.APPLY_MINE:
            self._write(pending.redo, error, field, pending.clear_typed, what=pending.what,
                        typed=pending.typed, version=self.detail.summary.version)
        elif choice is Choice.KEEP_NOTE and pending.typed:
            reference, cases = self.detail.summary.reference, self._workspace.cases
            self._write(lambda _version: cases.add_note(reference, pending.typed, "internal"),
                        error, field, pending.clear_typed, what="add a note",
                        typed=pending.typed)
        else:
            pending.clear_typed()
            show_error(self.error, "")
        field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_catalogue(self, loaded) -> None:
        services, categories = loaded
        self._service_names = {s.id: s.name for s in services}
        self._category_names = {c.id: c.name for c in categories}
        self.reassign_panel.set_services(services)
        if self.detail is not None:
            self._render(self.detail)

    # -- showing -----------------------------------------------------------------
    def _render(self, detail: CaseDetail) -> None:
        case = detail.summary
        self.reference.setText(case.reference)
        self.status_badge.setText(status_label(case.status))
        overdue = is_overdue(case.status, case.due_at)
        texts = {
            "category": case.category, "service": case.service,
            "priority": detail.priority.capitalize(), "caller": detail.caller_name or "(not given)",
            "phone": phone_display(detail.caller_phone) or "(not given)",
            "location": case.location or "(none)", "postcode": case.postcode or "(none)",
            "received": local_time(case.received_at),
            "due": (f"on hold since {local_time(detail.hold.started_at)}: clock stopped"
                    if detail.hold else
                    (local_time(case.due_at) or "(no target)") + (": overdue" if overdue else "")),
            "closed": local_time(detail.closed_at), "duplicate": detail.duplicate_of or "",
            "description": detail.description,
        }
        for key, text in texts.items():
            self.values[key].setText(text)
        self._facts.setRowVisible(self.values["closed"], detail.closed_at is not None)
        self._facts.setRowVisible(self.values["duplicate"], bool(detail.duplicate_of))
        set_role(self.values["due"], "error" if overdue else None)
        due_font = self.values["due"].font()
        due_font.setBold(overdue)
        self.values["due"].setFont(due_font)
        palette = self.palette()
        if overdue:
            palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOUR)
        self.values["due"].setPalette(palette)
        self.values["due"].setToolTip("Overdue: past its due time and still open" if overdue else "")
        self.values["due"].setAccessibleName("Due, overdue" if overdue else "Due")

        self.status_panel.set_case(detail)
        self.reassign_panel.set_current(case.service)
        self.hold_panel.set_case(detail)
        self.notes_panel.set_notes(detail.notes)
        self.calls_model.clear()
        for _call_id, started_at, link in detail.calls:
            self.calls_model.appendRow(QStandardItem(
                f"{local_time(started_at)} · {CALL_LINK_LABELS.get(link, link)}"))
        self.history_model.set_history(detail.history, service_names=self._service_names,
                                       category_names=self._category_names,
                                       duplicate_of=detail.duplicate_of)

    # -- writing -----------------------------------------------------------------
    def apply_status_change(self) -> None:
        panel = self.status_panel
        if self.detail is None or self._saving or panel.target is None:
            return
        case, target = self.detail.summary, panel.target
        reason, original = panel.reason.text(), panel.duplicate_of.text()
        cases = self._workspace.cases
        self._write(lambda version: cases.change_status(case.reference, target,
                                                        expected_version=version, reason=reason,
                                                        duplicate_of=original),
                    panel.error, panel.reason, panel.clear_input,
                    what=f"change the status to {status_label(target)}", typed=reason)

    def reassign(self) -> None:
        panel = self.reassign_panel
        if self.detail is None or self._saving or panel.chosen is None:
            return
        case, service, reason = self.detail.summary, panel.chosen, panel.reason.text()
        cases = self._workspace.cases
        self._write(lambda version: cases.reassign(case.reference, service, reason,
                                                   expected_version=version),
                    panel.error, panel.reason, panel.reason.clear,
                    what="move it to another service", typed=reason)

    def hold(self) -> None:
        panel = self.hold_panel
        if self.detail is None or self._saving:
            return
        case, reason = self.detail.summary, panel.reason.text()
        cases = self._workspace.cases
        self._write(lambda version: cases.hold(case.reference, reason, expected_version=version),
                    panel.error, panel.reason, panel.reason.clear,
                    what="put it on hold", typed=reason)

    def resume(self) -> None:
        panel = self.hold_panel
        if self.detail is None or self._saving:
            return
        case, cases = self.detail.summary, self._workspace.cases
        self._write(lambda version: cases.resume(case.reference, expected_version=version),
                    panel.error, panel.button, lambda: None, what="resume it")

    def add_note(self) -> None:
        panel = self.notes_panel
        if self.detail is None or self._saving:
            return
        reference, body, visibility = self.detail.summary.reference, panel.body, panel.chosen_visibility
        cases = self._workspace.cases
        self._write(lambda _version: cases.add_note(reference, body, visibility),
                    panel.error, panel.text, panel.text.clear, what="add a note", typed=body,
                    versioned=False)

    def _write(self, work, error: QLabel, field: QWidget, clear_typed, *, what: str,
               typed: str = "", version: int | None = None, versioned: bool = True) -> None:
        """Save in the background against the version on screen (or ``version``)."""
        detail = self.detail
        reference = detail.summary.reference
        seen = detail.history
        if versioned and version is None and self._pinned is not None:
            (version, history_seen), self._pinned = self._pinned, None
            seen = detail.history[:history_seen]
        pending = PendingWrite(what, work, typed.strip(), clear_typed, seen)
        version = detail.summary.version if version is None else version
        self._saving = True
        self._runner.run(lambda: work(version),
                         lambda _result: self._saved(reference, error, clear_typed),
                         lambda exc: self._save_failed(reference, exc, error, field, pending),
                         write=True)

    def _saved(self, reference: str, error: QLabel, clear_typed) -> None:
        self._saving = False
        if reference == self._reference:
            clear_typed()
            show_error(self.error, "")
            show_error(error, "")
            self.reload()
        self.caseChanged.emit(reference)

    def _save_failed(self, reference: str, exc: Exception, error: QLabel, field: QWidget,
                     pending: PendingWrite) -> None:
        self._saving = False
        if reference != self._reference:
            return
        if isinstance(exc, ConflictError):
            show_error(self.error, f"Someone else changed {reference} while you were working "
                       "on it: what you typed is kept.")
            cases = self._workspace.cases
            self._runner.run(lambda: cases.get_case(reference),
                             lambda detail: self._conflict(detail, pending, error, field))
        elif isinstance(exc, ContactDeskError):  # ValidationError, TransitionError, NotFoundError
            if isinstance(exc, ValidationError):
                message = "; ".join(_issue_text(i.field, i.message) for i in exc.issues)
                if any(i.field == "duplicate_of" for i in exc.issues):
                    field = self.status_panel.duplicate_of
            else:
                message = str(exc)
            show_error(error, message)
            field.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            show_error(self.error, f"Could not save {reference}: {exc}. What you typed is kept.")
