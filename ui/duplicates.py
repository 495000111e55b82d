"""Open cases already reported at the caller's location, offered instead of a new case."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from contactdesk.dtos.cases import CaseSummary

from .case_format import short_time, status_label


def describe(case: CaseSummary) -> str:
    where = ", ".join(part for part in (case.location, case.postcode) if part) or "no address"
    return (f"{case.reference}: {case.category} at {where}; reported "
            f"{short_time(case.received_at)}, {status_label(case.status).lower()}")


class DuplicatesBox(QGroupBox):
    """Lists possible duplicates; ticking ``addToDuplicate`` adds the caller to the chosen one.

    With one case the choice is implied; with several, ``duplicateChoice`` picks
    which. Hidden while there is nothing to offer.
    """

    choiceChanged = Signal(str)  # reference to add the caller to, or ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Already reported here", parent)
        self.setObjectName("duplicatesBox")
        self._cases: list[CaseSummary] = []
        self.details = QLabel(self)
        self.details.setObjectName("duplicateDetails")
        self.details.setWordWrap(True)
        self.choice_label = QLabel("Same prob&lem reported as", self)
        self.choice = QComboBox(self)
        self.choice.setObjectName("duplicateChoice")
        self.choice.setAccessibleName("Open case already reported here")
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.choice.setMinimumContentsLength(30)
        self.choice_label.setBuddy(self.choice)
        self.accept = QCheckBox(self)
        self.accept.setObjectName("addToDuplicate")
        layout = QVBoxLayout(self)
        for widget in (self.details, self.choice_label, self.choice, self.accept):
            layout.addWidget(widget)
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self.accept.toggled.connect(lambda _checked: self.choiceChanged.emit(self.chosen()))
        self.set_cases([])

    @property
    def cases(self) -> tuple[CaseSummary, ...]:
        return tuple(self._cases)

    def set_cases(self, cases: Sequence[CaseSummary]) -> None:
        """Offer these cases; the tick survives only if its case is still offered."""
        kept = self.chosen()
        self._cases = list(cases)
        self.choice.blockSignals(True)
        self.choice.clear()
        for case in self._cases:
            self.choice.addItem(describe(case), case.reference)
        index = self.choice.findData(kept) if kept else 0
        self.choice.setCurrentIndex(max(index, 0) if self._cases else -1)
        self.choice.blockSignals(False)
        several = len(self._cases) > 1
        self.choice_label.setVisible(several)
        self.choice.setVisible(several)
        self.details.setText(
            f"{len(self._cases)} open cases in this category nearby." if several
            else describe(self._cases[0]) if self._cases else "")
        self.accept.blockSignals(True)
        self.accept.setChecked(bool(kept) and index >= 0)
        self.accept.blockSignals(False)
        self._update_accept_text()
        self.setVisible(bool(self._cases))
        if kept != self.chosen():
            self.choiceChanged.emit(self.chosen())

    def chosen(self) -> str:
        """The reference the caller is to be added to, or "" for a new case."""
        if not self._cases or not self.accept.isChecked():
            return ""
        return self.choice.currentData() or ""

    def _choice_changed(self, _index: int) -> None:
        self._update_accept_text()
        self.choiceChanged.emit(self.chosen())

    def _update_accept_text(self) -> None:
        reference = self.choice.currentData()
        self.accept.setText(f"&Join this caller to {reference}" if reference
                            else "&Join this caller to the case")
        self.accept.setAccessibleName(self.accept.text().replace("&", ""))
