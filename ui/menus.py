"""The menu bar, built from the window's own actions.

Every command of the window is one QAction owned by the window: the toolbar, the menus
and the keyboard sheet (ui/keyboard_sheet.py) all show those same objects, so a shortcut
cannot be listed in one place and differ in another. Keys that belong to a field rather
than to the window (Ctrl+Enter saves the form that has the focus) are shown after a tab
in the item's text: Qt draws them in the shortcut column without claiming the key, which
would make it ambiguous with the form's own shortcut.

The menu titles carry no Alt+letter: every letter already opens a field on one page or
another. Alt alone or F10 opens the menu bar, then the arrows and each item's letter.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMenu

from contactdesk.domain.permissions import Permission

MENU_TITLES = ("File", "Call", "Cases", "View", "Help")
MENU_BAR_KEY = "F10"
# Ctrl+1 … Ctrl+9 reach the tabs in order; a tenth tab would have no key.
MAX_TAB_KEYS = 9


def plain(text: str) -> str:
    """A label's text as read: without its mnemonic marker."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").split("\t")[0]


def shortcut_text(action: QAction) -> str:
    """The keys shown for ``action``: its shortcuts, or the keys named after a tab in its text."""
    keys = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()]
    if not keys and "\t" in action.text():
        keys = [action.text().split("\t", 1)[1]]
    return ", ".join(keys)


