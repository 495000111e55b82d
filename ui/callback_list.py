"""The agents' callback list: what is due and overdue, taken by one agent at a time.

Enter takes the selected callback (claimed for this agent: another agent ringing it gets a
plain sentence instead). With a phone line (telephony configured and a device set) the desk
asks "Ring 07700 900123 for SP-2026-000123?" and then has the phone system ring the agent's
device and dial the caller (AMI Originate, see services/callbacks.py dial_plan); how that
went is shown when Asterisk says. Without one the number is shown large to dial by hand.
Keys 1-4 then record the outcome; Esc gives the callback back unrung.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from contactdesk.dtos.callbacks import (
    LEFT_MESSAGE,
    MAX_FAILED_ATTEMPTS,
    NO_ANSWER,
    SPOKE,
    WRONG_NUMBER,
    CallbackRow,
)
from contactdesk.dtos.changes import Changed
from contactdesk.dtos.telephony_live import CONNECTED

from .case_format import short_time
from .case_panels import error_label, show_error
from .tables import read_only_table

COLUMNS = ("Due", "Number", "Case", "Why", "Tries", "Being rung by")
OVERDUE_BACKGROUND = QColor("#fbe3e4")
OVERDUE_TEXT = QColor("#7a1016")
# Key, outcome, button text: the outcome buttons in the order the keys number them.
OUTCOME_KEYS = (("1", SPOKE, "Spoke to caller"), ("2", NO_ANSWER, "No answer"),
                ("3", WRONG_NUMBER, "Wrong number"), ("4", LEFT_MESSAGE, "Left message"))
REFRESH_MS = 60_000  # overdue marks move on with the clock


class CallbackModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[CallbackRow] = []

    def set_rows(self, rows: list[CallbackRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if row.overdue and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(OVERDUE_BACKGROUND)
        if row.overdue and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(OVERDUE_TEXT)
        if row.overdue and role == Qt.ItemDataRole.FontRole and index.column() == 0:
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _text(row: CallbackRow, column: int) -> str:
        if column == 0:
            due = short_time(row.due_at)
            return f"Overdue: {due}" if row.overdue else due
        return (row.phone_national, row.case_reference or "", row.reason,
                f"{row.failed_attempts} of {MAX_FAILED_ATTEMPTS}" if row.failed_attempts else "",
                row.claimed_by or "")[column - 1]


class CallbackListView(QWidget):
    def __init__(self, workspace, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("callbackList")
        self._workspace, self._runner = workspace, runner
        # Set by the window: this desk's line to the phone system, or None (numbers by hand).
        self.phone_line: Callable[[], object | None] = lambda: None
        self.taken: CallbackRow | None = None
        self.action_id = ""  # the Originate being waited on
        self.dial_result_text = ""
        self.confirm_dial: Callable[[str], bool] = self._ask

        title = QLabel("Callbacks to ring: overdue first, then by due time", self)
        title.setProperty("role", "heading")
        self.model = CallbackModel(self)
        # No alternating colours: the overdue rows' tint says more.
        self.table = read_only_table("callbackTable", "Callbacks to ring", self.model, self,
                                     single=True, alternating=False)
        header = self.table.horizontalHeader()
        # Every column as wide as its text in the theme's font (bold overdue times included);
        # the reason takes what is left.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _index: self.take_selected())
        self.take_button = QPushButton("Take callback (Enter)", self)
        self.take_button.setObjectName("takeCallbackButton")
        self.take_button.clicked.connect(self.take_selected)
        self.refresh_button = QPushButton("Refresh (F5)", self)
        self.refresh_button.clicked.connect(self.refresh)
        self.empty = QLabel("No callbacks waiting.", self)
        self.empty.setObjectName("callbackEmpty")
        self.error = error_label(self, "callbackError")
        self.result = QLabel("", self)
        self.result.setObjectName("callbackResult")

        self.panel = QFrame(self)
        self.panel.setObjectName("callbackPanel")
        self.panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel(self.panel)
        self.heading.setObjectName("callbackHeading")
        self.heading.setWordWrap(True)
        self.number = QLabel(self.panel)
        self.number.setObjectName("callbackDialNumber")
        self.number.setAccessibleName("Number to dial")
        big = QFont(self.number.font())
        big.setPointSizeF(big.pointSizeF() * 2.4)
        big.setBold(True)
        self.number.setFont(big)
        self.number.setProperty("role", "reference")  # the themes size it as large as a reference
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dial_status = QLabel(self.panel)
        self.dial_status.setObjectName("callbackDialStatus")
        self.dial_status.setWordWrap(True)
        self.outcome_buttons: dict[str, QPushButton] = {}
        outcomes = QHBoxLayout()
        for key, outcome, text in OUTCOME_KEYS:
            button = QPushButton(f"{text} ({key})", self.panel)
            button.setObjectName(f"callbackOutcome_{outcome}")
            button.clicked.connect(lambda _=False, o=outcome: self.record(o))
            outcomes.addWidget(button)
            self.outcome_buttons[outcome] = button
            shortcut = QShortcut(QKeySequence(key), self.panel)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda o=outcome: self.record(o))
        self.give_back = QPushButton("Give back (Esc)", self.panel)
        self.give_back.setObjectName("callbackGiveBack")
        self.give_back.clicked.connect(self.release)
        outcomes.addWidget(self.give_back)
        escape = QShortcut(QKeySequence("Esc"), self.panel)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.release)
        panel_layout = QVBoxLayout(self.panel)
        panel_layout.addWidget(self.heading)
        panel_layout.addWidget(self.number)
        panel_layout.addWidget(self.dial_status)
        panel_layout.addLayout(outcomes)
        self.panel.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.take_button)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.error)
        layout.addWidget(self.panel)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("F5"), self,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut).activated.connect(
            self.refresh)
        self.setFocusProxy(self.table)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        runner.follow_changes(workspace, self._changed)
        self.refresh()

    # -- the list -------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def refresh(self) -> None:
        self._runner.run(self._workspace.callbacks.waiting_callbacks, self._show,
                         lambda exc: show_error(self.error, str(exc)))

    def _changed(self, changes) -> None:
        if changes.touches(Changed.CASES):
            self.refresh()

    def _show(self, rows: list[CallbackRow]) -> None:
        selected = self.selected()
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        keep = next((i for i, r in enumerate(rows) if selected and r.id == selected.id), 0)
        if rows:
            self.table.selectRow(keep)

    def selected(self) -> CallbackRow | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and self.model.rows else None

    # -- taking one -----------------------------------------------------------------------
    def take_selected(self) -> None:
        row = self.selected()
        if row is None or self.taken is not None:
            return
        show_error(self.error, "")
        self._runner.run(lambda: self._workspace.callbacks.claim_callback(row.id),
                         self._claimed, lambda exc: show_error(self.error, str(exc)),
                         write=True)

    def _claimed(self, row: CallbackRow) -> None:
        self.result.setText("")
        self.taken, self.action_id, self.dial_result_text = row, "", ""
        about = f" for {row.case_reference}" if row.case_reference else ""
        self.heading.setText(f"Ringing back{about}: {row.reason}")
        self.number.setText(row.phone_national)
        self.panel.show()
        line = self.phone_line()
        if line is None:
            self.dial_status.setText("Dial this number by hand, then record how it went.")
        elif line.state.kind != CONNECTED:
            self.dial_status.setText("The phone system is not connected: dial this number by "
                                     "hand, then record how it went.")
        elif self.confirm_dial(f"Ring {row.phone_national}{about}?"):
            self._dial(line, row)
        else:
            self.dial_status.setText("Not dialled: dial by hand, or give it back (Esc).")
        self.panel.show()
        self.outcome_buttons[SPOKE].setFocus(Qt.FocusReason.OtherFocusReason)  # keys 1-4 act
        self.refresh()

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Ring the caller", question,
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.Yes)
        self.window().activateWindow()  # the outcome keys go to this page next
        return answer == QMessageBox.StandardButton.Yes

    def _dial(self, line, row: CallbackRow) -> None:
        self.dial_status.setText("Your phone will ring; pick it up and the caller is dialled.")
        callbacks = self._workspace.callbacks

        def originate() -> str:
            plan = callbacks.dial_plan(row.id, line.interface)
            return line.client.originate(plan.channel, plan.exten, plan.context, 1,
                                         plan.caller_id)

        self._runner.run(originate, self._dialling, self._dial_failed)

    def _dialling(self, action_id: str) -> None:
        self.action_id = action_id

    def _dial_failed(self, exc: Exception) -> None:
        self.dial_status.setText(f"Not dialled: {exc} Dial the number by hand.")

    def dial_result(self, result) -> None:
        """The phone system's OriginateResponse (a DialResult), from the screen pop's line."""
        if self.taken is None or result.action_id != self.action_id:
            return
        self.dial_result_text = result.reason
        if result.succeeded:
            self.dial_status.setText(f"Connected: {result.reason}. Record how it went.")
        else:
            self.dial_status.setText(f"The call did not go through: {result.reason}. "
                                     "Record it, or dial by hand.")

    # -- the outcome -----------------------------------------------------------------------
    def record(self, outcome: str) -> None:
        row, self.taken = self.taken, None  # one outcome per try, however often it is pressed
        if row is None:
            return
        said = self.dial_result_text
        self._runner.run(lambda: self._workspace.callbacks.record_outcome(row.id, outcome, said),
                         self._recorded, lambda exc: self._not_recorded(row, exc), write=True)

    def _not_recorded(self, row: CallbackRow, exc: Exception) -> None:
        self.taken = row  # still this agent's to record
        show_error(self.error, str(exc))

    def _recorded(self, row: CallbackRow) -> None:
        self._close_panel()
        word = {"done": "done", "failed": "closed as failed"}.get(row.status, "kept waiting")
        show_error(self.error, "")
        self.result.setText(f"Recorded: {row.phone_national} {word}.")
        self.refresh()

    def release(self) -> None:
        row = self.taken
        if row is None:
            return
        self._close_panel()
        self._runner.run(lambda: self._workspace.callbacks.release_callback(row.id),
                         lambda _none: self.refresh(),
                         lambda exc: show_error(self.error, str(exc)), write=True)

    def _close_panel(self) -> None:
        self.taken, self.action_id, self.dial_result_text = None, "", ""
        self.panel.hide()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
