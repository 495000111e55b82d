"""When a save meets a colleague's change (a case or a complaint): show who changed what, keep
what was typed, let the agent choose (Redmine and Tryton do the same; never last-write-wins).

The choices: apply mine anyway (saved again over their change, audited like any
save), keep only my note (what was typed goes on the case as a note, their
change stands), or discard mine and see theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from contactdesk.dtos.cases import HistoryEntry

from .case_format import local_time
from .case_history_model import describe


class Choice(Enum):
    APPLY_MINE = "apply"
    KEEP_NOTE = "note"
    DISCARD = "discard"


@dataclass(frozen=True)
class PendingWrite:
    """A save that met a conflict: how to make it again, and what the agent typed."""

    what: str                                # "change the status to Resolved"
    redo: Callable[[int], object]            # the write again, against a version
    typed: str                               # the reason or note typed, kept whatever happens
    clear_typed: Callable[[], None]
    seen_history: tuple[HistoryEntry, ...]   # the case's history when the agent started


def changes_since(seen: tuple[HistoryEntry, ...], now: tuple[HistoryEntry, ...]
                  ) -> tuple[HistoryEntry, ...]:
    """What others did since the agent's copy was loaded (the audit only ever grows)."""
    return now[len(seen):] if now[:len(seen)] == seen else now


class ConflictDialog(QDialog):
    def __init__(self, reference: str, pending: PendingWrite, changes: tuple[HistoryEntry, ...],
                 names: dict[str, dict[int, str]], parent: QWidget | None = None, *,
                 created: str = "Case created"):
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle(f"{reference} was changed by someone else")
        self.setMinimumWidth(560)
        self.choice = Choice.DISCARD
        lines = [f"{local_time(c.at)} · {c.user or 'System'} · {describe(c, names, None, created)}"
                 for c in changes] or ["(a change not shown in the history)"]
        intro = QLabel(f"While you were working on {reference}, someone else saved it first:")
        intro.setWordWrap(True)
        listed = QLabel("\n".join(lines), objectName="conflictChanges")
        listed.setWordWrap(True)
        mine = QLabel(f"You were about to {pending.what}"
                      + (f", with: “{pending.typed}”." if pending.typed else "."),
                      objectName="conflictMine")
        mine.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.apply_mine = self._button(buttons, "&Apply mine anyway", "conflictApplyMine",
                                       Choice.APPLY_MINE)
        self.keep_note = self._button(buttons, "&Keep only my note", "conflictKeepNote",
                                      Choice.KEEP_NOTE)
        self.keep_note.setEnabled(bool(pending.typed))
        self.discard = self._button(buttons, "&Discard mine and reload", "conflictDiscard",
                                    Choice.DISCARD)
        self.discard.setDefault(True)  # Enter never overwrites a colleague's change
        layout = QVBoxLayout(self)
        for widget in (intro, listed, mine, buttons):
            layout.addWidget(widget)

    def _button(self, box: QDialogButtonBox, text: str, name: str, choice: Choice) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(name)
        button.clicked.connect(lambda: self._choose(choice))
        return button

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        self.accept()
