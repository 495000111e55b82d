"""Help > About: what is running and on which database, for a support call."""

from __future__ import annotations

import platform
from html import escape
from importlib.metadata import PackageNotFoundError, version

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from contactdesk.config import settings_summary


def app_version() -> str:
    """The installed version, as ``contactdesk.__version__`` reads it (the ui may import only
    the core's front door and plain modules, so it asks the same metadata itself)."""
    try:
        return version("contactdesk")
    except PackageNotFoundError:
        return "0+unknown"


def about_facts(workspace) -> list[tuple[str, str]]:
    """(what, value) pairs; the database is named by its location, never its password."""
    user = workspace.user
    return [
        ("Version", app_version()),
        ("Database", workspace.location),
        ("Signed in as", f"{user.full_name} ({user.username}, {user.role})"),
        # Where the settings come from: the administrator's system-wide file first, always named.
        *settings_summary(),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("Python", platform.python_version()),
    ]


class AboutDialog(QDialog):
    def __init__(self, workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About ContactDesk")
        self.facts = about_facts(workspace)
        title = QLabel("ContactDesk", self)
        title.setObjectName("aboutTitle")
        title.setProperty("role", "heading")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        blurb = QLabel("Calls, cases and complaints for the council contact centre.", self)
        rows = "".join(f"<tr><td><b>{escape(what)}</b>&nbsp;&nbsp;</td><td>{escape(value)}</td></tr>"
                       for what, value in self.facts)
        self.details = QLabel(f"<table cellpadding='2'>{rows}</table>", self)
        self.details.setObjectName("aboutDetails")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        # Selectable so the version and database can be pasted into a support request.
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.details.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
