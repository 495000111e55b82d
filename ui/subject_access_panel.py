"""Subject access requests: find everything held about a person and export it for them.

The administrator picks what they have (phone, name, postcode or e-mail),
types it and presses Enter. The search runs on the task runner; what is found
is summarised and listed, records to read before disclosing marked, and
someone else's records that only mention the person marked apart. "Export for
the requester..." writes the PDF and CSV files into a new folder, named after
the request, inside the folder chosen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.errors import ContactDeskError, ValidationError
from contactdesk.domain.permissions import Permission
from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.subject_access import SubjectExport, SubjectRecords

from .table_model import FlatTableModel, Index

log = logging.getLogger(__name__)

KINDS = (("phone", "Phone number", "in any format, e.g. 01709 336000"),
         ("name", "Full name", "first name and surname, e.g. Ann Jones"),
         ("postcode", "Postcode", "e.g. S60 2TH"),
         ("email", "E-mail", "e.g. ann.jones@example.com"))
MENTION_FLAG = "Only mentioned: check before disclosing"
CHECK_FLAG = "Check before disclosing"
FLAG_FOREGROUND, FLAG_BACKGROUND = QColor("#6b4500"), QColor("#fff1c7")


@dataclass(frozen=True)
class ResultRow:
    kind: str
    reference: str
    when: datetime | date | None
    details: str
    flag: str = ""


def result_rows(records: SubjectRecords) -> list[ResultRow]:
    """What the table lists: the person's records, then the others that mention them."""
    rows = [ResultRow("Caller", f"caller {c.id}", c.created_at,
                      " · ".join(p for p in (c.name, c.phone, c.email, c.postcode) if p))
            for c in records.callers]
    rows += [ResultRow("Call", ", ".join(c.cases) or f"call {c.id}", c.started_at,
                       f"{c.category or c.outcome.replace('_', ' ')}: {c.summary or ''}",
                       CHECK_FLAG if c.check else "") for c in records.calls]
    for case in records.cases:
        checked = case.check or any(e.check for e in case.entries)
        rows.append(ResultRow("Case", case.reference, case.received_at,
                              f"{case.category}, {case.status}: {case.description}",
                              CHECK_FLAG if checked else ""))
    rows += [ResultRow("Complaint", c.reference, c.received_on, f"{c.service}: {c.description}",
                       CHECK_FLAG if c.check else "") for c in records.complaints]
    for back in records.callbacks:
        checked = back.check or any(a.check for a in back.attempts)
        rows.append(ResultRow("Callback", back.case_reference or f"callback {back.id}",
                              back.requested_at, f"{back.status}: {back.reason}",
                              CHECK_FLAG if checked else ""))
    rows += [ResultRow("Mentioned in", m.reference, m.at,
                       f"{'; '.join(m.places)}: {' | '.join(m.excerpts)}", MENTION_FLAG)
             for m in records.mentions]
    return rows


def _n(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _when(value: datetime | date | None) -> str:
    if isinstance(value, datetime):
        return f"{value.astimezone(LONDON):%d/%m/%Y %H:%M}"
    return "" if value is None else f"{value:%d/%m/%Y}"


class SubjectResultsModel(FlatTableModel):
    COLUMNS = ("What", "Reference", "Date", "Details", "Flag")
    DETAILS = 3

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                    Qt.ItemDataRole.ToolTipRole):
            return (row.kind, row.reference, _when(row.when), row.details,
                    row.flag)[index.column()]
        if row.flag and role == Qt.ItemDataRole.ForegroundRole:
            return FLAG_FOREGROUND
        if row.flag and role == Qt.ItemDataRole.BackgroundRole:
            return FLAG_BACKGROUND
        if row.flag == MENTION_FLAG and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None


def plain_message(exc: Exception, doing: str) -> str:
    """What went wrong, in words for the person at the desk (never a driver's text)."""
    if isinstance(exc, ValidationError):
        text = " ".join(issue.message[:1].upper() + issue.message[1:] + "."
                        for issue in exc.issues)
        return text.replace("..", ".")
    if isinstance(exc, ContactDeskError):
        return str(exc)[:1].upper() + str(exc)[1:]
    log.error("%s failed: %s", doing, getattr(exc, "worker_traceback", exc))
    return (f"The {doing} could not be finished because of a problem with the database or "
            "the disk. Try again; if it happens again, tell your system administrator.")


