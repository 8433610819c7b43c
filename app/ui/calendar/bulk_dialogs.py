"""The questions a bulk action asks before it acts: how far to move the selected posts (by N
days, or to another week), and a confirmation that says exactly what will happen
("Move 10 of 12 posts by +7 days; 2 are already published and stay.")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import cast

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts import AccountInfo
from app.core.bulk import BulkItem
from app.ui import theme
from app.ui.dates import limit_dates, show_weekday_dates


def _t(text: str) -> str:
    return QCoreApplication.translate("Calendar", text)


def _posts(n: int) -> str:
    return _t("1 post") if n == 1 else _t("{n} posts").format(n=n)


def stays_clause(items: Sequence[BulkItem], *, timed: bool) -> tuple[int, str]:
    """(how many of `items` the action changes, the clause about the rest or "")."""
    published = sum(1 for i in items if i.stays == "already published")
    busy = sum(1 for i in items if i.stays and i.stays != "already published")
    untimed = sum(1 for i in items if timed and not i.stays and i.scheduled_at is None)
    parts = []
    if published:
        parts.append(
            _t("1 is already published and stays")
            if published == 1
            else _t("{n} are already published and stay").format(n=published)
        )
    if busy:
        parts.append(_t("{n} being published right now stay").format(n=busy))
    if untimed:
        parts.append(_t("{n} drafts with no date stay").format(n=untimed))
    return len(items) - published - busy - untimed, "; ".join(parts)


def days_text(days: int) -> str:
    if abs(days) == 1:
        return _t("{d:+d} day").format(d=days)
    return _t("{d:+d} days").format(d=days)


def move_summary(items: Sequence[BulkItem], days: int) -> str:
    """ "Move 12 posts by +7 days." / "Move 10 of 12 posts by +7 days; 2 are already
    published and stay." """
    count, rest = stays_clause(items, timed=True)
    what = _posts(count) if count == len(items) else _t("{n} of {total} posts")
    head = _t("Move {what} by {days}").format(
        what=what.format(n=count, total=len(items)), days=days_text(days)
    )
    return f"{head}; {rest}." if rest else f"{head}."


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class BulkMoveDialog(QDialog):
    """By N days, or to the week of a date (the posts keep their weekday and time)."""

    def __init__(self, items: Sequence[BulkItem], first_day: date, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("bulkMoveDialog")
        self.setWindowTitle(self.tr("Move posts"))
        self.items = list(items)
        self.first_day = first_day  # the day of the earliest post selected (shown zone)
        self.by_days = QRadioButton(self.tr("By"), self)
        self.by_days.setObjectName("bulkMoveByDaysRadio")
        self.days_spin = QSpinBox(self)
        self.days_spin.setObjectName("bulkMoveDaysSpin")
        self.days_spin.setRange(-366, 366)
        self.days_spin.setValue(7)
        self.days_spin.setSuffix(self.tr(" days"))
        self.days_spin.setAccessibleName(self.tr("Days to move by"))
        self.to_week = QRadioButton(self.tr("To the week of"), self)
        self.to_week.setObjectName("bulkMoveToWeekRadio")
        self.week_edit = QDateEdit(self)
        self.week_edit.setObjectName("bulkMoveWeekEdit")
        self.week_edit.setCalendarPopup(True)
        limit_dates(self.week_edit)
        show_weekday_dates(self.week_edit)
        target = first_day + timedelta(days=7)
        self.week_edit.setDate(QDate(target.year, target.month, target.day))
        self.week_edit.setAccessibleName(self.tr("Week to move to"))
        group = QButtonGroup(self)
        group.addButton(self.by_days)
        group.addButton(self.to_week)
        self.by_days.setChecked(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("bulkMoveSummary")
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(360)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = QPushButton(self.tr("Move"), self)
        self.ok_button.setObjectName("bulkMoveConfirmButton")
        self.ok_button.setDefault(True)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        grid = QGridLayout()
        grid.addWidget(self.by_days, 0, 0)
        grid.addWidget(self.days_spin, 0, 1)
        grid.addWidget(self.to_week, 1, 0)
        grid.addWidget(self.week_edit, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        for signal in (
            self.days_spin.valueChanged,
            self.week_edit.dateChanged,
            self.by_days.toggled,
        ):
            signal.connect(self._update)
        self._update()

    def days(self) -> int:
        if self.by_days.isChecked():
            return self.days_spin.value()
        target = week_start(cast(date, self.week_edit.date().toPython()))
        return (target - week_start(self.first_day)).days

    def _update(self, *_args: object) -> None:
        days = self.days()
        count, _rest = stays_clause(self.items, timed=True)
        self.summary.setText(move_summary(self.items, days))
        self.ok_button.setEnabled(days != 0 and count > 0)
        self.ok_button.setText(self.tr("Move {what}").format(what=_posts(count)))


class ConfirmDialog(QDialog):
    """One sentence that says what will happen, and a button that names the action."""

    def __init__(self, title: str, text: str, action: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("bulkConfirmDialog")
        self.setWindowTitle(title)
        label = QLabel(text, self)
        label.setObjectName("bulkConfirmText")
        label.setWordWrap(True)
        label.setMinimumWidth(360)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = QPushButton(action, self)
        self.ok_button.setObjectName("bulkConfirmButton")
        self.ok_button.setDefault(True)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)
        self.text = text


class BulkAccountsDialog(QDialog):
    """Which accounts the selected posts publish to (exactly those ticked)."""

    def __init__(
        self, items: Sequence[BulkItem], accounts: Sequence[AccountInfo], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bulkAccountsDialog")
        self.setWindowTitle(self.tr("Change accounts"))
        self.items = list(items)
        self.checks: dict[int, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Publish the selected posts to:"), self))
        for account in accounts:
            box = QCheckBox(f"{account.platform.label} — {account.handle}", self)
            box.setObjectName(f"bulkAccountCheck_{account.id}")
            box.setIcon(theme.platform_icon(account.platform))
            box.toggled.connect(self._update)
            self.checks[account.id] = box
            layout.addWidget(box)
        self.summary = QLabel(self)
        self.summary.setObjectName("bulkAccountsSummary")
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(360)
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = QPushButton(self.tr("Change"), self)
        self.ok_button.setObjectName("bulkAccountsConfirmButton")
        self.ok_button.setDefault(True)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update()

    def account_ids(self) -> list[int]:
        return [a for a, box in self.checks.items() if box.isChecked()]

    def _update(self, *_args: object) -> None:
        chosen = [self.checks[a].text().split(" — ")[-1] for a in self.account_ids()]
        count, rest = stays_clause(self.items, timed=False)
        if not chosen:
            self.summary.setText(self.tr("Tick at least one account."))
        else:
            head = self.tr("Publish {what} to {accounts} only").format(
                what=_posts(count), accounts=", ".join(chosen)
            )
            self.summary.setText(f"{head}; {rest}." if rest else f"{head}.")
        self.ok_button.setEnabled(bool(chosen) and count > 0)
