"""The approval panel (issue 23): a post's approval state, why it waits, its comments, and
the steps the flow allows (Submit for review, Approve, Request changes, Comment).

Shown in the composer of an existing post while its workspace uses approvals. Every step
goes through ApprovalService, which checks the person's role; a refused step shows its one
line here and changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.approvals import ApprovalError, ApprovalService
from app.core.enums import ApprovalState
from app.core.timeutil import from_utc
from app.ui.flow_layout import FlowLayout


class ApprovalPanel(QFrame):
    changed = Signal(int)  # post id

    def __init__(
        self, service: ApprovalService, post_id: int, zone: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("approvalPanel")
        self.service = service
        self.post_id = post_id
        self.zone = zone
        self.state_label = self._label("approvalStateLabel")
        self.reason_label = self._label("approvalReasonLabel")
        self.error_label = self._label("approvalErrorLabel")
        self.comments = QListWidget(self)
        self.comments.setObjectName("approvalCommentsList")
        self.comment_edit = QLineEdit(self)
        self.comment_edit.setObjectName("approvalCommentEdit")
        self.comment_edit.setPlaceholderText(self.tr("Comment; @Name mentions a member"))
        self.submit_button = self._button(self.tr("Submit for review"), "submitForReviewButton")
        self.approve_button = self._button(self.tr("Approve"), "approveButton")
        self.changes_button = self._button(self.tr("Request changes"), "requestChangesButton")
        self.comment_button = self._button(self.tr("Comment"), "addCommentButton")
        self.submit_button.clicked.connect(lambda: self._step(self.service.submit, self.post_id))
        self.approve_button.clicked.connect(lambda: self._step(self.service.approve, self.post_id))
        self.changes_button.clicked.connect(self._request_changes)
        self.comment_button.clicked.connect(self._comment)
        steps = FlowLayout(spacing=8)  # wraps in the composer's narrow side column
        for b in (self.submit_button, self.approve_button, self.changes_button):
            steps.addWidget(b)
        write = QHBoxLayout()
        write.addWidget(self.comment_edit, 1)
        write.addWidget(self.comment_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.state_label, self.reason_label):
            layout.addWidget(w)
        layout.addLayout(steps)
        layout.addWidget(self.comments, 1)
        layout.addLayout(write)
        layout.addWidget(self.error_label)
        self.refresh()

    def refresh(self) -> None:
        info = self.service.state(self.post_id)
        self.setVisible(info.state != ApprovalState.NOT_REQUIRED)
        self.state_label.setText(self.tr("Approval: %s") % info.label)
        self.reason_label.setText(info.waiting_reason or "")
        self.reason_label.setVisible(bool(info.waiting_reason))
        self.submit_button.setEnabled(
            info.state in (ApprovalState.DRAFT, ApprovalState.CHANGES_REQUESTED)
        )
        self.approve_button.setEnabled(info.state == ApprovalState.IN_REVIEW)
        self.changes_button.setEnabled(info.state == ApprovalState.IN_REVIEW)
        self.comments.clear()
        for c in self.service.comments(self.post_id):
            when = from_utc(c.at, self.zone).strftime("%a %d %b %H:%M")
            self.comments.addItem(f"{c.author} · {when}\n{c.body}")

    def _request_changes(self) -> None:
        if self._step(self.service.request_changes, self.post_id, self.comment_edit.text()):
            self.comment_edit.clear()

    def _comment(self) -> None:
        if self._step(self.service.comment, self.post_id, self.comment_edit.text()):
            self.comment_edit.clear()

    def _step(self, action, *args) -> bool:
        try:
            action(*args)
        except ApprovalError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return False
        self.error_label.clear()
        self.error_label.hide()
        self.refresh()
        self.changed.emit(self.post_id)
        return True

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        return label

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        return button


def add_approval_panel(dialog, layout) -> ApprovalPanel | None:
    """The composer's hook: a panel for the post being edited (none for a new post), hidden
    while its workspace does not use approvals."""
    post = getattr(dialog, "post", None)
    if post is None:
        return None
    panel = ApprovalPanel(dialog.services.approvals, post.id, post.zone, dialog)
    layout.addWidget(panel)
    dialog.approval_panel = panel
    return panel
