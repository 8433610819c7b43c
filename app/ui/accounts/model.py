"""The accounts table: one row per connected account of the current workspace.

Columns: account (platform icon + handle), platform, status (icon + words, never colour
alone), token expiry ("expires in 12 days" / "expired", exact date in the tooltip in the
workspace's zone) and notes (why it needs reconnecting, Instagram media hosting).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from app import platforms
from app.core.accounts import AccountInfo, AccountStatus
from app.core.platform_access import analytics_unavailable_reason
from app.core.timeutil import zone_info
from app.ui import theme

AccountRole = Qt.ItemDataRole.UserRole + 1

# Status -> (icon, colour key in theme.STATUS_COLOURS)
_STATUS_LOOK = {
    AccountStatus.ACTIVE: ("fa5s.check-circle", "PUBLISHED"),
    AccountStatus.REQUIRES_REAUTH: ("fa5s.exclamation-triangle", "ATTENTION"),
    AccountStatus.DISABLED: ("fa5s.ban", "DRAFT"),
}

HOSTING_LABELS = {
    "loopback": "this computer (emulator only)",
    "facebook_page_photo": "Facebook Page photos",
    "s3": "S3-compatible bucket",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("AccountsModel", text)


def status_text(status: AccountStatus) -> str:
    return {
        AccountStatus.ACTIVE: _tr("Active"),
        AccountStatus.REQUIRES_REAUTH: _tr("Needs reconnect"),
        AccountStatus.DISABLED: _tr("Disabled"),
    }[AccountStatus(status)]


def expiry_text(expires_at: datetime | None, now: datetime) -> str:
    """'expires in 12 days', 'expires in 3 hours', 'expired' or 'does not expire'."""
    if expires_at is None:
        return _tr("does not expire")
    left = expires_at - now
    seconds = left.total_seconds()
    if seconds <= 0:
        return _tr("expired")
    if seconds < 3600:
        return _tr("expires in less than an hour")
    if seconds < 86400:
        hours = int(seconds // 3600)
        return (
            _tr("expires in 1 hour") if hours == 1 else _tr("expires in {n} hours").format(n=hours)
        )
    days = left.days
    return _tr("expires in 1 day") if days == 1 else _tr("expires in {n} days").format(n=days)


def format_instant(instant: datetime, zone: str) -> str:
    """An instant in the workspace zone, in the system locale's long date + short time."""
    from PySide6.QtCore import QDate, QLocale, QTime

    local = instant.astimezone(zone_info(zone))
    locale = QLocale.system()
    date = locale.toString(QDate(local.year, local.month, local.day), QLocale.FormatType.LongFormat)
    time = locale.toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)
    return f"{date} {time} ({zone})"


def expiry_tooltip(expires_at: datetime | None, now: datetime, zone: str) -> str:
    if expires_at is None:
        return _tr("This token has no expiry date.")
    when = format_instant(expires_at, zone)
    if expires_at <= now:
        return _tr(
            "The access token expired on {when}. Herald renews it before publishing when the "
            "platform allows; if it cannot, the account asks to be reconnected."
        ).format(when=when)
    return _tr("The access token expires on {when}.").format(when=when)


def display_name(account: AccountInfo) -> str:
    """The account's network as people know it ("X", "LinkedIn")."""
    return platforms.get(account.platform).display_name


def label(account: AccountInfo) -> str:
    """ "X @bakery": the network and the handle, as messages name an account."""
    return f"{display_name(account)} {account.handle}"


def hosting_kind(account: AccountInfo) -> str | None:
    value = account.settings.get("media_hosting")
    if isinstance(value, dict) and value.get("kind") in HOSTING_LABELS:
        return str(value["kind"])
    return None


def notes_text(account: AccountInfo) -> str:
    if account.status == AccountStatus.REQUIRES_REAUTH:
        return account.status_reason or _tr("The platform no longer accepts Herald's token.")
    if account.status == AccountStatus.DISABLED:
        return account.status_reason or _tr("Herald does not publish to this account.")
    if platforms.get(account.platform).media.needs_hosting:
        kind = hosting_kind(account)
        if kind is None:
            return _tr("Choose a media hosting to publish images.")
        return _tr("Media hosting: {where}").format(where=_tr(HOSTING_LABELS[kind]))
    reason = analytics_unavailable_reason(account.platform, account.external_id, account.settings)
    return reason or ""


