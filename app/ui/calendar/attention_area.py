"""The calendar's attention area: accounts to reconnect (banner), failed and unconfirmed
targets (problems panel), posts missed while Herald was closed (dialog), and the toolbar's
"waiting for network" / "disk full" labels the engine's reports switch on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.attention import AttentionBanner, MissedPostsDialog, ProblemsPanel

if TYPE_CHECKING:
    from app.ui.calendar.view import CalendarView


class CalendarAttention(QWidget):
    """The column under the toolbar: reconnect banner, problems panel (and the view's toast)."""

    def __init__(self, view: CalendarView) -> None:
        super().__init__(view)
        self.view = view
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(16, 0, 16, 8)
        self.column.setSpacing(8)
        self.banner = AttentionBanner(view)
        self.banner.reconnectRequested.connect(view.reconnectRequested)
        self.problems = ProblemsPanel(view.service, view)
        self.problems.editRequested.connect(view.edit_post)
        self.problems.missedReviewRequested.connect(lambda: self.show_missed())
        self.problems.notice.connect(view.notify)
        self.missed_dialog: MissedPostsDialog | None = None
        self.column.addWidget(self.banner)
        self.column.addWidget(self.problems)

    def refresh(self) -> None:
        view = self.view
        if view.workspace is None:
            return
        accounts = list(view.services.accounts(view.workspace.id))
        view.filter_menu.set_accounts(
            [(a.id, f"{a.handle} ({a.platform.label})") for a in accounts]
        )
        self.problems.set_problems(view.service.problems(view.workspace.id), view.zone)
        self.banner.set_accounts(accounts)
        count = len(view.service.drafts(view.workspace.id))
        drafts = view.toolbar.drafts_button
        drafts.setText(self.tr("Undated drafts ({n})").format(n=count))
        drafts.setVisible(bool(count))
        view.toolbar.fit_second_row()  # the text changed: does the row still fit?

    def show_reauth(self, account_id: int, reason: str) -> None:
        view = self.view
        if view.workspace is None:
            return
        accounts = view.services.accounts(view.workspace.id)
        account = next((a for a in accounts if a.id == account_id), None)
        if account is None:
            return  # another workspace's account
        self.banner.show_reauth(
            account_id, reason, handle=account.handle, platform=account.platform
        )

    def show_missed(self) -> MissedPostsDialog | None:
        view = self.view
        if view.workspace is None or not view.service.missed(view.workspace.id):
            return None
        if self.missed_dialog is not None and self.missed_dialog.isVisible():
            self.missed_dialog.reload()
            return self.missed_dialog
        dialog = MissedPostsDialog(view.service, view.workspace.id, view.zone, view)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "missed_dialog", None))
        self.missed_dialog = dialog
        dialog.open()
        return dialog

    def on_network_state(self, online: bool, reason: str = "") -> None:
        label = self.view.toolbar.network_label
        label.setText(self.tr("Waiting for network"))
        # The details live in the tooltip: the toolbar row has little room at 1024 px.
        label.setToolTip(
            self.tr("Posts go out when you're back online. {reason}").format(reason=reason or "")
        )
        label.setVisible(not online)

    def on_storage_state(self, ok: bool, reason: str = "") -> None:
        label = self.view.toolbar.storage_label
        label.setText(self.tr("Disk full — publishing paused"))
        label.setToolTip(
            self.tr("{reason} Posts go out once there is space.").format(reason=reason or "")
        )
        label.setVisible(not ok)
