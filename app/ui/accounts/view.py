"""The Accounts area: the current workspace's connected accounts and what can be done to them.

Connect (pick a platform), reconnect, disable/enable, remove (asks what happens to the
account's scheduled posts), Instagram media hosting, and the user's developer apps. The
OAuth flow runs off the UI thread (`ConnectJob`); everything else goes through
`AccountService`. In demo mode accounts connect against the emulator, with no browser.
"""

from __future__ import annotations

import logging
import webbrowser
from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.constants import Platform
from app.core.accounts import AccountError, AccountInfo
from app.core.events import ACCOUNTS_CHANGED, NEEDS_REAUTH
from app.core.models import AccountStatus
from app.core.ports import AppCredentials
from app.core.vault import VaultError
from app.core.workspaces import WorkspaceInfo
from app.ui import theme
from app.ui.accounts.connect import ConnectFn, ConnectJob, ConnectProgressDialog
from app.ui.accounts.model import AccountRole, AccountsModel, hosting_kind
from app.ui.accounts.remove_dialog import RemoveAccountDialog
from app.ui.accounts.services import accounts_of, vault_of
from app.ui.accounts.widgets import Banner, EmptyState, action_name, make_table
from app.ui.passphrase import unlock_vault

log = logging.getLogger(__name__)

DEMO_APP = AppCredentials(client_id="herald-demo")


class _EventBridge(QObject):
    """Core events arrive on any thread; this re-emits them on the UI thread."""

    changed = Signal()


