"""Importing a telephony log from the desktop: choose a file and format, watch it read, see the summary.

The import runs on the task runner's writer thread. Its progress callback is
called on that thread, so it only emits a signal; Qt queues the signal to the
GUI thread, where the progress dialog is updated. Errors come back as a
message box with the reason, never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from contactdesk.domain.errors import ContactDeskError
from contactdesk.dtos.telephony import DEFAULT_SOURCES, FORMATS

log = logging.getLogger(__name__)

FORMAT_LABELS = {
    "asterisk-queue-log": "Asterisk queue_log",
    "csv": "Call CSV (one attempt a line)",
}
FILE_FILTERS = {
    "asterisk-queue-log": "Queue logs (queue_log* *.log *.sample);;All files (*)",
    "csv": "CSV files (*.csv);;All files (*)",
}


class CallImportDialog(QDialog):
    """Which file, in which format, under which source name."""

    def __init__(self, parent: QWidget | None = None, directory: str = ""):
        super().__init__(parent)
        self.setObjectName("callImportDialog")
        self.setWindowTitle("Import telephony log")
        self._directory = directory

        self.path = QLineEdit(self)
        self.path.setObjectName("importPath")
        self.path.setAccessibleName("Log file")
        self.path.setMinimumWidth(360)
        browse = QPushButton("&Browse…", self)
        browse.setObjectName("importBrowse")
        browse.clicked.connect(self._browse)
        self.format = QComboBox(self)
        self.format.setObjectName("importFormat")
        self.format.setAccessibleName("Log format")
        for fmt in FORMATS:
            self.format.addItem(FORMAT_LABELS.get(fmt, fmt), fmt)
        self.source = QLineEdit(self)
        self.source.setObjectName("importSource")
        self.source.setAccessibleName("Source name")
        self.source.setMaxLength(40)
        self.format.currentIndexChanged.connect(self._default_source)
        self._default_source()

        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        form = QFormLayout()
        for text, field in (("&File:", file_row), ("F&ormat:", self.format), ("&Source name:", self.source)):
            label = QLabel(text, self)
            label.setBuddy(self.path if field is file_row else field)
            form.addRow(label, field)
        note = QLabel("Importing the same queue_log again reads only what was appended; "
                      "attempts already stored are skipped.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._accept_if_chosen)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def choice(self) -> tuple[str, str, str | None]:
        """(path, format, source name or None for the format's default)."""
        return (self.path.text().strip(), self.format.currentData(),
                self.source.text().strip() or None)

    def _default_source(self) -> None:
        self.source.setPlaceholderText(f"{DEFAULT_SOURCES[self.format.currentData()]} (default)")

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Telephony log", self._directory,
                                              FILE_FILTERS[self.format.currentData()])
        if path:
            self.path.setText(path)

    def _accept_if_chosen(self) -> None:
        if self.path.text().strip():
            self.accept()
        else:
            self.path.setFocus()


class CallImporter(QObject):
    """Runs one import at a time with a progress dialog, then shows what it did."""

    imported = Signal(object)  # the CallImportSummary
    _progress = Signal(int)  # per mille of the file read

    def __init__(self, workspace, runner, parent: QWidget):
        super().__init__(parent)
        self._workspace, self._runner, self._parent = workspace, runner, parent
        self.busy = False
        self.progress_dialog: QProgressDialog | None = None
        self.summary_dialog: QDialog | None = None
        self.error_box: QMessageBox | None = None
        self._last_directory = ""
        self._progress.connect(self._show_progress)

    def choose_and_import(self) -> None:
        """Ask for a file and format, then import it."""
        dialog = CallImportDialog(self._parent, self._last_directory)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            path, fmt, source = dialog.choice()
            self.start(path, fmt, source)

    def start(self, path: str | Path, fmt: str = "asterisk-queue-log", source: str | None = None) -> None:
        if self.busy:
            return
        self.busy = True
        path = Path(path)
        self._last_directory = str(path.parent)
        dialog = QProgressDialog(f"Reading {path.name}…", "", 0, 1000, self._parent)
        dialog.setObjectName("importProgress")
        dialog.setWindowTitle("Importing telephony log")
        dialog.setCancelButton(None)  # one transaction: it lands whole or not at all
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self.progress_dialog = dialog
        emit = self._progress.emit
        last = [-1]

        def report(done: int, total: int) -> None:  # on the worker thread: signal only
            permille = min(1000, done * 1000 // total) if total else 1000
            if permille != last[0]:
                last[0] = permille
                emit(permille)

        telephony = self._workspace.telephony
        self._runner.run(lambda: telephony.import_call_log(path, fmt, source, report),
                         lambda summary: self._done(summary),
                         lambda exc: self._failed(path, exc), write=True)

    def _show_progress(self, permille: int) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setValue(permille)

    def _close_progress(self) -> None:
        self.busy = False
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _done(self, summary) -> None:
        self._close_progress()
        self.summary_dialog = ImportSummaryDialog(summary, self._parent)
        self.summary_dialog.open()
        self.imported.emit(summary)

    def _failed(self, path: Path, exc: Exception) -> None:
        self._close_progress()
        if isinstance(exc, ContactDeskError):
            reason = str(exc)
        else:  # not a message written for people: keep the detail for the log
            log.error("importing %s failed: %s", path, getattr(exc, "worker_traceback", exc))
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        box = QMessageBox(QMessageBox.Icon.Warning, "Import failed",
                          f"{path.name} was not imported.", QMessageBox.StandardButton.Ok, self._parent)
        box.setObjectName("importError")
        box.setInformativeText(reason)
        self.error_box = box
        box.open()


class ImportSummaryDialog(QDialog):
    """What an import did, bad lines listed (CallImportSummary.lines)."""

    def __init__(self, summary, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importSummary")
        self.setWindowTitle("Telephony log imported")
        heading = QLabel(f"{summary.file}: {summary.attempts_created} new queue attempts, "
                         f"{summary.bad_lines} bad lines", self)
        heading.setProperty("role", "warning" if summary.bad_lines else "heading")
        self.text = QPlainTextEdit("\n".join(summary.lines()), self)
        self.text.setObjectName("importSummaryText")
        self.text.setAccessibleName("Import summary")
        self.text.setReadOnly(True)
        self.text.setMinimumSize(560, 180)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
