"""Type-ahead for the call form: a combo box that filters as you type, and address look-up.

Both work without a mouse. Typing shows a popup of matches; Down/Up move through
it; Return or Tab takes the highlighted match, or the first match when none is
highlighted, so "fly" then Tab chooses Fly tipping.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QComboBox, QCompleter, QLineEdit, QWidget

from .tasks import TaskRunner

ADDRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # the text put in the address field
MATCH_ROLE = Qt.ItemDataRole.UserRole + 2  # the AddressMatch behind a row

_TAB_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)


_RETURN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _window_chord(event: QKeyEvent) -> bool:
    """Alt+letter (a label's mnemonic) or Ctrl+Enter (save): keys meant for the form's window."""
    modifiers = event.modifiers()
    if event.key() in (*_TAB_KEYS, Qt.Key.Key_Alt, Qt.Key.Key_Control):
        return False
    return bool(modifiers & Qt.KeyboardModifier.AltModifier) or (
        bool(modifiers & Qt.KeyboardModifier.ControlModifier) and event.key() in _RETURN_KEYS)


class _PopupTabFilter(QObject):
    """Lets Tab and shortcuts leave a completer popup.

    QCompleter takes the highlighted row on Tab, but with no row highlighted it
    swallows the key and the agent is stuck in the field. Here the popup closes,
    ``on_leave`` picks what the text means, and the Tab moves focus as usual.
    An open popup also keeps Alt+letter and Ctrl+Enter from the window's shortcuts
    (a popup is a window of its own, and QCompleter takes Return for itself): those
    close the popup the same way and go on to the form's window.
    """

    def __init__(self, completer: QCompleter, on_leave: Callable[[], None]):
        super().__init__(completer)
        self._completer = completer
        self._on_leave = on_leave
        completer.popup().installEventFilter(self)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A shortcut took the focus elsewhere while the popup was open: close it, as Tab would."""
        popup, field = self._completer.popup(), self._completer.widget()
        if new is None or not popup.isVisible() or new is popup or new is field \
                or (field is not None and field.isAncestorOf(new)):
            return
        popup.hide()
        self._on_leave()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        if _window_chord(event):
            return self._pass_chord_to_window(event)
        if event.key() not in _TAB_KEYS:
            return False
        popup = self._completer.popup()
        if popup.currentIndex().isValid():
            return False  # QCompleter completes the highlighted row and passes the Tab on
        popup.hide()
        self._on_leave()
        widget = QApplication.focusWidget() or self._completer.widget()
        if widget is not None:
            QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, event.key(),
                                                     event.modifiers()))
        return True

    def _pass_chord_to_window(self, event: QKeyEvent) -> bool:
        field = self._completer.widget()
        window = field.window().windowHandle() if field is not None else None
        if window is None:
            return False
        self._completer.popup().hide()
        self._on_leave()
        QApplication.sendEvent(window, QKeyEvent(
            QEvent.Type.KeyPress, event.key(), event.modifiers(), event.text(),
            event.isAutoRepeat(), event.count()))
        return True


