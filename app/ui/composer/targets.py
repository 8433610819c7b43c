"""The composer's accounts and tabs (a mixin of `ComposerDialog`): the list of accounts to
publish to, one tab per chosen account (its own text or the base text), one length counter
each, and the editing signals that start validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from app import platforms
from app.core.accounts import AccountStatus
from app.ui import theme
from app.ui.composer.editors import AccountTab
from app.ui.composer.flow import FlowLayout
from app.ui.composer.schedule import SchedulePicker

# The dialog these mixins become part of, as the type checker sees it.
if TYPE_CHECKING:
    _Dialog = QDialog
else:
    _Dialog = object


def account_list(accounts: list[Any], parent: QWidget) -> QListWidget:
    """objectName accountList: one checkable item per account, its network's icon, name in the
    tooltip and accessible name (and why it waits, when it needs reconnecting)."""
    widget = QListWidget(parent)
    widget.setObjectName("accountList")
    widget.setAccessibleName(parent.tr("Accounts to publish to"))
    widget.setFlow(QListWidget.Flow.LeftToRight)
    widget.setWrapping(True)
    widget.setSpacing(2)
    widget.setIconSize(QSize(16, 16))
    widget.setMaximumHeight(64)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setSelectionMode(QListWidget.SelectionMode.NoSelection)
    for a in accounts:
        item = QListWidgetItem(theme.platform_icon(str(a.platform)), a.handle)
        item.setData(Qt.ItemDataRole.UserRole, a.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        label = f"{platforms.get(a.platform).display_name} ({a.handle})"
        tip = label
        if a.status == AccountStatus.REQUIRES_REAUTH:
            tip += " — " + parent.tr("needs to be reconnected; posts wait until you do")
        item.setToolTip(tip)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, label)
        widget.addItem(item)
    return widget


class TargetTabs(_Dialog):
    """What it needs from the dialog (built there):"""

    accounts: list[Any]
    account_list: QListWidget
    tabs: QTabWidget
    base_edit: QPlainTextEdit
    counters: QWidget
    counter_layout: FlowLayout
    counter_labels: dict[int, QLabel]
    tabs_by_account: dict[int, AccountTab]
    schedule: SchedulePicker
    _loading: bool
    _dirty: bool
    _timer: QTimer
    _preview_timer: QTimer

    if TYPE_CHECKING:  # the checks mixin's

        def _apply_highlights(self) -> None: ...
        def _update_buttons(self) -> None: ...

    def selected_ids(self) -> list[int]:
        return [
            self.account_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.account_list.count())
            if self.account_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _account(self, account_id: int):
        return next(a for a in self.accounts if a.id == account_id)

    def _ensure_tab(self, account_id: int, override: str | None = None) -> AccountTab:
        tab = self.tabs_by_account.get(account_id)
        if tab is None:
            tab = AccountTab(self._account(account_id), self.base_edit.toPlainText(), override)
            tab.edited.connect(self._on_edit)
            self.tabs_by_account[account_id] = tab
            label = QLabel(self.counters)
            label.setObjectName(f"counterLabel_{account_id}")
            label.setAccessibleName(
                self.tr("Length for {name}").format(name=self._tab_title(tab, mark=False))
            )
            self.counter_labels[account_id] = label
        return tab

    def _tab_title(self, tab: AccountTab, *, mark: bool = True) -> str:
        """The platform's name (the handle too when two chosen accounts share a platform);
        ● when the tab has its own text."""
        if not mark:
            return f"{tab.network.display_name} {tab.account.handle}"
        same = [
            a
            for a in self.selected_ids()
            if a in self.tabs_by_account and self.tabs_by_account[a].platform == tab.platform
        ]
        network = tab.network.display_name
        title = network if len(same) <= 1 else f"{network} {tab.account.handle}"
        if not tab.following:
            title += " ●"
        return title

    def _on_account_toggled(self, _item=None) -> None:
        selected = self.selected_ids()
        current = self.tabs.currentWidget()
        while self.tabs.count() > 1:
            self.tabs.removeTab(1)
        while self.counter_layout.count() > 1:
            self.counter_layout.takeAt(0)
        for label in self.counter_labels.values():
            label.hide()
        for account_id in selected:
            tab = self._ensure_tab(account_id)
            index = self.tabs.addTab(tab, theme.platform_icon(tab.platform), self._tab_title(tab))
            self._update_tab_mark(index, tab)
            label = self.counter_labels[account_id]
            self.counter_layout.insertWidget(self.counter_layout.count() - 1, label)
            label.show()
        if current is not None and self.tabs.indexOf(current) >= 0:
            self.tabs.setCurrentWidget(current)
        self.schedule.set_platforms(
            list(dict.fromkeys(self.tabs_by_account[a].platform for a in selected))
        )
        self._on_edit()

    def _update_tab_mark(self, index: int, tab: AccountTab) -> None:
        title = self._tab_title(tab)
        if self.tabs.tabText(index) == title:
            return
        self.tabs.setTabText(index, title)
        name = f"{tab.network.display_name} ({tab.account.handle})"
        what = (
            self.tr("has its own text")
            if not tab.following
            else self.tr("uses the text from “All networks”")
        )
        self.tabs.setTabToolTip(index, f"{name} — {what}")
        bar = self.tabs.tabBar()
        if hasattr(bar, "setAccessibleTabName"):
            bar.setAccessibleTabName(index, f"{name}, {what}")

    def _on_tab_changed(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        if isinstance(widget, AccountTab):
            widget.sync()
        self._apply_highlights()
        self._preview_timer.start()

    def _on_base_changed(self) -> None:
        text = self.base_edit.toPlainText()
        for tab in self.tabs_by_account.values():
            tab.set_base(text)
        self._on_edit()

    def _on_edit(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self._timer.start()
        self._preview_timer.start()

    def _on_schedule_changed(self) -> None:
        if not self._loading:
            self._dirty = True
        self._update_buttons()
