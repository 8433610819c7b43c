"""The calendar's filter menu: accounts, networks, statuses and labels as checkable actions; the
search box lives in the toolbar. Emits `changed` with a new PostFilter."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QWidget

from app.core.labelfilter import LabelFilter
from app.core.postquery import STATUS_CHOICES, PostFilter
from app.platforms.names import Platform


class FilterMenu(QMenu):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarFilterMenu")
        self.accounts: list[tuple[int, str]] = []
        #: the workspace's labels as (id, name) (the ideas board sets it; issue 22)
        self.labels_source: Callable[[], Sequence[tuple[int, str]]] = list
        self._checked: dict[tuple[str, object], bool] = {}
        self.aboutToShow.connect(self._fill)

    def set_accounts(self, accounts: list[tuple[int, str]]) -> None:
        self.accounts = accounts

    def _fill(self) -> None:
        self.clear()
        self.addSection(self.tr("Accounts"))
        for account_id, label in self.accounts:
            self._add("account", account_id, label)
        self.addSection(self.tr("Networks"))
        for platform in Platform:
            self._add("platform", platform, platform.label)
        self.addSection(self.tr("Status"))
        for value, label in STATUS_CHOICES:
            self._add("status", value, self.tr(label))
        labels = self.labels_source()
        if labels:
            self.addSection(self.tr("Labels"))
            for label_id, name in labels:
                self._add("label", label_id, name)
        self.addSeparator()
        clear = self.addAction(self.tr("Clear filters"))
        clear.setObjectName("clearFiltersAction")
        clear.triggered.connect(self.clear_filters)

    def _add(self, kind: str, key: object, label: str) -> None:
        action = self.addAction(label)
        action.setObjectName(f"filter_{kind}_{getattr(key, 'value', key)}")
        action.setCheckable(True)
        action.setChecked(self._checked.get((kind, key), False))
        action.toggled.connect(lambda on, k=(kind, key): self.set_checked(k, on))

    def set_checked(self, key: tuple[str, object], on: bool) -> None:
        self._checked[key] = on
        self.changed.emit()

    def clear_filters(self) -> None:
        self._checked.clear()
        self.changed.emit()

    def facets(self, text: str) -> PostFilter:
        on = [k for k, v in self._checked.items() if v]
        return LabelFilter(
            text=text,
            account_ids=frozenset(int(k) for kind, k in on if kind == "account"),  # type: ignore[call-overload]
            platforms=frozenset(k for kind, k in on if kind == "platform"),  # type: ignore[misc]
            statuses=frozenset(str(k) for kind, k in on if kind == "status"),
            label_ids=frozenset(int(k) for kind, k in on if kind == "label"),  # type: ignore[call-overload]
        )