class FilterComboBox(QComboBox):
    """An editable combo box whose popup lists every item containing the typed text.

    The text is resolved to an item when the agent leaves the field or presses
    Return: an exact name first, then the first item containing the text. Text
    that matches nothing stays as typed (the save reports it) and the value is None.
    """

    valueChanged = Signal(object)  # the chosen item's data, or None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        self._tab_filter = _PopupTabFilter(completer, self.resolve_text)
        self._value: Any = None
        self.lineEdit().editingFinished.connect(self.resolve_text)
        self.currentIndexChanged.connect(self._index_changed)

    def set_choices(self, choices: Sequence[tuple[str, Any]]) -> None:
        """Replace the items with (label, value) pairs, keeping whatever text is typed.

        The items often arrive after the agent has started typing: their text is
        matched against the new items once they have left the field (while they
        are still in it, leaving it or Return does that).
        """
        typed, cursor = self.lineEdit().text(), self.lineEdit().cursorPosition()
        self.blockSignals(True)
        self.clear()
        for label, value in choices:
            self.addItem(label, value)
        self.setCurrentIndex(-1)
        self.blockSignals(False)
        self._set_value(None)
        if typed:
            self.setEditText(typed)
            self.lineEdit().setCursorPosition(cursor)
            if not self.hasFocus():
                self.resolve_text()

    def value(self) -> Any:
        return self._value

    def text(self) -> str:
        return self.currentText().strip()

    def choose(self, value: Any) -> None:
        """Select the item holding ``value`` (None clears the field)."""
        index = self.findData(value) if value is not None else -1
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText("")
            self._set_value(None)

    def resolve_text(self) -> None:
        text = self.currentText().strip()
        if not text:
            self.setCurrentIndex(-1)
            self._set_value(None)
            return
        wanted = text.casefold()
        labels = [self.itemText(i).casefold() for i in range(self.count())]
        index = labels.index(wanted) if wanted in labels else next(
            (i for i, label in enumerate(labels) if wanted in label), -1)
        if index >= 0:
            if index == self.currentIndex():
                self.setEditText(self.itemText(index))  # tidy "fly tipping" to the item's text
            self.setCurrentIndex(index)
        else:
            self.setCurrentIndex(-1)
            self.setEditText(text)
            self._set_value(None)

    def _index_changed(self, index: int) -> None:
        self._set_value(self.itemData(index) if index >= 0 else None)

    def _set_value(self, value: Any) -> None:
        if value != self._value:
            self._value = value
            self.valueChanged.emit(value)


class AddressCompleter(QObject):
    """Gazetteer type-ahead on a line edit; free text stays allowed.

    A short pause in typing starts a background search; its matches fill the
    popup. Choosing one emits ``matchChosen`` with the AddressMatch (the field
    gets the address text). Any further typing emits ``matchCleared``: the
    field no longer names a gazetteer property.
    """

    matchChosen = Signal(object)  # AddressMatch
    matchCleared = Signal()

    MIN_CHARS = 3
    DEBOUNCE_MS = 150
    LIMIT = 10

    def __init__(self, line_edit: QLineEdit, search: Callable[[str, int], list],
                 runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent or line_edit)
        self._edit = line_edit
        self._search = search
        self._runner = runner
        self._searched = ""
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(ADDRESS_ROLE)
        self.completer.setMaxVisibleItems(self.LIMIT)
        line_edit.setCompleter(self.completer)
        self._tab_filter = _PopupTabFilter(self.completer, lambda: None)
        self.completer.activated[QModelIndex].connect(self._activated)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        line_edit.textEdited.connect(self._edited)

    def clear(self) -> None:
        self._timer.stop()
        self._searched = ""
        self.completer.popup().hide()
        self.model.clear()

    def _edited(self, text: str) -> None:
        self.matchCleared.emit()
        if len(text.strip()) < self.MIN_CHARS:
            self._timer.stop()
            self._searched = ""
            self.model.clear()
            self.completer.popup().hide()
            return
        self._timer.start()

    def search_now(self) -> None:
        text = self._edit.text().strip()
        if len(text) < self.MIN_CHARS or text == self._searched:
            return
        self._searched = text
        self._runner.run(lambda: self._search(text, self.LIMIT),
                         lambda matches: self._show(text, matches), self._failed)

    def _show(self, text: str, matches: list) -> None:
        if text != self._edit.text().strip():
            return  # the agent has typed on; a newer search follows
        self.model.clear()
        for match in matches:
            item = QStandardItem(f"{match.address}, {match.town}   {match.postcode}")
            item.setData(match.address, ADDRESS_ROLE)
            item.setData(match, MATCH_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        if matches and self._edit.hasFocus():
            self.completer.complete()
        elif not matches:
            self.completer.popup().hide()

    def _failed(self, exc: Exception) -> None:
        # Address look-up is a convenience: free text still works, so say nothing loud.
        self._searched = ""
        self.model.clear()

    def _activated(self, index: QModelIndex) -> None:
        match = index.data(MATCH_ROLE)
        if match is not None:
            self.matchChosen.emit(match)
