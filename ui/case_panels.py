"""The input panels of the case view: status change, reassignment and notes.

Each panel collects what the agent types and asks for the save with a signal;
the case view runs the save and reports errors back with ``show_error``.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from contactdesk.domain.case_status import CaseStatus
from contactdesk.dtos.cases import CaseDetail, NoteInfo

from .case_format import NOTE_VISIBILITY_LABELS, local_time, status_label

ERROR_COLOUR = QColor("#b00000")
_ADD_NOTE_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
NoteHeaderRole = Qt.ItemDataRole.UserRole + 1
NoteBodyRole = Qt.ItemDataRole.UserRole + 2


def set_role(widget: QWidget, role: str | None) -> None:
    """Set the ``role`` property the app's stylesheets colour by (error, reference, ...)."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def error_label(parent: QWidget, name: str) -> QLabel:
    """A wrapping, hidden-until-needed label for one error message (styled as an error)."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setProperty("role", "error")  # the app's stylesheets colour it; without one, so does this:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOUR)
    label.setPalette(palette)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


def placeholder_or_body(owner: QWidget, text: str, name: str,
                        body: QWidget) -> tuple[QLabel, QStackedLayout]:
    """A detail view's two faces: a centred hint until something is open, then ``body``
    scrolling (index 1 of the returned stack)."""
    placeholder = QLabel(text, owner)
    placeholder.setObjectName(name)
    placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
    placeholder.setWordWrap(True)
    scroll = QScrollArea(owner)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(body)
    stack = QStackedLayout(owner)
    stack.addWidget(placeholder)
    stack.addWidget(scroll)
    return placeholder, stack


def facts_form(parent: QWidget, facts, object_name: str) -> tuple[QFormLayout, dict[str, QLabel]]:
    """A form of read-only, selectable values, one per (key, label) in ``facts``;
    ``object_name`` is a pattern such as "{key}Value"."""
    form, values = QFormLayout(), {}
    for key, label in facts:
        value = QLabel(parent)
        value.setObjectName(object_name.format(key=key))
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        value.setAccessibleName(label)
        values[key] = value
        form.addRow(f"{label}:", value)
    return form, values


def buddy(text: str, widget: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(widget)
    return label


class StatusPanel(QGroupBox):
    """The current status and the ones it may move to; a reason; the original for a duplicate."""

    applyRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Status", parent)
        self.combo = QComboBox(self)
        self.combo.setObjectName("caseStatus")
        self.combo.setAccessibleName("New status")
        self.reason = QLineEdit(self)
        self.reason.setObjectName("statusReason")
        self.reason.setAccessibleName("Reason for the status change")
        self.duplicate_of = QLineEdit(self)
        self.duplicate_of.setObjectName("duplicateOf")
        self.duplicate_of.setAccessibleName("Reference of the original case")
        self.duplicate_of.setPlaceholderText("Reference of the original case")
        self.button = QPushButton("&Apply status", self)
        self.button.setObjectName("applyStatusButton")
        self.error = error_label(self, "statusError")
        self._form = QFormLayout(self)
        self._form.addRow(buddy("New stat&us:", self.combo, self), self.combo)
        self._form.addRow(buddy("Reason for the c&hange:", self.reason, self), self.reason)
        self._form.addRow(buddy("Dup&licate of:", self.duplicate_of, self), self.duplicate_of)
        self._form.addRow(self.error)
        self._form.addRow(self.button)
        self._form.setRowVisible(self.duplicate_of, False)
        self.combo.currentIndexChanged.connect(self._choice_changed)
        self.button.clicked.connect(self.applyRequested)
        self.reason.returnPressed.connect(self.applyRequested)
        self.duplicate_of.returnPressed.connect(self.applyRequested)

    @property
    def target(self) -> str | None:
        """The status chosen, or None while the current one is selected."""
        return self.combo.currentData() if self.combo.currentIndex() > 0 else None

    def set_case(self, detail: CaseDetail) -> None:
        """The current status first, then only the allowed ones; keeps the choice if still allowed."""
        wanted = self.target
        current = detail.summary.status
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(f"{status_label(current)} (current)", current)
        for status in CaseStatus:  # life-cycle order
            if status.value in detail.allowed_statuses:
                self.combo.addItem(status.label, status.value)
        keep = self.combo.findData(wanted) if wanted else -1
        self.combo.setCurrentIndex(max(keep, 0))
        self.combo.blockSignals(False)
        self._choice_changed()

    def clear_input(self) -> None:
        self.reason.clear()
        self.duplicate_of.clear()
        self.combo.setCurrentIndex(0)

    def _choice_changed(self) -> None:
        self._form.setRowVisible(self.duplicate_of, self.target == CaseStatus.DUPLICATE.value)
        self.button.setEnabled(self.target is not None)


class ReassignPanel(QGroupBox):
    """Send the case to another service, saying why."""

    reassignRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Reassign", parent)
        self.service = QComboBox(self)
        self.service.setObjectName("reassignService")
        self.service.setAccessibleName("Service to reassign to")
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reassignReason")
        self.reason.setAccessibleName("Reason for reassigning")
        self.button = QPushButton("Reass&ign", self)
        self.button.setObjectName("reassignButton")
        self.error = error_label(self, "reassignError")
        self._current = ""
        form = QFormLayout(self)
        form.addRow(buddy("Assig&n to service:", self.service, self), self.service)
        form.addRow(buddy("Reason for movin&g:", self.reason, self), self.reason)
        form.addRow(self.error)
        form.addRow(self.button)
        self.service.currentIndexChanged.connect(self._update_button)
        self.button.clicked.connect(self.reassignRequested)
        self.reason.returnPressed.connect(self.reassignRequested)
        self._update_button()

    @property
    def chosen(self) -> str | None:
        """The code of the service chosen, or None while it is the current one."""
        return self.service.currentData() if self.service.currentText() != self._current else None

    def set_services(self, services) -> None:
        self.service.blockSignals(True)
        for service in services:
            self.service.addItem(service.name, service.code)
        self.service.blockSignals(False)
        self.set_current(self._current)

    def set_current(self, service_name: str) -> None:
        self._current = service_name
        self.service.blockSignals(True)
        self.service.setCurrentIndex(max(self.service.findText(service_name), 0))
        self.service.blockSignals(False)
        self._update_button()

    def _update_button(self) -> None:
        self.button.setEnabled(bool(self._current) and self.chosen is not None)


class NoteDelegate(QStyledItemDelegate):
    """Draws a note as a bold line (who, when, who may see it) above its wrapped text."""

    PADDING = 6

    def __init__(self, view: QListView):
        super().__init__(view)
        self._view = view

    def _width(self) -> int:
        return max(self._view.viewport().width() - 2 * self.PADDING, 80)

    @staticmethod
    def _bold(option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setBold(True)
        return font

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        header, body = index.data(NoteHeaderRole), index.data(NoteBodyRole)
        if header is None:
            return super().sizeHint(option, index)
        box = QRect(0, 0, self._width(), 1_000_000)
        wrap = Qt.TextFlag.TextWordWrap
        height = (QFontMetrics(self._bold(option)).boundingRect(box, wrap, header).height()
                  + QFontMetrics(option.font).boundingRect(box, wrap, body).height())
        return QSize(self._width(), height + 3 * self.PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        header, body = index.data(NoteHeaderRole), index.data(NoteBodyRole)
        if header is None:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""  # the style draws the background, selection and focus; the text is below
        style = item.widget.style() if item.widget else self._view.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText if selected
                                            else QPalette.ColorRole.Text))
        rect = option.rect.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        wrap = Qt.TextFlag.TextWordWrap
        painter.setFont(self._bold(option))
        used = painter.boundingRect(rect, wrap, header)
        painter.drawText(rect, wrap, header)
        painter.setFont(option.font)
        painter.drawText(rect.adjusted(0, used.height() + self.PADDING // 2, 0, 0), wrap, body)
        painter.restore()


class NotesPanel(QGroupBox):
    """The case's notes, oldest first, and a box to add one (Ctrl+Enter adds it)."""

    addRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Notes", parent)
        self.model = QStandardItemModel(self)
        self.list = QListView(self)
        self.list.setObjectName("notesList")
        self.list.setAccessibleName("Notes")
        self.list.setModel(self.model)
        self.list.setItemDelegate(NoteDelegate(self.list))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)  # wrap again when resized
        self.list.setAlternatingRowColors(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("noteText")
        self.text.setAccessibleName("New note")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("Type a note; Ctrl+Enter adds it")
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * 4 + 12)
        self.text.installEventFilter(self)
        self.visibility = QComboBox(self)
        self.visibility.setObjectName("noteVisibility")
        self.visibility.setAccessibleName("Note visibility")
        for value, label in NOTE_VISIBILITY_LABELS.items():
            self.visibility.addItem(label, value)
        self.button = QPushButton("A&dd note", self)
        self.button.setObjectName("addNoteButton")
        self.button.setToolTip("Ctrl+Enter in the note adds it too")
        self.error = error_label(self, "noteError")
        layout = QGridLayout(self)
        layout.addWidget(self.list, 0, 0, 1, 3)
        layout.addWidget(buddy("Ne&w note:", self.text, self), 1, 0, 1, 3)
        layout.addWidget(self.text, 2, 0, 1, 3)
        layout.addWidget(buddy("Visi&bility:", self.visibility, self), 3, 0)
        layout.addWidget(self.visibility, 3, 1)
        layout.addWidget(self.button, 3, 2)
        layout.addWidget(self.error, 4, 0, 1, 3)
        layout.setRowStretch(0, 1)
        layout.setColumnStretch(1, 1)
        self.button.clicked.connect(self.addRequested)

    @property
    def body(self) -> str:
        return self.text.toPlainText()

    @property
    def chosen_visibility(self) -> str:
        return self.visibility.currentData()

    def set_notes(self, notes: tuple[NoteInfo, ...]) -> None:
        self.model.clear()
        for note in notes:
            visibility = NOTE_VISIBILITY_LABELS.get(note.visibility, note.visibility)
            header = f"{note.author or 'System'} · {local_time(note.created_at)} · {visibility}"
            item = QStandardItem(f"{header}\n{note.body}")
            item.setData(header, NoteHeaderRole)
            item.setData(note.body, NoteBodyRole)
            self.model.appendRow(item)
        if not notes:
            empty = QStandardItem("No notes yet")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.model.appendRow(empty)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.text and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in _ADD_NOTE_KEYS
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.addRequested.emit()
            return True
        return super().eventFilter(watched, event)
