"""The Accounts area: the current workspace's connected accounts and what can be done to them.

Connect (pick a platform), reconnect, disable/enable, remove (asks what happens to the
account's scheduled posts), Instagram media hosting, and the user's developer apps. The
OAuth flow runs off the UI thread (`ConnectJob`); everything else goes through
`AccountService`. In demo mode accounts connect against the emulator, with no browser.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts import AccountInfo
from app.core.events import ACCOUNTS_CHANGED, NEEDS_REAUTH
from app.core.models import AccountStatus
from app.core.vault import VaultError
from app.core.workspaces import WorkspaceInfo
from app.platforms.names import Platform
from app.ui import theme
from app.ui.accounts.connect import ConnectFn, ConnectJob, ConnectProgressDialog
from app.ui.accounts.connect_flow import ConnectFlow
from app.ui.accounts.model import AccountRole, AccountsModel, hosting_kind
from app.ui.accounts.remove_dialog import RemoveAccountDialog
from app.ui.accounts.services import accounts_of, vault_of
from app.ui.accounts.widgets import Banner, EmptyState, action_name, make_table
from app.ui.passphrase import unlock_vault

log = logging.getLogger(__name__)


class _EventBridge(QObject):
    """Core events arrive on any thread; this re-emits them on the UI thread."""

    changed = Signal()


class AccountsView(ConnectFlow, QWidget):
    title = "Accounts"

    def __init__(
        self,
        context: Any,
        parent: QWidget | None = None,
        *,
        connect_fn: ConnectFn | None = None,
        open_browser=None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("accountsView")
        self.title = self.tr("Accounts")
        self.context = context
        #: the OAuth flow; None means app.adapters.oauth.connect (imported when first used)
        self.connect_fn = connect_fn
        #: how the system browser is opened (real platforms); None means webbrowser.open
        self.open_browser = open_browser
        self.service = accounts_of(context)
        self.vault = vault_of(context)
        self.workspace: WorkspaceInfo | None = None
        self.job: ConnectJob | None = None
        self.progress: ConnectProgressDialog | None = None
        self.last_message = ""
        self.model = AccountsModel(self)
        self._build()
        self._subscribe()
        self._update_actions()
        app = QCoreApplication.instance()
        if app is not None:  # quitting mid-connect must not wait for the browser
            app.aboutToQuit.connect(self.shutdown)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.subtitle = QLabel("", self)
        self.subtitle.setObjectName("accountsSubtitle")
        self.subtitle.setProperty("role", "small")

        self.connect_button = QToolButton(self)
        self.connect_button.setObjectName("connectAccountButton")
        self.connect_button.setText(self.tr("Connect account"))
        self.connect_button.setAccessibleName(self.tr("Connect account"))
        self.connect_button.setIcon(theme.icon("fa5s.plus", "#ffffff"))
        self.connect_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.connect_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.connect_button.setStyleSheet(
            "QToolButton#connectAccountButton { background: #2563eb; color: #ffffff;"
            " border: 1px solid #2563eb; border-radius: 6px; padding: 6px 12px; }"
            " QToolButton#connectAccountButton:hover { background: #1d4ed8; }"
            " QToolButton#connectAccountButton:focus { border: 1px solid #1e3a8a; }"
            " QToolButton#connectAccountButton:disabled { background: #93c5fd;"
            " border-color: #93c5fd; }"
            " QToolButton#connectAccountButton::menu-indicator { subcontrol-position:"
            " right center; right: 6px; }"
        )
        self.connect_menu = QMenu(self.connect_button)
        self.connect_menu.setObjectName("connectAccountMenu")
        self.connect_actions: dict[Platform, QAction] = {}
        for platform in Platform:
            action = QAction(theme.platform_icon(platform), platform.label, self.connect_menu)
            action.setObjectName(f"connect{action_name(platform)}Action")
            action.setToolTip(
                self.tr("Connect a {platform} account").format(platform=platform.label)
            )
            action.triggered.connect(lambda _=False, p=platform: self.connect_platform(p))
            self.connect_menu.addAction(action)
            self.connect_actions[platform] = action
        # Posting as a page needs more LinkedIn permissions, which not every app has.
        pages = QAction(
            theme.platform_icon(Platform.LINKEDIN),
            self.tr("LinkedIn company page"),
            self.connect_menu,
        )
        pages.setObjectName("connectLinkedinPagesAction")
        pages.setToolTip(
            self.tr(
                "Post as a LinkedIn company page you administer (your LinkedIn developer app "
                "needs the Community Management API product)"
            )
        )
        pages.triggered.connect(
            lambda _=False: self.connect_platform(Platform.LINKEDIN, linkedin_pages=True)
        )
        self.connect_menu.addAction(pages)
        self.connect_pages_action = pages
        self.connect_button.setMenu(self.connect_menu)

        def button(name: str, text: str, icon: str, slot) -> QPushButton:
            widget = QPushButton(theme.icon(icon), text, self)
            widget.setObjectName(name)
            widget.setAccessibleName(text)
            widget.clicked.connect(slot)
            return widget

        self.reconnect_button = button(
            "reconnectAccountButton", self.tr("Reconnect"), "fa5s.sync-alt", self.reconnect_selected
        )
        self.disable_button = button(
            "disableAccountButton", self.tr("Disable"), "fa5s.pause-circle", self.toggle_disabled
        )
        self.remove_button = button(
            "removeAccountButton", self.tr("Remove"), "fa5s.trash-alt", self.remove_selected
        )
        self.media_button = button(
            "mediaHostingButton", self.tr("Media hosting"), "fa5s.images", self.edit_media_hosting
        )
        self.apps_button = button(
            "developerAppsButton", self.tr("Developer apps"), "fa5s.key", self.edit_developer_apps
        )
        self.apps_button.setToolTip(
            self.tr("Your own client id and secret per platform, needed to connect real accounts")
        )

        for widget in (
            self.connect_button,
            self.reconnect_button,
            self.disable_button,
            self.remove_button,
            self.media_button,
            self.apps_button,
        ):  # never squeezed below their text
            widget.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        toolbar = QHBoxLayout()
        toolbar.setSpacing(8)
        for widget in (self.connect_button, self.reconnect_button, self.disable_button):
            toolbar.addWidget(widget)
        toolbar.addWidget(self.remove_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.media_button)
        toolbar.addWidget(self.apps_button)

        self.reauth_banner = Banner(
            "reauthBanner", "attention", self.tr("Reconnect"), "bannerReconnectButton", self
        )
        self.reauth_banner.button.clicked.connect(self._reconnect_first_broken)
        self.media_banner = Banner(
            "mediaHostingBanner", "info", self.tr("Choose…"), "bannerMediaHostingButton", self
        )
        self.media_banner.button.clicked.connect(self._edit_first_unhosted)

        self.table = make_table(self.model, self)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.activated.connect(self.remove_selected)

        self.empty = EmptyState(self)
        self.empty.connectRequested.connect(self.connect_platform)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("accountsStack")
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addLayout(toolbar)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.reauth_banner)
        layout.addWidget(self.media_banner)
        layout.addWidget(self.stack, 1)
        self.setTabOrder(self.connect_button, self.reconnect_button)
        self.setTabOrder(self.reconnect_button, self.disable_button)
        self.setTabOrder(self.disable_button, self.remove_button)
        self.setTabOrder(self.remove_button, self.media_button)
        self.setTabOrder(self.media_button, self.apps_button)
        self.setTabOrder(self.apps_button, self.table)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's naming
        super().resizeEvent(event)
        # Narrow windows: the platform column goes (the icon, tooltip and accessible name
        # still say it) so the notes keep their room.
        self.table.setColumnHidden(1, self.width() < 880)

    def _subscribe(self) -> None:
        bridge = _EventBridge(self)
        bridge.changed.connect(self._on_external_change, Qt.ConnectionType.QueuedConnection)
        events = getattr(self.context, "events", None)
        if events is None:
            return
        unsubscribers = [
            events.subscribe(lambda _e: bridge.changed.emit(), ACCOUNTS_CHANGED),
            events.subscribe(lambda _e: bridge.changed.emit(), NEEDS_REAUTH),
        ]

        def unsubscribe(*_args) -> None:
            for undo in unsubscribers:
                undo()

        bridge.destroyed.connect(unsubscribe)

    # ------------------------------------------------------------------ data

    def set_workspace(self, workspace: WorkspaceInfo | None) -> None:
        self.workspace = workspace
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        current = self.selected_account()
        keep = select_id if select_id is not None else (current.id if current else None)
        rows = self.service.list(self.workspace.id) if self.workspace else []
        zone = self.workspace.timezone if self.workspace else "UTC"
        self.model.set_accounts(rows, self.context.clock.now(), zone)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        if self.workspace is not None:
            self.subtitle.setText(
                self.tr("Accounts that publish for {workspace} · times shown in {zone}").format(
                    workspace=self.workspace.name, zone=zone
                )
            )
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._update_banners(rows)
        self._update_actions()

    def selected_account(self) -> AccountInfo | None:
        rows = self.table.selectionModel().selectedRows() if hasattr(self, "table") else []
        return rows[0].data(AccountRole) if rows else None

    def select_account(self, account_id: int) -> None:
        row = self.model.row_of(account_id)
        if row >= 0:
            self.table.selectRow(row)

    def _on_external_change(self) -> None:
        if self.workspace is not None:
            self.reload()

    def _changed(self) -> None:
        events = getattr(self.context, "events", None)
        if events is not None:
            events.publish(
                ACCOUNTS_CHANGED, workspace_id=self.workspace.id if self.workspace else None
            )

    # ------------------------------------------------------------------ enabling

    def _update_actions(self, *_args) -> None:
        account = self.selected_account()
        busy = self.job is not None
        no_ws = self.workspace is None
        why_none = self.tr("Select an account in the list first")
        self.connect_button.setEnabled(not busy and not no_ws)
        self.connect_button.setToolTip(
            self.tr("Herald is already connecting an account")
            if busy
            else self.tr("Connect an X, Instagram, LinkedIn or Facebook account")
        )
        for platform in Platform:
            self.empty.buttons[platform].setEnabled(not busy and not no_ws)

        def state(widget, enabled: bool, tip_on: str, tip_off: str) -> None:
            widget.setEnabled(enabled)
            widget.setToolTip(tip_on if enabled else tip_off)

        if account is None:
            for widget in (self.reconnect_button, self.disable_button, self.remove_button):
                state(widget, False, "", why_none)
            state(self.media_button, False, "", self.tr("Select an Instagram account first"))
            self.disable_button.setText(self.tr("Disable"))
            return
        label = f"{account.platform.label} {account.handle}"
        state(
            self.reconnect_button,
            not busy,
            self.tr("Sign in to {account} again to renew Herald's access").format(account=label),
            self.tr("Herald is already connecting an account"),
        )
        disabled = account.status == AccountStatus.DISABLED
        self.disable_button.setText(self.tr("Enable") if disabled else self.tr("Disable"))
        self.disable_button.setIcon(
            theme.icon("fa5s.play-circle" if disabled else "fa5s.pause-circle")
        )
        self.disable_button.setAccessibleName(self.disable_button.text())
        state(
            self.disable_button,
            True,
            self.tr("Publish to {account} again").format(account=label)
            if disabled
            else self.tr("Stop publishing to {account} without removing it").format(account=label),
            "",
        )
        state(
            self.remove_button,
            not busy,
            self.tr("Remove {account} from Herald").format(account=label),
            self.tr("Wait until Herald has finished connecting"),
        )
        state(
            self.media_button,
            account.platform == Platform.INSTAGRAM,
            self.tr("Choose how Instagram gets the images for {account}").format(account=label),
            self.tr("Only Instagram accounts need a media hosting; select one first"),
        )

    def _update_banners(self, rows: list[AccountInfo]) -> None:
        broken = [a for a in rows if a.status == AccountStatus.REQUIRES_REAUTH]
        if broken:
            names = ", ".join(f"{a.platform.label} {a.handle}" for a in broken)
            text = (
                self.tr("{account} needs reconnecting.").format(account=names)
                if len(broken) == 1
                else self.tr("{n} accounts need reconnecting: {accounts}.").format(
                    n=len(broken), accounts=names
                )
            )
            text += " " + self.tr("Their scheduled posts wait until you reconnect.")
            self.reauth_banner.set_text(text)
        self.reauth_banner.setVisible(bool(broken))
        unhosted = [
            a
            for a in rows
            if a.platform == Platform.INSTAGRAM
            and a.status != AccountStatus.DISABLED
            and hosting_kind(a) is None
        ]
        if unhosted:
            self.media_banner.set_text(
                self.tr(
                    "Instagram downloads each image from a public web address, which your "
                    "computer does not have. Choose where Herald puts images for {account}."
                ).format(account=f"Instagram {unhosted[0].handle}")
            )
        self.media_banner.setVisible(bool(unhosted))

    # ------------------------------------------------------------------ messages

    def notify(self, message: str) -> None:
        self.last_message = message
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 8000)

    def _error(self, title: str, text: str, name: str = "accountsErrorBox") -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName(name)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # ------------------------------------------------------------------ other actions

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
        self.notify(message.format(account=f"{account.platform.label} {account.handle}"))

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
        self.notify(
            self.tr("Removed {account}.").format(
                account=f"{account.platform.label} {account.handle}"
            )
            + kept
        )

    def edit_media_hosting(self, account: AccountInfo | None = None) -> None:
        account = account or self.selected_account()
        if account is None or account.platform != Platform.INSTAGRAM:
            return
        from app.ui.media_hosting import MediaHostingDialog

        pages = [
            a
            for a in self.model.accounts
            if a.platform == Platform.FACEBOOK and a.status != AccountStatus.DISABLED
        ]
        dialog = MediaHostingDialog(account, pages, demo=bool(self._demo_url()), parent=self)
        try:
            if not dialog.exec():
                return
            value = dialog.value
        finally:
            dialog.deleteLater()
        self.service.update_settings(account.id, {"media_hosting": value})
        self._changed()
        self.reload(select_id=account.id)
        self.notify(
            self.tr("Media hosting saved for Instagram {handle}.").format(handle=account.handle)
        )

    def edit_developer_apps(self, focus: Platform | None = None) -> None:
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

    # ------------------------------------------------------------------ table helpers

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
            if account.platform == Platform.INSTAGRAM and hosting_kind(account) is None:
                self.select_account(account.id)
                self.edit_media_hosting(account)
                return
