"""When one sign-in grants several accounts (Facebook Pages, LinkedIn organizations), the
person picks which ones Herald should publish to."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import platforms
from app.core.ports import ConnectedAccount
from app.ui import theme
from app.ui.developer_apps import mark_primary


class PickAccountsDialog(QDialog):
    """objectName pickAccountsDialog; `chosen` lists the checked accounts."""

    def __init__(
        self,
        platform: str,
        accounts: Sequence[ConnectedAccount],
        known_ids: Collection[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.accounts = list(accounts)
        self.setObjectName("pickAccountsDialog")
        network = platforms.get(platform)
        what = self.tr(network.accounts_noun)  # "Pages" for Facebook
        self.setWindowTitle(
            self.tr("Choose {platform} {what}").format(platform=network.display_name, what=what)
        )
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(440)
        text = QLabel(
            self.tr(
                "You gave Herald access to these {platform} {what}. Tick the ones Herald should "
                "publish to in this workspace."
            ).format(platform=network.display_name, what=what),
            self,
        )
        text.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("pickAccountsList")
        self.list.setAccessibleName(self.tr("Accounts to add"))
        for account in self.accounts:
            label = account.handle
            if account.external_id in known_ids:
                label += "  " + self.tr("(already connected: its access is renewed)")
            item = QListWidgetItem(theme.platform_icon(platform), label, self.list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.list.itemChanged.connect(self._update)
        buttons = QDialogButtonBox(self)
        self.add_button = buttons.addButton(self.tr("Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setObjectName("pickAccountsAddButton")
        self.add_button.setAccessibleName(self.tr("Add the ticked accounts"))
        self.add_button.setDefault(True)
        mark_primary(self.add_button)
        cancel = buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("pickAccountsCancelButton")
        cancel.setAccessibleName(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addWidget(text)
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def _update(self, *_args) -> None:
        any_checked = bool(self.chosen)
        self.add_button.setEnabled(any_checked)
        self.add_button.setToolTip("" if any_checked else self.tr("Tick at least one"))

    @property
    def chosen(self) -> list[ConnectedAccount]:
        return [
            account
            for i, account in enumerate(self.accounts)
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]
