"""The call form: everything an agent records while the caller is on the line.

Keyboard first: phone, name, address, postcode, category, service, description,
outcome, then Ctrl+Enter saves from anywhere in the form. The caller's history,
address matches, possible duplicates and the category's prompts arrive from
background look-ups while the agent types; the save runs on the write thread.
The rules (what a valid phone or postcode is, what a case needs) live in
contactdesk: the form runs the same ``check_call`` for instant feedback and
shows whatever the service refuses next to the field at fault.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from contactdesk.domain.call_input import check_call
from contactdesk.domain.errors import FieldIssue, Unreachable, ValidationError
from contactdesk.domain.validation import Findings, check_postcode, parse_phone
from contactdesk.dtos.calls import CallerHistory, CallInput, CallSaved
from contactdesk.dtos.catalogue import AddressMatch, CategoryInfo, ServiceInfo

from .call_confirmation import confirmation_for, with_due_date
from .call_draft import DraftFile
from .call_form_layout import FIELD_LABELS, FIELD_WIDGETS, CallFormLayout
from .callback_request import CallFormCallbacks
from .caller_panel import CallerHistoryPanel
from .completers import AddressCompleter
from .field_messages import FORM_STYLE

log = logging.getLogger(__name__)


def _sentence(label: str, message: str) -> str:
    """'is required' -> 'Description is required'; full sentences are kept as they are."""
    if message.split(" ", 1)[0] in ("is", "has", "must", "cannot", "needs"):
        return f"{label} {message}"
    return message[:1].upper() + message[1:]


class CallForm(QWidget):
    """Logs one call after another. Call ``start_call()`` when a call is answered."""

    callSaved = Signal(object)  # CallSaved of the call just logged
    callStarted = Signal()  # a clean form for the next call (after a save, or a reset)
    historyChanged = Signal(object)  # CallerHistory of the caller on the line, or None

    PHONE_DEBOUNCE_MS = 250
    DRAFT_DELAY_MS = 1500  # a draft is on disk within 2 s of the last change
    DUPLICATE_DEBOUNCE_MS = 100

    def __init__(self, workspace, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("callForm")
        self.setStyleSheet(FORM_STYLE)
        self._workspace = workspace
        self._runner = runner
        self._categories: dict[str, CategoryInfo] = {}
        self._services: dict[str, ServiceInfo] = {}
        self._generation = 0  # bumped when the form is cleared: late answers are dropped
        self._answered_at: datetime | None = None
        # A call taken through the screen pop: the queue call id (the queue_log callid), how
        # long the caller waited, and how long ago it was answered when the form opened.
        self._queue_call_id = ""
        self._wait_seconds: float | None = None
        self._elapsed_before_ms = 0
        self._idempotency_key = str(uuid.uuid4())
        self._saving = False
        self._uprn: int | None = None
        self._usrn: int | None = None
        self._looked_up: str | None = None  # E.164 whose history is shown
        self._duplicate_key: tuple | None = None
        # The catalogue lists still on their way, those whose load failed (with why), and
        # whether a save was asked for meanwhile: it goes ahead once they arrive.
        self._lists_loading: set[str] = set()
        self._lists_failed: dict[str, str] = {}
        self._save_when_loaded = False

        self.ui = ui = CallFormLayout(self)
        self.history_panel = CallerHistoryPanel()
        self.historyChanged.connect(self.history_panel.show_history)
        self._address_completer = AddressCompleter(
            ui.address,
            lambda text, limit: self._workspace.addresses.search_addresses(text, limit),
            runner, self)

        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_elapsed)
        self._phone_timer = self._single_shot(self.PHONE_DEBOUNCE_MS, self._check_phone)
        self.drafts: DraftFile | None = None  # set by the window: where the draft is kept
        # Set by the window: keeps a call the database could not take (ui/offline.py).
        self.keep_offline: Callable[[CallInput], None] | None = None
        self._sending_input: CallInput | None = None
        self._draft_timer = self._single_shot(self.DRAFT_DELAY_MS, self._keep_draft)
        self._duplicate_timer = self._single_shot(self.DUPLICATE_DEBOUNCE_MS, self._check_duplicates)

        ui.phone.textEdited.connect(self._phone_edited)
        ui.phone.editingFinished.connect(self._check_phone)
        self._address_completer.matchChosen.connect(self._address_chosen)
        self._address_completer.matchCleared.connect(self._address_typed)
        ui.postcode.editingFinished.connect(self._postcode_left)
        ui.category.valueChanged.connect(self._category_chosen)
        ui.service.currentIndexChanged.connect(self._update_routing)
        ui.duplicates.choiceChanged.connect(lambda _ref: ui.messages["addToDuplicate"].clear())
        ui.save_button.clicked.connect(self.save)
        for edit in (ui.phone, ui.name, ui.address, ui.postcode, ui.routing_reason):
            edit.textChanged.connect(self._draft_changed)
        ui.description.textChanged.connect(self._draft_changed)
        ui.category.lineEdit().textChanged.connect(self._draft_changed)
        for name, messages in ui.messages.items():
            ui.clear_on_edit(name, messages.clear_error)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)
        # "Request callback" beside Save (ui/callback_request.py).
        self.callbacks = CallFormCallbacks(self, workspace, runner)
        self._load_catalogue()

    # -- the call ------------------------------------------------------------------
    def start_call(self) -> None:
        """A call was answered: time it from now and start from a clean form."""
        self._answered_at = datetime.now(UTC)
        self._queue_call_id, self._wait_seconds, self._elapsed_before_ms = "", None, 0
        self._clock.start()
        self._tick.start()
        self._show_elapsed()
        self._idempotency_key = str(uuid.uuid4())
        self.clear()
        self.ui.phone.setFocus(Qt.FocusReason.OtherFocusReason)
        self.callStarted.emit()

    def take_call(self, number: str, answered_at: datetime, wait_seconds: float,
                  queue_call_id: str) -> None:
        """A queue call answered at this desk: a clean form with the caller's number (and so
        their history), timed from the real answer time, carrying its queue call id."""
        self.start_call()
        self._answered_at = answered_at
        self._wait_seconds = max(0.0, float(wait_seconds))
        self._queue_call_id = queue_call_id
        since = (datetime.now(UTC) - answered_at).total_seconds()
        self._elapsed_before_ms = max(0, round(since * 1000))
        self._show_elapsed()
        if number:
            self.ui.phone.setText(number)
            self._check_phone()  # the history now, not after the typing pause
            self.ui.name.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def saving(self) -> bool:
        return self._saving

    @property
    def sending_key(self) -> str:
        """The idempotency key of the call being (or last) sent to be saved."""
        return self._sending_input.idempotency_key if self._sending_input is not None else ""

    @property
    def queue_call_id(self) -> str:
        return self._queue_call_id

    def has_typed_input(self) -> bool:
        """Whether anything of a call is typed and not saved (asked before signing out)."""
        ui = self.ui
        return any(edit.text().strip() for edit in (ui.phone, ui.name, ui.address, ui.postcode)) \
            or bool(ui.description.toPlainText().strip())

    def clear(self) -> None:
        """Empty every field for the next call; the last reference stays on show."""
        self._generation += 1
        ui = self.ui
        for edit in (ui.phone, ui.name, ui.address, ui.postcode, ui.routing_reason):
            edit.clear()
        ui.description.clear()
        ui.category.choose(None)
        ui.service.setCurrentIndex(-1)
        ui.outcome.setCurrentIndex(0)
        ui.duplicates.set_cases([])
        ui.show_prompts(())
        self._address_completer.clear()
        self._uprn = self._usrn = None
        self._duplicate_key = None
        self._save_when_loaded = False
        for messages in ui.messages.values():
            messages.clear()
        ui.set_save_error("")
        ui.set_notice("")
        self._update_routing()
        self._phone_timer.stop()
        self._duplicate_timer.stop()  # after the fields: clearing them asked for a check
        if self._looked_up is not None or self.history_panel.history is not None:
            self._looked_up = None
            self.historyChanged.emit(None)

    @property
    def idempotency_key(self) -> str:
        """The key of the next save: the same until a save of this call succeeds."""
        return self._idempotency_key

    def call_input(self) -> CallInput:
        ui = self.ui
        category = ui.category.value()
        service = ui.service.currentData()
        return CallInput(
            idempotency_key=self._idempotency_key,
            outcome=ui.outcome.currentData(),
            caller_phone=ui.phone.text(),
            caller_name=ui.name.text(),
            address=ui.address.text(),
            postcode=ui.postcode.text(),
            uprn=self._uprn,
            usrn=self._usrn,
            category=category or ui.category.text(),
            service=service or "",
            routing_reason=ui.routing_reason.text() if ui.routing_reason.isVisibleTo(self) else "",
            description=ui.description.toPlainText(),
            add_to_case=ui.duplicates.chosen(),
            started_at=self._started_at(),
            answered_at=self._answered_at,
            wait_seconds=self._wait_seconds,
            queue_call_id=self._queue_call_id,
        )

    def _started_at(self) -> datetime | None:
        """When the caller started waiting, where the phone system said how long they did."""
        if self._answered_at is None or not self._wait_seconds:
            return self._answered_at
        return self._answered_at - timedelta(seconds=self._wait_seconds)

    def save(self) -> None:
        """Check the form, then log the call in the background (Ctrl+Enter).

        Every press ends in something the agent sees: the reference, a message beside
        each field at fault, or why the save waits (the categories still loading).
        """
        ui = self.ui
        if self._saving:
            ui.set_save_error("Still saving this call: its reference shows here in a moment.")
            return
        ui.category.resolve_text()
        self._phone_timer.stop()
        data = self.call_input()
        findings = Findings()
        check_call(data, findings)
        self._save_when_loaded = False
        for messages in ui.messages.values():
            messages.clear()
        ui.set_save_error("")
        self._show_warnings(findings.warnings)
        waiting = self._needs_lists(data)
        errors = list(findings.errors) if waiting else findings.errors + self._category_issues()
        if errors:
            self._show_errors(errors)
            if waiting:
                self._say_lists_loading(waiting_to_save=False)
            return
        if waiting:
            self._wait_for_lists()
            return
        self._saving = True
        self._sending_input = data
        ui.save_button.setText("Saving…")
        generation = self._generation
        workspace = self._workspace
        self._runner.run(lambda: with_due_date(workspace, workspace.calls.log_call(data)),
                         lambda result: self._saved(generation, data.outcome, *result),
                         lambda exc: self._save_failed(generation, exc), write=True)

    def _needs_lists(self, data: CallInput) -> bool:
        """Whether the save must wait for the catalogue: a category to resolve or to require."""
        wanted = bool(data.category.strip()) or (data.outcome == "case_created"
                                                 and not data.add_to_case)
        return wanted and bool(self._lists_loading or self._lists_failed)

    def _category_issues(self) -> list[FieldIssue]:
        text = self.ui.category.text()
        if text and self.ui.category.value() is None:
            return [FieldIssue("category", f"'{text}' matches no category: type part of a "
                                           "name, for example fly")]
        return []

    def _wait_for_lists(self) -> None:
        """Save as soon as the lists arrive (loading again any that failed), and say so."""
        failed = set(self._lists_failed)
        self._lists_failed.clear()
        self._save_when_loaded = True
        self._say_lists_loading(waiting_to_save=True)
        self._load_catalogue(failed)

    def _say_lists_loading(self, *, waiting_to_save: bool) -> None:
        ui = self.ui
        ui.messages["category"].show_warning(
            "The categories are still loading: what you typed is matched when they arrive.")
        if waiting_to_save:
            ui.set_save_error("Not saved yet: the categories are still loading. The call is "
                              "saved as soon as they arrive.")

    def _keep_until_back(self) -> bool:
        """The database cannot take the call: keep it on this PC for later (True when kept)."""
        try:
            self.keep_offline(self._sending_input)
        except OSError as exc:
            self.ui.set_save_error(f"Not saved, and it cannot be kept on this PC either "
                                   f"({exc.strerror or exc}): everything typed is kept here.")
            return True
        self.drop_draft()
        self.start_call()
        self.ui.set_notice("The database could not be reached: that call is kept on this PC "
                           "and is sent as soon as it is back. Tell the caller their reference "
                           "will follow.")
        return True

    # -- the draft on disk -----------------------------------------------------------
    def _draft_changed(self, *_args) -> None:
        if self.drafts is not None:
            self._draft_timer.start()

    def _keep_draft(self) -> None:
        """Write what is typed (or remove the draft when nothing is); say so when it fails."""
        if self.drafts is None:
            return
        try:
            if self.has_typed_input():
                self.drafts.write(self.draft())
            else:
                self.drafts.remove()
        except OSError as exc:
            self.ui.set_notice(f"This call is not being kept as a draft ({exc.strerror or exc}): "
                               "save it before closing the app.")

    def drop_draft(self) -> None:
        self._draft_timer.stop()
        if self.drafts is not None:
            with contextlib.suppress(OSError):
                self.drafts.remove()

    def draft(self) -> dict:
        ui = self.ui
        return {"idempotency_key": self._idempotency_key,
                "answered_at": self._answered_at.isoformat() if self._answered_at else None,
                "queue_call_id": self._queue_call_id, "wait_seconds": self._wait_seconds,
                "phone": ui.phone.text(), "name": ui.name.text(), "address": ui.address.text(),
                "postcode": ui.postcode.text(), "category": ui.category.text(),
                "routing_reason": ui.routing_reason.text(),
                "description": ui.description.toPlainText()}

    def restore_draft(self, draft: dict) -> None:
        """Put a kept draft back, with its key: saving it twice never makes two calls."""
        self.start_call()
        ui = self.ui
        for edit, key in ((ui.phone, "phone"), (ui.name, "name"), (ui.address, "address"),
                          (ui.postcode, "postcode"), (ui.routing_reason, "routing_reason")):
            edit.setText(str(draft.get(key) or ""))
        ui.description.setPlainText(str(draft.get("description") or ""))
        ui.category.setEditText(str(draft.get("category") or ""))
        ui.category.resolve_text()
        self._idempotency_key = str(draft.get("idempotency_key") or self._idempotency_key)
        with contextlib.suppress(TypeError, ValueError):
            self._answered_at = datetime.fromisoformat(draft["answered_at"])
        self._queue_call_id = str(draft.get("queue_call_id") or "")
        with contextlib.suppress(TypeError, ValueError):
            self._wait_seconds = float(draft.get("wait_seconds"))

    def _saved(self, generation: int, outcome: str, saved: CallSaved, due_known: bool) -> None:
        if not isValid(self):
            return
        if self.drafts is not None and generation == self._generation:
            self.drafts.remove()
        self._saving = False
        self.ui.save_button.setText(self.ui.SAVE_TEXT)
        if saved.reference:
            QGuiApplication.clipboard().setText(saved.reference)
        self.ui.show_saved(saved, confirmation_for(saved, outcome, datetime.now(UTC),
                                                   due_known=due_known))
        self.callSaved.emit(saved)
        if generation == self._generation:  # else a new call was started while this one saved
            self.start_call()

    def _save_failed(self, generation: int, exc: Exception) -> None:
        if not isValid(self):
            return
        self._saving = False
        self.ui.save_button.setText(self.ui.SAVE_TEXT)
        if isinstance(exc, Unreachable) and self.keep_offline is not None \
                and generation == self._generation and self._keep_until_back():
            return
        detail = (str(exc) or type(exc).__name__).splitlines()[0][:300]
        if generation != self._generation:
            self.ui.set_save_error(f"The previous call was not saved: {detail}")
        elif isinstance(exc, ValidationError):
            self._show_errors(exc.issues)
        else:
            log.error("saving a call failed: %s", getattr(exc, "worker_traceback", exc))
            self.ui.set_save_error(f"Not saved: {detail}. Everything you typed is kept: "
                                   "press Ctrl+Enter to try again.")

    def _show_errors(self, issues: list[FieldIssue]) -> None:
        ui = self.ui
        by_widget: dict[str, list[str]] = {}
        others = []
        for issue in issues:
            name = FIELD_WIDGETS.get(issue.field)
            if name in ui.messages and ui.messages[name].field.isVisibleTo(self):
                by_widget.setdefault(name, []).append(_sentence(FIELD_LABELS[name], issue.message))
            else:
                others.append(str(issue))
        for name, texts in by_widget.items():
            ui.messages[name].show_error(" ".join(texts))
        summary = "Not saved: correct the marked fields."
        ui.set_save_error(f"{summary} {'; '.join(others)}" if others else summary)
        first = next((w for w in ui.tab_order() if w.objectName() in by_widget), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_warnings(self, issues: list[FieldIssue] | tuple[FieldIssue, ...]) -> None:
        for issue in issues:
            name = FIELD_WIDGETS.get(issue.field)
            if name in self.ui.messages:
                self.ui.messages[name].show_warning(_sentence(FIELD_LABELS[name], issue.message))

    # -- look-ups while the agent types -------------------------------------------------
    def _load_catalogue(self, lists: set[str] | frozenset[str] = frozenset(("categories",
                                                                              "services"))) -> None:
        catalogue = self._workspace.catalogue
        loads = {"categories": (catalogue.list_categories, self._categories_loaded),
                 "services": (catalogue.list_services, self._services_loaded)}
        for name in lists:
            self._lists_loading.add(name)
            load, loaded = loads[name]
            self._runner.run(load, loaded, lambda exc, name=name: self._list_failed(name, exc))

    def _categories_loaded(self, categories: list[CategoryInfo]) -> None:
        if isValid(self):
            self._categories = {c.code: c for c in categories if c.active}
            # Text typed before the list came is matched now, never wiped.
            self.ui.category.set_choices([(c.name, c.code) for c in self._categories.values()])
            self._list_arrived("categories")

    def _services_loaded(self, services: list[ServiceInfo]) -> None:
        if isValid(self):
            self._services = {s.code: s for s in services}
            self.ui.set_services(services)
            self._category_chosen(self.ui.category.value())
            self._list_arrived("services")

    def _list_arrived(self, name: str) -> None:
        self._lists_loading.discard(name)
        if self._lists_loading or self._lists_failed:
            return
        if self.ui.messages["category"].warning.text().startswith("The categories are still"):
            self.ui.messages["category"].clear()
        if self._save_when_loaded:
            self.save()

    def _list_failed(self, name: str, exc: Exception) -> None:
        if not isValid(self):
            return
        self._lists_loading.discard(name)
        detail = str(exc).splitlines()[0] if str(exc) else repr(exc)
        self._lists_failed[name] = detail
        self._lookup_failed(f"load the {name}", exc)
        if self._save_when_loaded:
            self._save_when_loaded = False
            self.ui.messages["category"].show_error(
                f"The {name} could not be loaded ({detail}).")
            self.ui.set_save_error(f"Not saved: the {name} could not be loaded. Everything "
                                   "typed is kept: press Ctrl+Enter to try again.")

    def _lookup_failed(self, what: str, exc: Exception) -> None:
        if isValid(self):
            self.ui.set_notice(f"Could not {what}: {str(exc).splitlines()[0] if str(exc) else exc!r}")

    def _phone_edited(self, _text: str) -> None:
        self.ui.messages["callerPhone"].clear()
        self._phone_timer.start()

    def _check_phone(self) -> None:
        self._phone_timer.stop()
        findings = Findings()
        phone = parse_phone(self.ui.phone.text(), findings, "caller_phone")
        messages = self.ui.messages["callerPhone"]
        messages.clear()
        if findings.errors:
            messages.show_error(" ".join(i.message for i in findings.errors))
        self._show_warnings(findings.warnings)
        e164 = phone.e164 if phone is not None and not findings.errors else None
        if e164 == self._looked_up:
            return
        self._looked_up = e164
        if e164 is None:
            self.historyChanged.emit(None)
            return
        generation = self._generation
        self._runner.run(lambda: self._workspace.calls.caller_history(e164),
                         lambda history: self._history_arrived(generation, e164, history),
                         lambda exc: self._lookup_failed("look up the caller", exc))

    def _history_arrived(self, generation: int, e164: str, history: CallerHistory | None) -> None:
        if not isValid(self) or generation != self._generation or e164 != self._looked_up:
            return
        self.historyChanged.emit(history)
        if history is None:
            return
        ui, caller = self.ui, history.caller
        place = history.last_case_place  # offered only when the record has no address
        if place is not None and not ui.address.text().strip():
            ui.address.setText(place.address)
            self._uprn, self._usrn = place.uprn, place.usrn
            if place.postcode and not ui.postcode.text().strip():
                ui.postcode.setText(place.postcode)
        for edit, known in ((ui.name, caller.name), (ui.address, caller.address),
                            (ui.postcode, caller.postcode)):
            if known and not edit.text().strip():
                edit.setText(known)
        self._duplicate_timer.start()

    def _address_chosen(self, match: AddressMatch) -> None:
        self._uprn, self._usrn = match.uprn, match.usrn
        self.ui.postcode.setText(match.postcode)
        self.ui.messages["postcode"].clear()
        self._duplicate_timer.start()

    def _address_typed(self) -> None:
        if self._uprn is not None or self._usrn is not None:
            self._uprn = self._usrn = None
            self._duplicate_timer.start()

    def _postcode_left(self) -> None:
        findings = Findings()
        postcode = check_postcode(self.ui.postcode.text(), findings)
        messages = self.ui.messages["postcode"]
        if findings.errors:
            messages.show_error(" ".join(i.message for i in findings.errors))
            return
        if postcode is None:
            return
        if postcode != self.ui.postcode.text():
            self.ui.postcode.setText(postcode)
        self._duplicate_timer.start()
        generation = self._generation
        self._runner.run(lambda: self._workspace.addresses.search_addresses(postcode, 1),
                         lambda found: self._postcode_known(generation, postcode, found))

    def _postcode_known(self, generation: int, postcode: str, found: list[AddressMatch]) -> None:
        if not isValid(self) or generation != self._generation or self.ui.postcode.text() != postcode:
            return
        findings = Findings()
        check_postcode(postcode, findings, known=any(m.postcode == postcode for m in found))
        self.ui.messages["postcode"].clear()
        self._show_warnings(findings.warnings)

    def _category_chosen(self, code: str | None) -> None:
        category = self._categories.get(code) if code else None
        ui = self.ui
        ui.show_prompts(category.prompts if category else ())
        if category is not None:
            default = next((s.code for s in self._services.values() if s.id == category.service_id), None)
            ui.service.setCurrentIndex(ui.service.findData(default) if default else -1)
        self._update_routing()
        self._duplicate_timer.start()

    def _update_routing(self) -> None:
        category = self._categories.get(self.ui.category.value() or "")
        service = self._services.get(self.ui.service.currentData() or "")
        self.ui.show_routing_reason(
            category is not None and service is not None and service.id != category.service_id)

    def _check_duplicates(self) -> None:
        code = self.ui.category.value()
        postcode = check_postcode(self.ui.postcode.text(), Findings())
        uprn, usrn = self._uprn, self._usrn
        if uprn is not None or usrn is not None:
            postcode = None  # the gazetteer place is the better match
        key = (code, uprn, usrn, postcode)
        if key == self._duplicate_key:
            return
        self._duplicate_key = key
        if code is None or (uprn is None and usrn is None and not postcode):
            self.ui.duplicates.set_cases([])
            return
        find = self._workspace.cases.find_duplicates
        self._runner.run(
            lambda: find(code, usrn=usrn, uprn=uprn, postcode=postcode),
            lambda cases: self._duplicates_found(key, cases),
            lambda exc: self._lookup_failed("check for cases already reported", exc))

    def _duplicates_found(self, key: tuple, cases: list) -> None:
        if isValid(self) and key == self._duplicate_key:
            self.ui.duplicates.set_cases(cases)

    # -- odds and ends ---------------------------------------------------------------------
    def _single_shot(self, msecs: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(msecs)
        timer.timeout.connect(slot)
        return timer

    def _show_elapsed(self) -> None:
        seconds = (self._clock.elapsed() + self._elapsed_before_ms) // 1000 \
            if self._clock.isValid() else 0
        self.ui.call_timer.setText(f"{seconds // 60:02d}:{seconds % 60:02d}")
