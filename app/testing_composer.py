"""`compose_post`: drives Herald's composer the way a person does, for the testers' plugin
(`from app.testing import compose_post`). Qt is imported only when it runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from app.testing import BUTTONS, _platform


def compose_post(
    qtbot: Any,
    window: Any,
    text: str,
    *,
    accounts: Iterable[Any] | None = None,
    when: datetime | None = None,
    overrides: Mapping[Any, str] | None = None,
    media: Sequence[str | Path] = (),
    action: str = "schedule",
    timeout: int = 5_000,
) -> int:
    """Write a post in the composer the way a person does, and save it; returns its id.

    Opens the calendar (navCalendarButton) and the composer (composeButton), types `text`
    into baseTextEdit, ticks only `accounts` in accountList (ids, AccountInfo or platform
    names; default: all), gives each account in `overrides` (an id or a platform name) its
    own text (followBaseCheck_<id> unticked, tabTextEdit_<id>), attaches `media` files, sets
    dateEdit/timeEdit to `when` (a
    naive wall time in the composer's zone, or an aware instant; default: the composer's
    suggestion) and clicks scheduleButton (`action="draft"`: saveDraftButton, "now":
    publishNowButton, "queue": addToQueueButton, "next": shareNextButton; the queue picks
    the time, so `when` must be None). Fails with the composer's own reason when it
    refuses."""
    from PySide6.QtCore import QDate, Qt, QTime
    from PySide6.QtWidgets import (
        QAbstractButton,
        QCheckBox,
        QComboBox,
        QDateEdit,
        QLabel,
        QListWidget,
        QPlainTextEdit,
        QPushButton,
        QTimeEdit,
    )

    if action not in BUTTONS:
        raise ValueError(f"action must be one of {sorted(BUTTONS)}, not {action!r}")
    if action in ("queue", "next") and when is not None:
        raise ValueError("the queue picks the time: leave `when` out with action='queue'/'next'")
    qtbot.mouseClick(
        _child(window, QAbstractButton, "navCalendarButton"), Qt.MouseButton.LeftButton
    )
    before = set(_open_composers(window))
    qtbot.mouseClick(_child(window, QAbstractButton, "composeButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(set(_open_composers(window)) - before), timeout=timeout)
    dialog = next(d for d in _open_composers(window) if d not in before)

    _child(dialog, QPlainTextEdit, "baseTextEdit").setPlainText(text)
    listing = _child(dialog, QListWidget, "accountList")
    if accounts is not None:
        chosen = {_account_id(dialog, a) for a in accounts}
        for row in range(listing.count()):
            item = listing.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    for account, own_text in (overrides or {}).items():
        account_id = _account_id(dialog, account)
        _child(dialog, QCheckBox, f"followBaseCheck_{account_id}").setChecked(False)
        _child(dialog, QPlainTextEdit, f"tabTextEdit_{account_id}").setPlainText(own_text)
    if media:
        dialog.media.add_paths([str(p) for p in media])
    if when is not None:
        wall = when
        if when.tzinfo is not None:
            from zoneinfo import ZoneInfo

            zone = _child(dialog, QComboBox, "zoneCombo").currentText().strip()
            wall = when.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        _child(dialog, QDateEdit, "dateEdit").setDate(QDate(wall.year, wall.month, wall.day))
        _child(dialog, QTimeEdit, "timeEdit").setTime(QTime(wall.hour, wall.minute))

    button = _child(dialog, QPushButton, BUTTONS[action])
    try:
        qtbot.waitUntil(button.isEnabled, timeout=timeout)
    except qtbot.TimeoutError:
        raise AssertionError(f"{BUTTONS[action]} stays disabled: {button.toolTip()}") from None
    saved: list[int] = []
    dialog.saved.connect(saved.append)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    if not saved:
        error = _child(dialog, QLabel, "composerErrorLabel").text()
        raise AssertionError(f"the composer did not save the post: {error or 'no reason given'}")
    return saved[0]


def _child(parent: Any, kind: Any, name: str) -> Any:
    widget = parent.findChild(kind, name)
    if widget is None:
        raise AssertionError(f"no {kind.__name__} named {name!r} in {parent.objectName()!r}")
    return widget


def _open_composers(window: Any) -> list[Any]:
    from PySide6.QtWidgets import QDialog

    return [d for d in window.findChildren(QDialog, "composerDialog") if d.isVisible()]


def _account_id(dialog: Any, account: Any) -> int:
    if isinstance(account, int):
        return account
    if hasattr(account, "id"):
        return int(account.id)
    platform = _platform(account)
    for info in dialog.accounts:
        if info.platform == platform:
            return int(info.id)
    raise AssertionError(f"the composer lists no {platform.label} account")
