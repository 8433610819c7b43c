"""What the Accounts view offers right now (a mixin of `AccountsView`): which buttons are
enabled, with a tooltip that says why when one is not, and the banners for accounts that
need reconnecting or a media hosting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton, QToolButton, QWidget

from app import platforms
from app.core.accounts import AccountInfo, AccountStatus
from app.core.workspaces import WorkspaceInfo
from app.ui import theme
from app.ui.accounts.actions import needs_hosting
from app.ui.accounts.connect import ConnectJob
from app.ui.accounts.model import label
from app.ui.accounts.widgets import Banner, EmptyState, network_list

# The view these mixins become part of, as the type checker sees it.
if TYPE_CHECKING:
    _View = QWidget
else:
    _View = object


class ActionStates(_View):
    """What it needs from the view (built there):"""

    job: ConnectJob | None
    workspace: WorkspaceInfo | None
    empty: EmptyState
    connect_button: QToolButton
    reconnect_button: QPushButton
    disable_button: QPushButton
    remove_button: QPushButton
    media_button: QPushButton
    reauth_banner: Banner
    media_banner: Banner

    if TYPE_CHECKING:  # the view's

        def selected_account(self) -> AccountInfo | None: ...

    def _update_actions(self, *_args) -> None:
        account = self.selected_account()
        busy = self.job is not None
        no_ws = self.workspace is None
        why_none = self.tr("Select an account in the list first")
        self.connect_button.setEnabled(not busy and not no_ws)
        self.connect_button.setToolTip(
            self.tr("Herald is already connecting an account")
            if busy
            else self.tr("Connect an account: {networks}").format(networks=network_list(self.tr))
        )
        for button in self.empty.buttons.values():
            button.setEnabled(not busy and not no_ws)

        def state(widget, enabled: bool, tip_on: str, tip_off: str) -> None:
            widget.setEnabled(enabled)
            widget.setToolTip(tip_on if enabled else tip_off)

        if account is None:
            for widget in (self.reconnect_button, self.disable_button, self.remove_button):
                state(widget, False, "", why_none)
            state(self.media_button, False, "", self._hosting_tip())
            self.disable_button.setText(self.tr("Disable"))
            return
        name = label(account)
        state(
            self.reconnect_button,
            not busy,
            self.tr("Sign in to {account} again to renew Herald's access").format(account=name),
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
            self.tr("Publish to {account} again").format(account=name)
            if disabled
            else self.tr("Stop publishing to {account} without removing it").format(account=name),
            "",
        )
        state(
            self.remove_button,
            not busy,
            self.tr("Remove {account} from Herald").format(account=name),
            self.tr("Wait until Herald has finished connecting"),
        )
        network = platforms.get(account.platform)
        state(
            self.media_button,
            network.media.needs_hosting,
            self.tr("Choose how {platform} gets the images for {account}").format(
                platform=network.display_name, account=name
            ),
            self._hosting_tip(),
        )

    def _hosting_tip(self) -> str:
        """Which networks need a media hosting (those that fetch media from a public address),
        for the disabled Media hosting button."""
        names = [d.display_name for d in platforms.all_platforms() if d.media.needs_hosting]
        return self.tr("Only {networks} accounts need a media hosting; select one first").format(
            networks=", ".join(names) or "—"
        )

    def _update_banners(self, rows: list[AccountInfo]) -> None:
        broken = [a for a in rows if a.status == AccountStatus.REQUIRES_REAUTH]
        if broken:
            names = ", ".join(label(a) for a in broken)
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
        unhosted = [a for a in rows if needs_hosting(a)]
        if unhosted:
            first = unhosted[0]
            self.media_banner.set_text(
                self.tr(
                    "{platform} downloads each image from a public web address, which your "
                    "computer does not have. Choose where Herald puts images for {account}."
                ).format(platform=platforms.get(first.platform).display_name, account=label(first))
            )
        self.media_banner.setVisible(bool(unhosted))