class AccountsView(QWidget):
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
            "removeAccountButton", self.tr("Remove…"), "fa5s.trash-alt", self.remove_selected
        )
        self.media_button = button(
            "mediaHostingButton", self.tr("Media hosting…"), "fa5s.images", self.edit_media_hosting
        )
        self.apps_button = button(
            "developerAppsButton", self.tr("Developer apps…"), "fa5s.key", self.edit_developer_apps
        )
        self.apps_button.setToolTip(
            self.tr("Your own client id and secret per platform, needed to connect real accounts")
        )

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

    # ------------------------------------------------------------------ connect

    def connect_platform(self, platform: Platform) -> None:
        self._start_connect(Platform(platform))

    def reconnect_selected(self) -> None:
        account = self.selected_account()
        if account is not None:
            self._start_connect(account.platform, reconnecting=account)

    def _demo_url(self) -> str | None:
        if getattr(self.context, "demo", False):
            return getattr(self.context, "emulator_url", None)
        return None

    def _start_connect(self, platform: Platform, reconnecting: AccountInfo | None = None) -> None:
        if self.job is not None or self.workspace is None:
            return
        if not unlock_vault(self.vault, self):
            return
        connect_fn = self.connect_fn
        if connect_fn is None:
            try:
                from app.adapters.oauth import connect as connect_fn
            except ImportError:
                self._error(
                    self.tr("Cannot connect"),
                    self.tr("Connecting accounts is not available in this build of Herald."),
                )
                return
        from app.adapters.config import AdapterConfig

        demo_url = self._demo_url()
        options: dict[str, Any] = {
            "login_hint": reconnecting.handle.lstrip("@") if reconnecting else None,
            "clock": self.context.clock,
        }
        if demo_url:
            from app.adapters.oauth import loopback_browser

            config, app = AdapterConfig.for_emulator(demo_url), DEMO_APP
            # No browser: follow the emulator's authorize redirect; any free port will do.
            options.update(open_browser=loopback_browser, port=0)
        else:
            try:
                found = self.service.app_credentials(platform)
            except VaultError as exc:
                self._error(self.tr("Cannot read your developer app"), str(exc))
                return
            if found is None:
                self._ask_for_developer_app(platform)
                return
            config, app = AdapterConfig.real(), found
            options["open_browser"] = self.open_browser or webbrowser.open
        job = ConnectJob(connect_fn, platform, app, config, options, parent=self)
        job.succeeded.connect(lambda result: self._on_connected(platform, result, reconnecting))
        job.failed.connect(lambda message: self._on_connect_failed(platform, message, reconnecting))
        job.cancelled.connect(lambda: self.notify(self.tr("Connecting was cancelled.")))
        job.finished.connect(self._on_job_finished)
        self.job = job
        self.progress = ConnectProgressDialog(platform, self, demo=bool(demo_url))
        self.progress.canceled.connect(job.cancel)
        self.progress.canceled.connect(self._close_progress)
        self._update_actions()
        job.start()
        self.progress.show()

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.hide()
            self.progress.deleteLater()
            self.progress = None

    def _on_job_finished(self) -> None:
        job = self.job
        self.job = None
        self._close_progress()
        if job is not None:
            job.wait(5)
            job.deleteLater()
        self._update_actions()

    def _on_connected(self, platform: Platform, result: list, reconnecting) -> None:
        if self.workspace is None:
            return
        if not result:
            self._error(
                self.tr("Nothing to connect"),
                self.tr("{platform} did not give Herald any account to publish to.").format(
                    platform=platform.label
                ),
            )
            return
        known = {a.external_id for a in self.model.accounts if a.platform == platform}
        chosen = self._choose(platform, result, known, reconnecting)
        if not chosen:
            return
        try:
            ids = [self.service.save_connected(self.workspace.id, account) for account in chosen]
        except (VaultError, AccountError) as exc:
            self._error(self.tr("Could not save the account"), str(exc))
            return
        self._changed()
        handles = ", ".join(a.handle for a in chosen)
        if reconnecting is not None and reconnecting.external_id not in {
            a.external_id for a in chosen
        }:
            self.reload(select_id=reconnecting.id)
            self._error(
                self.tr("A different account was approved"),
                self.tr(
                    "You approved Herald as {new}, not {old}. {new} was added as a new account; "
                    "{old} still needs reconnecting. Sign out of {platform} in your browser "
                    "and try again to reconnect {old}."
                ).format(new=handles, old=reconnecting.handle, platform=platform.label),
                "reconnectMismatchBox",
            )
            return
        self.reload(select_id=reconnecting.id if reconnecting is not None else ids[0])
        verb = self.tr("Reconnected") if reconnecting is not None else self.tr("Connected")
        self.notify(f"{verb} {platform.label} {handles}.")

    def _choose(self, platform: Platform, result: list, known: set[str], reconnecting) -> list:
        """Which of the granted accounts to save: all when there is one; on a reconnect, the
        ones already connected; otherwise the person ticks them."""
        if len(result) == 1:
            return list(result)
        if reconnecting is not None:
            again = [a for a in result if a.external_id in known]
            if reconnecting.external_id in {a.external_id for a in again}:
                return again
        from app.ui.accounts.pick_dialog import PickAccountsDialog

        dialog = PickAccountsDialog(platform, result, known, self)
        try:
            return dialog.chosen if dialog.exec() else []
        finally:
            dialog.deleteLater()

    def _on_connect_failed(self, platform: Platform, message: str, reconnecting) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Could not connect {platform}").format(platform=platform.label),
            message,
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Close,
            self,
        )
        box.setObjectName("connectErrorBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(code: int) -> None:
            if code == QMessageBox.StandardButton.Retry.value:
                self._start_connect(platform, reconnecting)

        box.finished.connect(done)
        box.open()
        self.notify(self.tr("Could not connect {platform}.").format(platform=platform.label))

    def _ask_for_developer_app(self, platform: Platform) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Developer app needed"),
            self.tr(
                "To connect {platform}, Herald needs your own {platform} developer app: its "
                "client id (and secret). Enter them in Developer apps; the README says which "
                "app to create and which redirect address to register."
            ).format(platform=platform.label),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("developerAppNeededBox")
        open_button = box.addButton(
            self.tr("Open Developer apps"), QMessageBox.ButtonRole.AcceptRole
        )
        open_button.setObjectName("openDeveloperAppsButton")
        box.exec()
        if box.clickedButton() is open_button:
            self.edit_developer_apps(focus=platform)

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Cancel a running connect and wait for its thread (on quit, and in tests)."""
        job = self.job
        if job is None:
            return True
        job.cancel()
        return job.wait(timeout)

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
