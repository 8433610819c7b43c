"""The Accounts area: the current workspace's connected accounts and what can be done to them.

Connect (pick a network), reconnect, disable/enable, remove (asks what happens to the
account's scheduled posts), media hosting (for networks that fetch media from a public
address), and the user's developer apps. The sign-in runs off the UI thread (`ConnectJob`);
everything else goes through `AccountService`. In demo mode accounts connect against the
emulator, with no browser. Every network comes from the registry (`app.platforms`).

The view is handed its services (`AccountsServices`: an AppContext is one) and builds none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts import AccountInfo
from app.core.events import ACCOUNTS_CHANGED, NEEDS_REAUTH
from app.core.workspaces import WorkspaceInfo
from app.ui import theme
from app.ui.accounts.actions import AccountActions
from app.ui.accounts.connect import ConnectFn, ConnectJob, ConnectProgressDialog
from app.ui.accounts.connect_flow import ConnectFlow
from app.ui.accounts.enabling import ActionStates
from app.ui.accounts.model import AccountRole, AccountsModel
from app.ui.accounts.services import AccountsServices, vault_of
from app.ui.accounts.toolbar import add_connect_actions, build_connect_button, icon_only
from app.ui.accounts.widgets import Banner, EmptyState, make_table

log = logging.getLogger(__name__)


class _EventBridge(QObject):
    """Core events arrive on any thread; this re-emits them on the UI thread."""

    changed = Signal()


class AccountsView(ConnectFlow, AccountActions, ActionStates, QWidget):
    title = "Accounts"

    def __init__(
        self,
        services: AccountsServices,
        parent: QWidget | None = None,
        *,
        connect_fn: ConnectFn | None = None,
        open_browser: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("accountsView")
        self.title = self.tr("Accounts")
        #: what the view was handed (clock, events, accounts, vault, connecting)
        self.context = services
        #: replaces the sign-in the connect service plans (tests: a stub)
        self.connect_fn = connect_fn
        #: how the system browser is opened (real networks); None means webbrowser.open
        self.open_browser = open_browser
        self.service = services.accounts
        self.vault = vault_of(services)
        self.connecting = services.connecting
        self.events = services.events
        self.clock = services.clock
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

        self.connect_button, self.connect_menu = build_connect_button(self)
        self.connect_actions, self.connect_pages_action = add_connect_actions(
            self.connect_menu, self.connect_platform
        )

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

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # Narrow windows: the platform column goes (the icon, tooltip and accessible name
        # still say it) so the notes keep their room.
        self.table.setColumnHidden(1, self.width() < 880)
        # ... and the two buttons on the right show only their icons (text in the tooltip,
        # accessible name unchanged) when the row has no room for every text.
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        room = self.width() - (margins.left() + margins.right() if margins else 0)
        icon_only(
            room,
            (self.connect_button, self.reconnect_button, self.disable_button, self.remove_button),
            (self.media_button, self.tr("Media hosting")),
            (self.apps_button, self.tr("Developer apps")),
        )

    def _subscribe(self) -> None:
        bridge = _EventBridge(self)
        bridge.changed.connect(self._on_external_change, Qt.ConnectionType.QueuedConnection)
        events = self.events
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
        self.model.set_accounts(rows, self.clock.now(), zone)
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
        self.events.publish(
            ACCOUNTS_CHANGED, workspace_id=self.workspace.id if self.workspace else None
        )

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
