"""Errors and warnings shown beside the fields of a form.

An error marks its field (dynamic property ``invalid`` = true, drawn with a red
border by FORM_STYLE) and shows its message in ``<field>Error``; a warning shows
in ``<field>Warning`` in another colour and never blocks anything. The message
is also the field's accessible description, so a screen reader announces it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

FORM_STYLE = """
*[invalid="true"] { border: 2px solid #b3261e; border-radius: 3px; }
QLabel[severity="error"] { color: #b3261e; }
QLabel[severity="warning"] { color: #7a4f00; }
"""


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


class FieldMessages:
    """The error and warning labels of one field."""

    def __init__(self, field: QWidget, parent: QWidget):
        self.field = field
        name = field.objectName()
        self.error = self._label(f"{name}Error", "error", parent)
        self.warning = self._label(f"{name}Warning", "warning", parent)
        field.setProperty("invalid", False)

    @staticmethod
    def _label(name: str, severity: str, parent: QWidget) -> QLabel:
        label = QLabel(parent)
        label.setObjectName(name)
        label.setProperty("severity", severity)
        label.setWordWrap(True)
        label.hide()
        return label

    @property
    def invalid(self) -> bool:
        return bool(self.field.property("invalid"))

    def show_error(self, message: str) -> None:
        self._set(self.error, message)
        self._mark(True)

    def show_warning(self, message: str) -> None:
        self._set(self.warning, message)
        self._describe()

    def clear_error(self) -> None:
        self._set(self.error, "")
        self._mark(False)

    def clear(self) -> None:
        self._set(self.warning, "")
        self.clear_error()

    def _set(self, label: QLabel, message: str) -> None:
        label.setText(message)
        label.setVisible(bool(message))

    def _mark(self, invalid: bool) -> None:
        if self.invalid != invalid:
            self.field.setProperty("invalid", invalid)
            repolish(self.field)
        self._describe()

    def _describe(self) -> None:
        self.field.setAccessibleDescription(
            " ".join(label.text() for label in (self.error, self.warning) if label.text()))