class SubjectAccessPanel(QWidget):
    searched = Signal(object)   # the SubjectRecords now shown
    exported = Signal(object)   # the SubjectExport written

    def __init__(self, workspace, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("subjectAccessPanel")
        self._workspace, self._runner = workspace, runner
        self._serial = 0
        self.records: SubjectRecords | None = None

        self.kind = QComboBox(objectName="sarKind")
        for key, label, _hint in KINDS:
            self.kind.addItem(label, key)
        self.kind.setAccessibleName("Search by")
        self.term = QLineEdit(objectName="sarTerm")
        self.term.setAccessibleName("What to search for")
        self.find_button = QPushButton("Searc&h", objectName="sarFind")
        self.find_button.setDefault(True)
        kind_label, term_label = QLabel("Search &by:"), QLabel("&For:")
        kind_label.setBuddy(self.kind)
        term_label.setBuddy(self.term)
        search = QHBoxLayout()
        for widget, stretch in ((kind_label, 0), (self.kind, 0), (term_label, 0),
                                (self.term, 1), (self.find_button, 0)):
            search.addWidget(widget, stretch)

        self.message = QLabel("", objectName="sarMessage", wordWrap=True)
        self.message.setAccessibleName("Message")
        self.summary = QLabel("", objectName="sarSummary", wordWrap=True)
        self.model = SubjectResultsModel(self)
        self.table = QTableView(objectName="sarResults")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Records found")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in range(len(SubjectResultsModel.COLUMNS)):  # a request's rows are few
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SubjectResultsModel.DETAILS, QHeaderView.ResizeMode.Stretch)
        self.export_button = QPushButton("&Export for the requester…", objectName="sarExport")
        self.export_button.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addLayout(search)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.setTabOrder(self.kind, self.term)
        self.setTabOrder(self.term, self.find_button)
        self.setTabOrder(self.find_button, self.table)
        self.setTabOrder(self.table, self.export_button)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.term.returnPressed.connect(self.find)
        self.find_button.clicked.connect(self.find)
        self.export_button.clicked.connect(self.choose_export_folder)
        self._kind_changed()
        if not workspace.may(Permission.SUBJECT_ACCESS):  # the operations refuse them too
            for widget in (self.kind, self.term, self.find_button):
                widget.setEnabled(False)
            self.message.setText("Subject access requests are answered by administrators: "
                                 "ask one to run the search.")

    def _kind_changed(self) -> None:
        self.term.setPlaceholderText(KINDS[self.kind.currentIndex()][2])

    # -- finding ---------------------------------------------------------------------------

    def find(self) -> None:
        key, label, hint = KINDS[self.kind.currentIndex()]
        term = self.term.text().strip()
        if not term:
            self.message.setText(f"Type the person's {label.lower()} ({hint}) and press Find.")
            self.term.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._serial += 1
        serial = self._serial
        self.message.setText(f"Searching everything held for {label.lower()} {term}…")
        self.find_button.setEnabled(False)
        ops = self._workspace.subject_access
        self._runner.run(lambda: ops.find_subject(**{key: term}),
                         lambda records: self._show(serial, records),
                         lambda exc: self._search_failed(serial, exc))

    def _show(self, serial: int, records: SubjectRecords) -> None:
        if serial != self._serial:
            return  # a newer search is on its way
        self.find_button.setEnabled(True)
        self.records = records
        self.model.set_rows(result_rows(records))
        counts = records.counts()
        self.summary.setText(
            f"{records.request_id}: {_n(counts['callers'], 'caller record')}, "
            f"{_n(counts['calls'], 'call')}, {_n(counts['cases'], 'case')} "
            f"({_n(counts['notes'], 'note')}) and {_n(counts['complaints'], 'complaint')} held"
            + (f", with {_n(counts['callbacks'], 'callback')}" if counts["callbacks"] else "")
            + "; "
            f"{_n(records.checks, 'entry', 'entries')} of theirs to read before disclosing. "
            f"Other people's records mentioning them: {counts['mentions']}"
            + (f", marked \"{MENTION_FLAG}\"." if counts["mentions"] else "."))
        self.message.setText("" if records.record_count or records.mentions else
                             "Nothing is held for this search: the export says so.")
        self.export_button.setEnabled(True)
        self.searched.emit(records)

    def _search_failed(self, serial: int, exc: Exception) -> None:
        if serial != self._serial:
            return
        self.find_button.setEnabled(True)
        self.message.setText(plain_message(exc, "search"))
        self.term.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- exporting -------------------------------------------------------------------------

    def choose_export_folder(self) -> None:
        if self.records is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self, "Choose where to put the request's folder", str(Path.home()))
        if folder:
            self.export_to(Path(folder))

    def export_to(self, parent_folder: Path) -> None:
        """Write the request's files into a new folder named after it inside ``parent_folder``."""
        records = self.records
        if records is None:
            return
        target = parent_folder / records.request_id
        self.message.setText(f"Writing the files into {target}…")
        self.export_button.setEnabled(False)
        ops = self._workspace.subject_access
        self._runner.run(lambda: ops.export_subject(records, target), self._exported,
                         self._export_failed, write=True)

    def _exported(self, export: SubjectExport) -> None:
        self.export_button.setEnabled(True)
        self.message.setText(f"Written to {export.folder}: {', '.join(export.files)}. Read the "
                             "entries marked for checking before sending them.")
        self.exported.emit(export)

    def _export_failed(self, exc: Exception) -> None:
        self.export_button.setEnabled(True)
        self.message.setText(plain_message(exc, "export"))
