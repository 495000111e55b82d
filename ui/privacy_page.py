"""The administrator's privacy page: subject access requests and retention, side by side as tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from contactdesk.domain.permissions import Permission

from .retention_panel import RetentionPanel
from .subject_access_panel import SubjectAccessPanel
from .tasks import TaskRunner


class PrivacyPage(QWidget):
    def __init__(self, workspace, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("privacyPage")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("privacyTabs")
        self.subject_access = self.retention = None
        if workspace.may(Permission.SUBJECT_ACCESS):
            self.subject_access = SubjectAccessPanel(workspace, runner)
            self.tabs.addTab(self.subject_access, "Subject access requests")
        if workspace.may(Permission.MANAGE_RETENTION):
            self.retention = RetentionPanel(workspace, runner)
            self.tabs.addTab(self.retention, "Retention")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    @staticmethod
    def shown_to(workspace) -> bool:
        return workspace.may(Permission.SUBJECT_ACCESS) or workspace.may(Permission.MANAGE_RETENTION)
