"""What an agent is typing on a case (a status change, a move, a hold, a note), kept on disk.

A moment after each change the case view's unsaved input is written to the
person's drafts with the case's version as it was on screen; it is removed once
nothing is left unsaved. After a crash the next start puts it back on the same
case, and the first save of it is made against the version it was typed on: if
the case changed meanwhile, that save meets the conflict dialog instead of
quietly landing on a case the agent has not seen.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from .call_draft import DraftFile
from .case_panels import show_error

# Keys of a draft that hold something typed or chosen (the rest says where it belongs).
TYPED = ("status", "status_reason", "duplicate_of", "service", "reassign_reason",
         "hold_reason", "note")


class CaseEditDraft(QObject):
    def __init__(self, view, drafts: DraftFile):
        super().__init__(view)
        self.view = view
        self.drafts = drafts
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(1500)
        self.timer.timeout.connect(self.keep)
        status, reassign = view.status_panel, view.reassign_panel
        for signal in (status.combo.currentIndexChanged, status.reason.textChanged,
                       status.duplicate_of.textChanged, reassign.service.currentIndexChanged,
                       reassign.reason.textChanged, view.hold_panel.reason.textChanged,
                       view.notes_panel.text.textChanged,
                       view.notes_panel.visibility.currentIndexChanged):
            signal.connect(self.changed)

    def changed(self, *_args) -> None:
        self.timer.start()

    def typed(self) -> dict:
        """The unsaved input on screen, with the case and the version it was typed against."""
        view = self.view
        detail = view.detail
        if detail is None or detail.summary.reference != view.current_reference:
            return {}
        status, reassign, notes = view.status_panel, view.reassign_panel, view.notes_panel
        draft = {"status": status.target or "", "status_reason": status.reason.text(),
                 "duplicate_of": status.duplicate_of.text(), "service": reassign.chosen or "",
                 "reassign_reason": reassign.reason.text(),
                 "hold_reason": view.hold_panel.reason.text(), "note": notes.body}
        if not any(str(draft[key]).strip() for key in TYPED):
            return {}
        return {"reference": detail.summary.reference, "version": detail.summary.version,
                "history_seen": len(detail.history), "visibility": notes.chosen_visibility,
                **draft}

    def keep(self) -> None:
        """Write what is unsaved, or remove the draft when nothing is; say so if it cannot."""
        try:
            draft = self.typed()
            if draft:
                self.drafts.write(draft)
            else:
                self.drafts.remove()
        except OSError as exc:
            show_error(self.view.error, f"What you type on this case is not being kept as a "
                       f"draft ({exc.strerror or exc}): save it before closing the app.")

    def restore(self, draft: dict) -> None:
        """Open the draft's case and, once it is on screen, put back what was typed."""
        reference = str(draft.get("reference") or "")
        if not reference:
            return
        view = self.view

        def put_back(loaded: str) -> None:
            if loaded != reference:
                return
            view.caseLoaded.disconnect(put_back)
            self.fill(draft)

        view.caseLoaded.connect(put_back)
        view.show_case(reference)

    def fill(self, draft: dict) -> None:
        view = self.view
        status, reassign = view.status_panel, view.reassign_panel
        wanted = status.combo.findData(draft.get("status")) if draft.get("status") else -1
        if wanted > 0:
            status.combo.setCurrentIndex(wanted)
        status.reason.setText(str(draft.get("status_reason") or ""))
        status.duplicate_of.setText(str(draft.get("duplicate_of") or ""))
        service = reassign.service.findData(draft.get("service")) if draft.get("service") else -1
        if service >= 0:
            reassign.service.setCurrentIndex(service)
        reassign.reason.setText(str(draft.get("reassign_reason") or ""))
        view.hold_panel.reason.setText(str(draft.get("hold_reason") or ""))
        view.notes_panel.text.setPlainText(str(draft.get("note") or ""))
        visibility = view.notes_panel.visibility.findData(draft.get("visibility"))
        if visibility >= 0:
            view.notes_panel.visibility.setCurrentIndex(visibility)
        version, seen = draft.get("version"), draft.get("history_seen")
        if isinstance(version, int) and isinstance(seen, int):
            view.pin_version(version, seen)