class WindowMenus:
    """Creates the window's further commands and lays every command out in the menu bar."""

    def __init__(self, window: QMainWindow):
        self.window = window
        self.menus: dict[str, QMenu] = {}
        self._sheet = self._about = None
        bar = window.menuBar()
        bar.setObjectName("mainMenuBar")
        bar.setCornerWidget(window.toolbar, Qt.Corner.TopRightCorner)
        for title in MENU_TITLES:
            menu = bar.addMenu(title)
            menu.setObjectName(f"menu{title}")
            self.menus[title] = menu
        self._file_menu(window)
        self._call_menu(window)
        self._cases_menu(window)
        self._view_menu(window)
        self._help_menu(window)
        opener = QShortcut(QKeySequence(MENU_BAR_KEY), window, self.open_menu_bar)
        opener.setObjectName("menuBarKey")

    # -- building ------------------------------------------------------------------
    def _new(self, name: str, text: str, slot, keys: tuple[str, ...] = (), tip: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setToolTip(f"{tip or plain(text)} ({shortcut_text(action)})" if shortcut_text(action)
                          else tip or plain(text))
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def _file_menu(self, window) -> None:
        menu = self.menus["File"]
        # The pages are named, not held: each is built when a command first needs it.
        window.action_print_report = self._new(
            "actionPrintReport", "&Print report…", lambda: self._report_button("print_button"),
            ("Ctrl+P",))
        window.action_save_report = self._new(
            "actionSaveReport", "&Save report as PDF…", lambda: self._report_button("save_button"),
            ("Ctrl+Shift+S",))
        menu.addActions([window.action_print_report, window.action_save_report])
        if window.workspace.may(Permission.EXPORT_DATA):
            window.action_export = self._new(
                "actionExport", "&Export calls, cases or queue attempts…",
                lambda: self._report_button("export_button"), ("Ctrl+Shift+E",))
            menu.addAction(window.action_export)
        if window.has_page("dashboard") and window.workspace.may(Permission.IMPORT_CALLS):
            window.action_import_telephony = self._new(
                "actionImportTelephony", "&Import telephony log…",
                lambda: (window.tabs.setCurrentWidget(window.dashboard),
                         window.dashboard.import_button.click()))
            menu.addAction(window.action_import_telephony)
        self._session_separator = menu.addSeparator()
        window.action_quit = self._new("actionQuit", "&Quit", window.close, ("Ctrl+Q",),
                                       "Close ContactDesk")
        menu.addAction(window.action_quit)

    def _call_menu(self, window) -> None:
        menu = self.menus["Call"]
        menu.addAction(window.action_new_call)
        window.action_save_call = self._new(
            "actionSaveCall", "&Save call\tCtrl+Enter", self._save_call,
            tip="Save the call typed in the form")
        menu.addAction(window.action_save_call)
        screen_pop = getattr(window, "screen_pop", None)
        if screen_pop is not None:  # a call answered while another was being typed
            menu.addAction(screen_pop.take_action)

    def _cases_menu(self, window) -> None:
        menu = self.menus["Cases"]
        menu.addAction(window.action_find_case)
        if getattr(window, "action_deadlines", None) is not None:
            menu.addAction(window.action_deadlines)
        menu.addSeparator()
        menu.addActions([window.action_log_complaint, window.action_find_complaint])

    def _view_menu(self, window) -> None:
        menu = self.menus["View"]
        tabs = window.tabs
        window.tab_actions = []
        for index in range(min(tabs.count(), MAX_TAB_KEYS)):
            action = self._new(f"actionTab{index + 1}", f"{plain(tabs.tabText(index))} tab",
                               lambda _checked=False, i=index: self.show_tab(i),
                               (f"Ctrl+{index + 1}",), f"Go to the {plain(tabs.tabText(index))} tab")
            window.tab_actions.append(action)
            menu.addAction(action)

    def _help_menu(self, window) -> None:
        menu = self.menus["Help"]
        window.action_keyboard_sheet = self._new(
            "actionKeyboardSheet", "&Keyboard shortcuts", self.show_keyboard_sheet, ("F1",),
            "Every key of the window, by area")
        window.action_about = self._new("actionAbout", "&About ContactDesk", self.show_about)
        menu.addActions([window.action_keyboard_sheet, window.action_about])

    def add_session_action(self, action: QAction) -> None:
        """An action about the session (signing out) goes in File, just above Quit."""
        self.menus["File"].insertAction(self.window.action_quit, action)

    # -- doing ---------------------------------------------------------------------
    def show_tab(self, index: int) -> None:
        """Switch tab and put the focus on the page's first field, ready to type."""
        tabs = self.window.tabs
        tabs.setCurrentIndex(index)
        page = tabs.widget(index)
        widget = page.nextInFocusChain()
        for _ in range(500):  # the chain is a ring: stop once round it
            if widget is page:
                break
            if (page.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled()
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
            widget = widget.nextInFocusChain()
        tabs.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _save_call(self) -> None:
        window = self.window
        window.tabs.setCurrentIndex(window.CALL_TAB)
        window.call_form.save()

    def _report_button(self, name: str) -> None:
        """Run a Reports button from the menu; a disabled one says what comes first."""
        window = self.window
        button = getattr(window.reports, name)
        window.tabs.setCurrentWidget(window.reports)
        if button.isEnabled():
            button.click()
            return
        window.reports.preview_button.setFocus(Qt.FocusReason.ShortcutFocusReason)
        window.statusBar().showMessage("Preview a report first (Alt+P on the Reports tab).", 10_000)

    def open_menu_bar(self) -> None:
        bar = self.window.menuBar()
        if not bar.isVisible():  # hidden while the desk is locked
            return
        bar.setFocus(Qt.FocusReason.ShortcutFocusReason)
        bar.setActiveAction(self.menus["File"].menuAction())

    def show_keyboard_sheet(self):
        from .keyboard_sheet import KeyboardSheet

        if self._sheet is not None:  # built afresh: the keys follow what the pages show now
            self._sheet.deleteLater()
        self._sheet = KeyboardSheet(self.window, self)
        self._sheet.open()
        return self._sheet

    def show_about(self):
        from .about import AboutDialog

        if self._about is None:
            self._about = AboutDialog(self.window.workspace, self.window)
        self._about.open()
        return self._about

    def commands(self) -> list[tuple[str, list[QAction]]]:
        """The menus' titles and visible commands, in order (for the keyboard sheet)."""
        return [(title, [a for a in menu.actions() if not a.isSeparator() and a.isVisible()])
                for title, menu in self.menus.items()]
