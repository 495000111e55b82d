"""The main window: lays out the call form and the case screens and wires their signals.

It decides nothing itself; every rule lives in the contactdesk services. What it
shows follows the permission matrix for the person the workspace is signed in as.
"""

from __future__ import annotations

from functools import partial
from importlib import import_module

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.permissions import Permission

from .call_draft import DraftFile
from .call_form import CallForm
from .incoming_call import ScreenPop
from .menus import WindowMenus
from .offline import OfflineDesk, waiting_text
from .page_tabs import PageTabs
from .tasks import TaskRunner


def _page_part(name: str, doc: str) -> property:
    return property(lambda window: window.page_part(name), doc=doc)


class MainWindow(QMainWindow):
    CALL_TAB, CASES_TAB = 0, 1

    # Built with their tab (see PageTabs); None when the person is not offered the tab.
    case_list = _page_part("case_list", "The case list of the Cases tab.")
    case_detail = _page_part("case_detail", "The open case, beside the case list.")
    dashboard = _page_part("dashboard", "The queue dashboard (statistics).")
    staffing = _page_part("staffing", "The staffing plan (statistics).")
    deadlines = _page_part("deadlines", "Service deadlines (statistics).")
    complaints = _page_part("complaints", "The complaints register.")
    reports = _page_part("reports", "The Reports tab.")
    privacy = _page_part("privacy", "Subject access and retention (administrators).")
    callbacks = _page_part("callbacks", "The callbacks to ring.")

    def __init__(self, workspace, runner: TaskRunner, user=None, parent: QWidget | None = None):
        # The window is the signed-in person's: ``user``, when given, must be that person.
        if user is not None and user != workspace.user:
            raise ValueError(f"the workspace is signed in as {workspace.user.username}, "
                             f"not {user.username}")
        super().__init__(parent)
        self.workspace, self.runner = workspace, runner
        self.user = user = workspace.user
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"ContactDesk: {user.full_name}")

        self.call_form = CallForm(workspace, runner)
        call_page = QSplitter(Qt.Orientation.Horizontal)
        call_page.addWidget(self.call_form)
        call_page.addWidget(self.call_form.history_panel)
        call_page.setStretchFactor(0, 3)
        call_page.setStretchFactor(1, 2)
        # Each page's first split, as a share of its width, made once it is first on screen.
        self._first_splits = {call_page: 62}
        self._case_drafts: DraftFile | None = None  # handed to the case view once it is built

        self.tabs = PageTabs(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(call_page, "&Call")
        self._parts: dict[str, QWidget] = {}
        self._part_tabs: dict[str, int] = {}
        self._add_page("Cas&es", self._build_cases, ("case_list", "case_detail"))
        # Mnemonics: every letter of "Dashboard" already opens a field on the call or case page.
        if workspace.may(Permission.VIEW_STATISTICS):
            self._add_view("&Queue dashboard", "dashboard", "dashboard", "DashboardView")
            self._add_view("Sta&ffing", "staffing", "staffing_view", "StaffingView")
            # No Alt+letter for the next two: every letter of their names already opens a field
            # on one page or another. Ctrl+Shift+N / Ctrl+Shift+F / Ctrl+Shift+D reach them
            # instead (and Ctrl+Tab, as for every tab).
            self._add_view("Service deadlines", "deadlines", "service_deadlines", "ServiceDeadlinesView",
                           "Service deadlines (Ctrl+Shift+D)")
        self._add_view("Complaints", "complaints", "complaints_page", "ComplaintsPage",
                       "Complaints register (Ctrl+Shift+F); log one with Ctrl+Shift+N")
        self._add_view("&Reports", "reports", "reports_view", "ReportsView")
        if workspace.may(Permission.WORK_CASES):
            self._add_page("Callbacks", self._build_callbacks, ("callbacks",),
                           "Callbacks to ring, overdue first")
        from .privacy_page import PrivacyPage

        if PrivacyPage.shown_to(workspace):
            self._add_view("Privacy", "privacy", "privacy_page", "PrivacyPage",
                           "Subject access requests and retention (administrators)")
        # Shown while the database cannot be reached (ui/offline.py).
        self.offline_banner = QLabel(self)
        self.offline_banner.setObjectName("offlineBanner")
        self.offline_banner.setWordWrap(True)
        self.offline_banner.setStyleSheet(
            "QLabel#offlineBanner { background: #fff3cd; color: #5c4400; padding: 6px 10px; "
            "border-bottom: 1px solid #e0c060; font-weight: bold; }")
        self.offline_banner.hide()
        # The phone's notice and status (ui/incoming_call.py); nothing shows without telephony.
        self.screen_pop = ScreenPop(self)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.screen_pop.banner)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)
        self.tabs.currentChanged.connect(lambda _index: self._split_pages())

        self.action_new_call = self._action("actionNewCall", "New call", self.new_call,
                                            [QKeySequence("F2"), QKeySequence("Ctrl+N")])
        self.action_find_case = self._action("actionFindCase", "Find case", self.find_case,
                                             [QKeySequence("Ctrl+F")])
        self.action_log_complaint = self._action(
            "actionLogComplaint", "Log complaint", self.log_complaint,
            [QKeySequence("Ctrl+Shift+N")])
        self.action_find_complaint = self._action(
            "actionFindComplaint", "Find complaint", self.find_complaint,
            [QKeySequence("Ctrl+Shift+F")])
        self.toolbar = toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.action_new_call)
        toolbar.addAction(self.action_find_case)
        toolbar.addSeparator()
        toolbar.addAction(self.action_log_complaint)
        toolbar.addAction(self.action_find_complaint)
        if self.has_page("deadlines"):
            self.action_deadlines = self._action(
                "actionServiceDeadlines", "Service deadlines", self.show_deadlines,
                [QKeySequence("Ctrl+Shift+D")])
        # File, Call, Cases, View, Help: every action above and more, with the toolbar at the
        # menu bar's end (one row: the pages keep their height on a 720-pixel screen).
        self.menus = WindowMenus(self)

        self.busy = QLabel("", self)
        self.statusBar().addPermanentWidget(self.busy)
        self.outbox_status = QLabel("", self)
        self.outbox_status.setObjectName("outboxStatus")
        self.statusBar().addPermanentWidget(self.outbox_status)
        self.offline = None  # ui/offline.py, once work_offline() is called
        self.statusBar().addPermanentWidget(self.screen_pop.status)
        self.statusBar().addPermanentWidget(
            QLabel(f"{user.full_name} ({user.role}) · {workspace.location}", self))

        self.call_form.callSaved.connect(self._call_saved)
        runner.busyChanged.connect(lambda busy: self.busy.setText("Working…" if busy else ""))
        runner.taskFailed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.resize(1280, 800)
        self.screen_pop.start()  # follows this person's phone, if telephony is set up

    # -- the pages, each built on first use ------------------------------------------------
    def _add_page(self, text: str, build, parts: tuple[str, ...], tip: str = "") -> None:
        index = self.tabs.add_page(text, build, tip)
        self._part_tabs.update(dict.fromkeys(parts, index))

    def _add_view(self, text: str, name: str, module: str, class_name: str, tip: str = "") -> None:
        self._add_page(text, partial(self._build_view, name, module, class_name), (name,), tip)

    def has_page(self, name: str) -> bool:
        """Whether this person is offered the page (or page part) ``name``, built or not."""
        return name in self._part_tabs

    def page_part(self, name: str) -> QWidget | None:
        """A page (or part of one), built now if it was not yet; None when not offered."""
        index = self._part_tabs.get(name)
        if index is None:
            return None
        self.tabs.page(index)
        return self._parts[name]

    def _build_cases(self) -> QWidget:
        from .case_detail import CaseDetailView
        from .case_list import CaseListView

        case_list = self._parts["case_list"] = CaseListView(self.workspace, self.runner)
        case_detail = self._parts["case_detail"] = CaseDetailView(self.workspace, self.runner)
        page = QSplitter(Qt.Orientation.Horizontal)
        page.addWidget(case_list)
        page.addWidget(case_detail)
        page.setStretchFactor(0, 1)
        page.setStretchFactor(1, 1)
        self._first_splits[page] = 40
        case_list.caseActivated.connect(self.open_case)
        if self._case_drafts is not None:
            case_detail.keep_drafts(self._case_drafts)
        return page

    def _build_callbacks(self) -> QWidget:
        from .callback_list import CallbackListView

        page = self._parts["callbacks"] = CallbackListView(self.workspace, self.runner)
        page.phone_line = lambda: self.screen_pop.line  # None without telephony: dial by hand
        self.screen_pop.dialResult.connect(page.dial_result)
        return page

    def _build_view(self, name: str, module: str, class_name: str) -> QWidget:
        view_class = getattr(import_module(f".{module}", __package__), class_name)
        self._parts[name] = page = view_class(self.workspace, self.runner)
        if name == "deadlines":
            page.showCases.connect(self.show_cases)
        return page

    def _action(self, name: str, text: str, slot, shortcuts) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts(shortcuts)
        action.setToolTip(f"{text} ({shortcuts[0].toString(QKeySequence.SequenceFormat.NativeText)})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def add_session_action(self, action: QAction) -> None:
        """Offer an action about the session itself (signing out) on the toolbar and in File."""
        self.addAction(action)
        self.menus.add_session_action(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(action)

    def set_covered(self, covered: bool) -> None:
        """Hide what is on screen (callers' details) while the desk is locked, keeping it all."""
        self.tabs.setVisible(not covered)
        self.screen_pop.set_covered(covered)
        self.toolbar.setVisible(not covered)
        self.menuBar().setVisible(not covered)
        for action in self.actions():
            action.setEnabled(not covered)

    def keep_drafts(self, folder=None) -> None:
        """Autosave the call and the case edit being typed; offer back what a crash left."""
        user, location = self.workspace.user.username, self.workspace.location
        edits = DraftFile(user, location, folder, kind="case")
        if self.tabs.is_built(self.CASES_TAB):
            self.case_detail.keep_drafts(edits)
        else:  # handed over when the case view is built (below, if an edit is waiting)
            self._case_drafts = edits
        edit = edits.read()
        if edit is not None:
            if self.restore_case_edit_wanted(edit):
                self.open_case(str(edit.get("reference") or ""))
                self.case_detail.restore_draft(edit)
            else:
                edits.remove()
        drafts = DraftFile(user, location, folder)
        self.call_form.drafts = drafts
        draft = drafts.read()
        if draft is None:
            return
        self.tabs.setCurrentIndex(self.CALL_TAB)
        if self.restore_draft_wanted(draft):
            self.call_form.restore_draft(draft)
        else:
            drafts.remove()

    def work_offline(self, folder=None) -> None:
        """Watch the connection, keep calls on this PC while it is down, send them after."""
        self.offline = OfflineDesk(self, folder)

    def drop_draft(self) -> None:
        """The person chose to lose the typed call (or there is none): no draft to offer."""
        self.call_form.drop_draft()

    def restore_case_edit_wanted(self, draft: dict) -> bool:
        return self._ask("Restore the unsaved change?",
                         f"A change to {draft.get('reference', 'a case')} was being typed and never "
                         "saved (the app closed first). Put it back on the case to finish and "
                         "save it?", default_yes=True)

    def restore_draft_wanted(self, draft: dict) -> bool:
        caller = draft.get("name") or draft.get("phone") or "a caller"
        return self._ask("Restore the unsaved call?",
                         f"A call with {caller} was being typed and never saved (the app closed "
                         "first). Put it back in the form to finish and save it?",
                         default_yes=True)

    def new_call(self) -> None:
        self.tabs.setCurrentIndex(self.CALL_TAB)
        if self.call_form.has_typed_input() and not self.confirm_discard(
                "Start a new call?",
                "A call is typed and not saved. Start a new call and lose what is typed?"):
            self.call_form.ui.phone.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.call_form.start_call()

    # Closing by the desk after it has asked (signing out) does not ask again.
    ask_before_close = True

    def confirm_discard(self, title: str, question: str) -> bool:
        """Asked before a typed, unsaved call would be lost (No is the default)."""
        return self._ask(title, question, default_yes=False)

    def _ask(self, title: str, question: str, *, default_yes: bool) -> bool:
        """Yes or No; the default is what loses nothing (restore a draft, keep a typed call)."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self, title, question, buttons.Yes | buttons.No,
                                      buttons.Yes if default_yes else buttons.No)
        return answer == buttons.Yes

    def find_case(self) -> None:
        self.tabs.setCurrentIndex(self.CASES_TAB)
        self.case_list.focus_search()

    def open_case(self, reference: str) -> None:
        self.tabs.setCurrentIndex(self.CASES_TAB)
        self.case_detail.show_case(reference)

    def log_complaint(self) -> None:
        """Open the complaint form, started from the caller on the line or the case on screen."""
        known: dict = {}
        current = self.tabs.currentIndex()
        if current == self.CALL_TAB:
            typed = self.call_form.call_input()
            known = {"name": typed.caller_name.strip(), "phone": typed.caller_phone.strip(),
                     "address": typed.address.strip()}
        elif current == self.CASES_TAB and self.case_detail.current_reference:
            known = {"case_reference": self.case_detail.current_reference}
        self.tabs.setCurrentWidget(self.complaints)
        self.complaints.log_complaint(**known)

    def find_complaint(self) -> None:
        self.tabs.setCurrentWidget(self.complaints)
        self.complaints.find_complaint()

    def show_deadlines(self) -> None:
        if self.has_page("deadlines"):
            self.tabs.setCurrentWidget(self.deadlines)
            self.deadlines.table.setFocus()

    def show_cases(self, service_id, category_id, overdue_only: bool) -> None:
        """The case list filtered to one service or category (from the deadlines view)."""
        cases = self.case_list
        for combo, value in ((cases.service_filter, service_id),
                             (cases.category_filter, category_id)):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        cases.status_filter.setCurrentIndex(max(cases.status_filter.findText("Open"), 0))
        cases.overdue_filter.setChecked(overdue_only)
        cases.apply_search()
        self.tabs.setCurrentIndex(self.CASES_TAB)
        cases.table.setFocus()

    def _call_saved(self, saved) -> None:
        if saved.reference:
            self.statusBar().showMessage(f"Saved: {saved.reference}", 15_000)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._split_pages()

    def _split_pages(self) -> None:
        """Give the case view room for its two columns (the list scrolls sideways) and the
        caller's history room for its three (the form's fields need less than their share).

        Done when a page is first on screen: a hidden page has no width yet.
        """
        for splitter, share in list(self._first_splits.items()):
            if splitter.isVisible():
                del self._first_splits[splitter]
                width = splitter.width()
                splitter.setSizes([width * share // 100, width - width * share // 100])

    def closeEvent(self, event) -> None:
        if self.ask_before_close and self.call_form.has_typed_input() and not \
                self.confirm_discard("Close ContactDesk?",
                                     "A call is typed and not saved. Close and lose it?"):
            event.ignore()
            return
        waiting = len(self.offline.sender.outbox) if self.offline is not None else 0
        if waiting and self.ask_before_close and not self.confirm_discard(
                "Calls are waiting to be sent",
                f"{waiting_text(waiting).capitalize()}: they stay on this PC and are sent the "
                "next time you sign in here. Close anyway?"):
            event.ignore()
            return
        self.drop_draft()
        if self.tabs.is_built(self.CASES_TAB):
            self.case_detail.also_open_by.stop()
        if self.offline is not None:
            self.offline.stop()
        self.screen_pop.stop()
        self.runner.wait_for_all()
        super().closeEvent(event)
