"""Asks before removing an account, and what to do with the posts scheduled for it."""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts import AccountInfo
from app.ui import theme


class RemoveAccountDialog(QDialog):
    """objectName removeAccountDialog; `choice` is "keep_as_draft" or "delete"."""

    def __init__(self, account: AccountInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("removeAccountDialog")
        label = f"{account.platform.label} {account.handle}"
        self.setWindowTitle(self.tr("Remove {account}").format(account=label))
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(480)

        icon = QLabel(self)
        icon.setPixmap(theme.icon("fa5s.exclamation-triangle", "warning_icon").pixmap(32, 32))
        icon.setFixedWidth(40)
        title = QLabel(self.tr("Remove {account} from Herald?").format(account=label), self)
        title.setProperty("role", "title")
        title.setWordWrap(True)
        body = QLabel(
            self.tr(
                "Herald forgets this account and deletes its stored token. Posts already "
                "published and their analytics stay. To pause publishing instead, use Disable."
            ),
            self,
        )
        body.setWordWrap(True)
        question = QLabel(
            self.tr("Posts scheduled only for this account should be:"),
            self,
        )
        question.setWordWrap(True)

        self.keep_radio = QRadioButton(
            self.tr("Kept as drafts, so you can send them to another account later"), self
        )
        self.keep_radio.setObjectName("keepPostsAsDraftsRadio")
        self.keep_radio.setAccessibleName(self.tr("Keep scheduled posts as drafts"))
        self.keep_radio.setChecked(True)
        self.delete_radio = QRadioButton(self.tr("Deleted"), self)
        self.delete_radio.setObjectName("deletePostsRadio")
        self.delete_radio.setAccessibleName(self.tr("Delete scheduled posts"))
        group = QButtonGroup(self)
        group.addButton(self.keep_radio)
        group.addButton(self.delete_radio)
        note = QLabel(
            self.tr("Posts that also go to other accounts keep those accounts either way."),
            self,
        )
        note.setProperty("role", "small")
        note.setWordWrap(True)

        buttons = QDialogButtonBox(self)
        buttons.setObjectName("removeAccountButtons")
        self.remove_button = buttons.addButton(
            self.tr("Remove account"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.remove_button.setObjectName("removeAccountConfirmButton")
        self.remove_button.setAccessibleName(self.tr("Remove account"))
        c = theme.hex_of
        self.remove_button.setStyleSheet(
            f"QPushButton {{ background: {c('danger_bg')}; color: {c('on_accent')};"
            f" border: 1px solid {c('danger_bg')}; }}"
            f" QPushButton:hover {{ background: {c('danger_hover')}; }}"
            f" QPushButton:focus {{ border: 1px solid {c('danger_focus')}; }}"
        )
        cancel = buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("removeAccountCancelButton")
        cancel.setAccessibleName(self.tr("Cancel"))
        cancel.setDefault(True)
        self.remove_button.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)

        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(icon)
        head.addWidget(title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addLayout(head)
        layout.addWidget(body)
        layout.addWidget(question)
        layout.addWidget(self.keep_radio)
        layout.addWidget(self.delete_radio)
        layout.addWidget(note)
        layout.addWidget(buttons)

    @property
    def choice(self) -> Literal["delete", "keep_as_draft"]:
        return "delete" if self.delete_radio.isChecked() else "keep_as_draft"
