""""Also open by ...": told beside the case's reference, refreshed every 20 seconds."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget
from shiboken6 import isValid


class AlsoOpenBy(QLabel):
    EVERY_MS = 20_000

    def __init__(self, workspace, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("alsoOpenBy")
        self.setProperty("role", "warning")
        self._workspace, self._runner = workspace, runner
        self._reference: str | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(self.EVERY_MS)
        self._timer.timeout.connect(self.refresh)
        self.hide()

    def follow(self, reference: str) -> None:
        self._reference = reference
        self.hide()
        self._timer.start()
        QTimer.singleShot(0, self.refresh)  # after the case itself is asked for

    def refresh(self) -> None:
        reference, cases = self._reference, self._workspace.cases
        if reference is None or self._workspace.closed:
            return
        self._runner.run(lambda: cases.mark_viewing(reference),
                         lambda others: self._show(reference, others),
                         lambda _exc: None)  # who else looks is a courtesy: never an error

    def stop(self) -> None:
        self._timer.stop()
        self._reference = None
        if not self._workspace.closed:
            cases = self._workspace.cases
            self._runner.run(cases.stop_viewing, None, lambda _exc: None)

    def _show(self, reference: str, others: tuple[str, ...]) -> None:
        if not isValid(self) or reference != self._reference:
            return
        self.setText(f"Also open by {', '.join(others)}" if others else "")
        self.setVisible(bool(others))
