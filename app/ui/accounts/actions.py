"""What the Accounts view does to the selected account (a mixin of `AccountsView`): disable
or enable, remove, media hosting, developer apps, and the table's double-click and context
menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton, QTableView, QWidget

from app import platforms
from app.core.accounts import AccountInfo, AccountService, AccountStatus
from app.core.events import EventHub
from app.core.vault import Vault, VaultError
from app.ui.accounts.connect import ConnectJob
from app.ui.accounts.model import AccountRole, AccountsModel, hosting_kind, label
from app.ui.accounts.remove_dialog import RemoveAccountDialog
from app.ui.passphrase import unlock_vault

# The view these mixins become part of, as the type checker sees it.
if TYPE_CHECKING:
    _View = QWidget
else:
    _View = object


def needs_hosting(account: AccountInfo) -> bool:
    """An enabled account of a network that fetches media from a public address, with no
    media hosting chosen yet."""
    return (
        platforms.get(account.platform).media.needs_hosting
        and account.status != AccountStatus.DISABLED
        and hosting_kind(account) is None
    )


class AccountActions(_View):
    """What it needs from the view (built there):"""

    service: AccountService
    vault: Vault
    events: EventHub
    model: AccountsModel
    table: QTableView
    job: ConnectJob | None
    reconnect_button: QPushButton
    disable_button: QPushButton
    remove_button: QPushButton
    media_button: QPushButton

    if TYPE_CHECKING:  # the view's and the other mixins'

        def reload(self, select_id: int | None = None) -> None: ...
        def selected_account(self) -> AccountInfo | None: ...
        def select_account(self, account_id: int) -> None: ...
        def notify(self, message: str) -> None: ...
        def _error(self, title: str, text: str, name: str = ...) -> QMessageBox: ...
        def _changed(self) -> None: ...
        def _demo(self) -> bool: ...
        def reconnect_selected(self) -> None: ...

    def toggle_disabled(self) -> None:
        account = self.selected_account()
        if account is None:
            return
        if account.status == AccountStatus.DISABLED:
            self.service.enable(account.id)
            message = self.tr("{account} is enabled again.")
        else:
            self.service.disable(account.id, self.tr("Disabled by you."))
            message = self.tr("{account} is disabled: Herald will not publish to it.")
        self._changed()
        self.reload(select_id=account.id)
        self.notify(message.format(account=label(account)))

    def remove_selected(self) -> None:
        account = self.selected_account()
        if account is None or self.job is not None:
            return
        dialog = RemoveAccountDialog(account, self)
        try:
            if not dialog.exec():
                return
            choice = dialog.choice
        finally:
            dialog.deleteLater()
        self.service.remove(account.id, scheduled_posts=choice)
        self._changed()
        self.reload()
        kept = self.tr(" Its scheduled posts are now drafts.") if choice == "keep_as_draft" else ""
        self.notify(self.tr("Removed {account}.").format(account=label(account)) + kept)

    def edit_media_hosting(self, account: AccountInfo | None = None) -> None:
        account = account or self.selected_account()
        if account is None or not platforms.get(account.platform).media.needs_hosting:
            return
        from app.ui.media_hosting import edit_media_hosting

        if not edit_media_hosting(self, self.service, self.events, account, demo=self._demo()):
            return
        self.reload(select_id=account.id)
        self.notify(self.tr("Media hosting saved for {account}.").format(account=label(account)))

    def edit_developer_apps(self, focus: str | None = None) -> None:
        if not unlock_vault(self.vault, self):
            return
        from app.ui.developer_apps import DeveloperAppsDialog

        try:
            dialog = DeveloperAppsDialog(self.service, self, focus=focus or None)
        except VaultError as exc:
            self._error(self.tr("Cannot read your developer apps"), str(exc))
            return
        try:
            if dialog.exec():
                self.notify(self.tr("Developer apps saved."))
        finally:
            dialog.deleteLater()

    def _on_double_click(self, index) -> None:
        account = index.data(AccountRole)
        if account is not None and account.status == AccountStatus.REQUIRES_REAUTH:
            self.reconnect_selected()

    def _context_menu(self, pos: QPoint) -> None:
        if self.selected_account() is None:
            return
        menu = QMenu(self)
        menu.setObjectName("accountContextMenu")
        for widget in (
            self.reconnect_button,
            self.disable_button,
            self.remove_button,
            self.media_button,
        ):
            action = menu.addAction(widget.icon(), widget.text())
            action.setEnabled(widget.isEnabled())
            action.triggered.connect(widget.click)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _reconnect_first_broken(self) -> None:
        for account in self.model.accounts:
            if account.status == AccountStatus.REQUIRES_REAUTH:
                self.select_account(account.id)
                self.reconnect_selected()
                return

    def _edit_first_unhosted(self) -> None:
        for account in self.model.accounts:
            if needs_hosting(account):
                self.select_account(account.id)
                self.edit_media_hosting(account)
                return
