"""The banner of accounts that need to be reconnected (objectName attentionBanner): one row per
account with a Reconnect button (reconnectButton) emitting `reconnectRequested(account_id)`."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.core.enums import AccountStatus
from app.platforms.names import Platform
from app.ui import theme
from app.ui.attention.widgets import icon_label, named_button


class AttentionBanner(QFrame):
    reconnectRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attentionBanner")
        self.setAccessibleName(self.tr("Accounts that need to be reconnected"))
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._layout.setSpacing(4)
        self._rows: dict[int, tuple[QWidget, QLabel]] = {}
        self.hide()

    def set_accounts(self, accounts) -> None:
        """Show exactly the accounts (AccountInfo-like) whose status is REQUIRES_REAUTH."""
        wanted = {a.id: a for a in accounts if a.status == AccountStatus.REQUIRES_REAUTH}
        for account_id in list(self._rows):
            if account_id not in wanted:
                self.clear(account_id)
        for a in wanted.values():
            self.show_reauth(a.id, a.status_reason or "", handle=a.handle, platform=a.platform)
        self.setVisible(bool(self._rows))

    def show_reauth(
        self,
        account_id: int,
        reason: str,
        *,
        handle: str | None = None,
        platform: Platform | str | None = None,
    ) -> None:
        name = handle or self.tr("An account")
        if platform is not None:
            name = f"{Platform(platform).label} ({name})"
        text = self.tr(
            "{name} needs to be reconnected{reason}. Its posts wait until you do."
        ).format(name=name, reason=f": {reason}" if reason else "")
        if account_id in self._rows:
            self._rows[account_id][1].setText(text)
        else:
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(8)
            icon = (
                theme.platform_icon(str(platform))
                if platform
                else theme.icon("fa5s.plug", "warning_text")
            )
            line.addWidget(icon_label(icon, row))
            label = QLabel(text, row)
            label.setObjectName(f"reauthLabel_{account_id}")
            label.setWordWrap(True)
            line.addWidget(label, 1)
            button = named_button(self.tr("Reconnect"), "reconnectButton", row, primary=True)
            button.setProperty("accountId", account_id)
            button.setToolTip(self.tr("Sign in to {name} again").format(name=name))
            button.clicked.connect(lambda _=False, a=account_id: self.reconnectRequested.emit(a))
            line.addWidget(button)
            self._layout.addWidget(row)
            self._rows[account_id] = (row, label)
        self.show()

    def clear(self, account_id: int) -> None:
        row = self._rows.pop(account_id, None)
        if row is not None:
            row[0].hide()
            row[0].setParent(None)
            row[0].deleteLater()
        self.setVisible(bool(self._rows))

    def account_ids(self) -> list[int]:
        return list(self._rows)