_STATUS_ORDER = {
    AccountStatus.REQUIRES_REAUTH: 0,
    AccountStatus.ACTIVE: 1,
    AccountStatus.DISABLED: 2,
}


def sort_key(account: AccountInfo) -> tuple:
    """Accounts that need the person first, disabled ones last; then by platform and name."""
    return (
        _STATUS_ORDER.get(account.status, 1),
        display_name(account).lower(),
        account.handle.lower(),
    )


class AccountsModel(QAbstractTableModel):
    COLUMNS = ("account", "platform", "status", "token", "notes")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[AccountInfo] = []
        self._now: datetime | None = None
        self._zone = "UTC"

    # ------------------------------------------------------------ data in

    def set_accounts(self, rows: Sequence[AccountInfo], now: datetime, zone: str) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=sort_key)
        self._now = now
        self._zone = zone
        self.endResetModel()

    def account_at(self, row: int) -> AccountInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, account_id: int) -> int:
        for i, account in enumerate(self._rows):
            if account.id == account_id:
                return i
        return -1

    @property
    def accounts(self) -> list[AccountInfo]:
        return list(self._rows)

    # ------------------------------------------------------------ Qt model API

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [_tr("Account"), _tr("Platform"), _tr("Status"), _tr("Token"), _tr("Notes")][section]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        account = self.account_at(index.row()) if index.isValid() else None
        if account is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == AccountRole:
            return account
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(account, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(account, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(account, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible(account, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(account, column)
        return None

    # ------------------------------------------------------------ per role

    def _display(self, account: AccountInfo, column: str) -> str:
        if column == "account":
            return account.handle
        if column == "platform":
            return display_name(account)
        if column == "status":
            return status_text(account.status)
        if column == "token":
            return expiry_text(account.token_expires_at, self._current_time())
        return notes_text(account)

    def _decoration(self, account: AccountInfo, column: str):
        if column == "account":
            return theme.platform_icon(account.platform)
        if column == "status":
            name, key = _STATUS_LOOK[account.status]
            return theme.icon(name, theme.STATUS_COLOURS[key][0])
        if column == "token" and self._expired(account):
            return theme.icon("fa5s.clock", theme.STATUS_COLOURS["ATTENTION"][0])
        return None

    def _tooltip(self, account: AccountInfo, column: str) -> str | None:
        if column in ("account", "platform"):
            return _tr("{platform} account {handle}").format(
                platform=display_name(account), handle=account.handle
            )
        if column == "status":
            text = status_text(account.status)
            return f"{text}: {account.status_reason}" if account.status_reason else text
        if column == "notes" and account.status == AccountStatus.REQUIRES_REAUTH:
            return _tr("{reason} Reconnect to resume publishing.").format(
                reason=notes_text(account).rstrip()
            )
        if column == "token":
            return expiry_tooltip(account.token_expires_at, self._current_time(), self._zone)
        return notes_text(account) or None

    def _accessible(self, account: AccountInfo, column: str) -> str:
        if column == "account":
            return f"{display_name(account)} {account.handle}"
        return self._display(account, column)

    def _foreground(self, account: AccountInfo, column: str):
        if column == "notes" and account.status == AccountStatus.REQUIRES_REAUTH:
            return QColor(theme.STATUS_COLOURS["ATTENTION"][0])
        if account.status == AccountStatus.DISABLED:
            return theme.colour("muted")
        return None

    def _current_time(self) -> datetime:
        # The time of the last reload, so a row never says "expired" before it is refreshed.
        if self._now is None:
            from datetime import UTC

            return datetime.now(UTC)
        return self._now

    def _expired(self, account: AccountInfo) -> bool:
        exp = account.token_expires_at
        return exp is not None and self._now is not None and exp <= self._now
