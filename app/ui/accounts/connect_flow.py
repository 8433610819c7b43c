"""The connect / reconnect flow of the Accounts view (a mixin of `AccountsView`).

The view's `ConnectService` (app.core.connecting) says how to sign in: which developer app,
endpoints and options (in the demo: the emulator, with no browser). The sign-in runs in a
`ConnectJob` off the UI thread, behind a cancellable progress dialog; the granted accounts
are saved through `AccountService` on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app import platforms
from app.core.accounts import AccountError, AccountInfo, AccountService
from app.core.connecting import ConnectService, NeedsDeveloperApp
from app.core.vault import Vault, VaultError
from app.core.workspaces import WorkspaceInfo
from app.ui.accounts.connect import ConnectFn, ConnectJob, ConnectProgressDialog
from app.ui.accounts.instance_dialog import ask_instance
from app.ui.accounts.model import AccountsModel
from app.ui.passphrase import unlock_vault

# The view these mixins become part of, as the type checker sees it.
if TYPE_CHECKING:
    _View = QWidget
else:
    _View = object


def _label(platform: str) -> str:
    return platforms.get(platform).display_name


class ConnectFlow(_View):
    """What it needs from the view (built there):"""

    connecting: ConnectService
    service: AccountService
    vault: Vault
    workspace: WorkspaceInfo | None
    model: AccountsModel
    job: ConnectJob | None
    progress: ConnectProgressDialog | None
    connect_fn: ConnectFn | None
    open_browser: Callable[[str], Any] | None
    #: asks for a server address (network's name, current address, parent) -> it or None
    ask_instance: Callable[[str, str, QWidget], str | None] = staticmethod(ask_instance)

    if TYPE_CHECKING:  # the view's and the other mixins'

        def reload(self, select_id: int | None = None) -> None: ...
        def selected_account(self) -> AccountInfo | None: ...
        def notify(self, message: str) -> None: ...
        def _error(self, title: str, text: str, name: str = ...) -> QMessageBox: ...
        def _changed(self) -> None: ...
        def _update_actions(self, *_args: object) -> None: ...
        def edit_developer_apps(self, focus: str | None = None) -> None: ...

    def connect_platform(self, platform: str, with_option: bool = False) -> None:
        """`with_option`: the network's second way to connect (its descriptor's
        `connect_option`: a LinkedIn company page)."""
        self._start_connect(platform, with_option=with_option)

    def reconnect_selected(self) -> None:
        account = self.selected_account()
        if account is not None:
            self._start_connect(account.platform, reconnecting=account)

    def _demo(self) -> bool:
        return self.connecting.demo

    def _start_connect(
        self,
        platform: str,
        reconnecting: AccountInfo | None = None,
        with_option: bool = False,
    ) -> None:
        if self.job is not None or self.workspace is None:
            return
        if not unlock_vault(self.vault, self):
            return
        if platforms.get(platform).auth.kind == "app-password":
            self._connect_with_password(platform, reconnecting)
            return
        instance = None
        if platforms.get(platform).auth.registers_itself and not self._demo():
            # No developer app: the person names their server (a Mastodon instance).
            current = str(reconnecting.settings.get("instance", "")) if reconnecting else ""
            instance = self.ask_instance(_label(platform), current, self)
            if not instance:
                return
        try:
            plan = self.connecting.plan(
                platform,
                login_hint=reconnecting.handle.lstrip("@") if reconnecting else None,
                with_option=with_option,
                open_browser=self.open_browser,
                instance=instance,
            )
        except NeedsDeveloperApp:
            self._ask_for_developer_app(platform)
            return
        except VaultError as exc:
            self._error(self.tr("Cannot read your developer app"), str(exc))
            return
        except ImportError:
            self._error(
                self.tr("Cannot connect"),
                self.tr("Connecting accounts is not available in this build of Herald."),
            )
            return
        sign_in = self.connect_fn or plan.sign_in
        job = ConnectJob(sign_in, platform, plan.app, plan.config, plan.options, parent=self)
        job.succeeded.connect(lambda result: self._on_connected(platform, result, reconnecting))
        job.failed.connect(lambda message: self._on_connect_failed(platform, message, reconnecting))
        job.cancelled.connect(lambda: self.notify(self.tr("Connecting was cancelled.")))
        job.finished.connect(self._on_job_finished)
        self.job = job
        self.progress = ConnectProgressDialog(_label(platform), self, demo=plan.demo)
        self.progress.canceled.connect(job.cancel)
        self.progress.canceled.connect(self._close_progress)
        self._update_actions()
        job.start()
        self.progress.show()

    def _connect_with_password(self, platform: str, reconnecting: AccountInfo | None) -> None:
        """A handle and an app password in a small dialog, signed in off the UI thread."""
        from app.ui.accounts.password_dialog import AppPasswordDialog

        def make_job(handle: str, password: str, service: str) -> ConnectJob:
            plan = self.connecting.plan_password(
                platform, handle=handle, password=password, service=service or None
            )
            sign_in = self.connect_fn or plan.sign_in
            return ConnectJob(sign_in, platform, plan.app, plan.config, plan.options, parent=self)

        handle = reconnecting.handle.lstrip("@") if reconnecting else ""
        dialog = AppPasswordDialog(platform, make_job, self, handle=handle)
        try:
            if dialog.exec():
                self._on_connected(platform, dialog.accounts, reconnecting)
        finally:
            dialog.deleteLater()

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

    def _on_connected(self, platform: str, result: list, reconnecting) -> None:
        if self.workspace is None:
            return
        if not result:
            self._error(
                self.tr("Nothing to connect"),
                self.tr("{platform} did not give Herald any account to publish to.").format(
                    platform=_label(platform)
                ),
            )
            return
        known = {a.external_id for a in self.model.accounts if str(a.platform) == str(platform)}
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
                ).format(new=handles, old=reconnecting.handle, platform=_label(platform)),
                "reconnectMismatchBox",
            )
            return
        self.reload(select_id=reconnecting.id if reconnecting is not None else ids[0])
        verb = self.tr("Reconnected") if reconnecting is not None else self.tr("Connected")
        self.notify(f"{verb} {_label(platform)} {handles}.")

    def _choose(self, platform: str, result: list, known: set[str], reconnecting) -> list:
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

    def _on_connect_failed(self, platform: str, message: str, reconnecting) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Could not connect {platform}").format(platform=_label(platform)),
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
        self.notify(self.tr("Could not connect {platform}.").format(platform=_label(platform)))

    def _ask_for_developer_app(self, platform: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Developer app needed"),
            self.tr(
                "To connect {platform}, Herald needs your own {platform} developer app: its "
                "client id (and secret). Enter them in Developer apps; the README says which "
                "app to create and which redirect address to register."
            ).format(platform=_label(platform)),
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
