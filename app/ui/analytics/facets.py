"""The analytics filter's "Accounts & labels" menu (issue 22): the same facets as the
calendar's filter (accounts, labels; networks are the platform box next to it). Analytics
counts published posts only, so there is no status facet here. Ticking one emits the
filter row's `platformChanged` (the dashboard reloads)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypedDict

from PySide6.QtWidgets import QMenu, QToolButton

from app.core.db import Database
from app.core.labelfilter import facet_choices
from app.core.workspaces import WorkspaceInfo
from app.ui import theme

if TYPE_CHECKING:
    from app.ui.analytics.filters import AnalyticsFilters

Choices = tuple[Sequence[tuple[int, str]], Sequence[tuple[int, str]]]


class Facets(TypedDict):
    """The keyword arguments load_dashboard takes for them."""

    accounts: list[int]
    labels: list[int]


class FacetMenu(QMenu):
    def __init__(self, filters: AnalyticsFilters, button: QToolButton) -> None:
        super().__init__(button)
        self.setObjectName("analyticsFacetMenu")
        self.filters = filters
        self.button = button
        #: (accounts, labels) of the workspace shown; the view sets it
        self.choices: Callable[[], Choices] = lambda: ((), ())
        self._on: set[tuple[str, int]] = set()
        self.aboutToShow.connect(self.fill)

    def fill(self) -> None:
        self.clear()
        accounts, labels = self.choices()
        for title, kind, items in (
            (self.tr("Accounts"), "account", accounts),
            (self.tr("Labels"), "label", labels),
        ):
            if not items:
                continue
            self.addSection(title)
            for key, text in items:
                action = self.addAction(text)
                action.setObjectName(f"analyticsFilter_{kind}_{key}")
                action.setCheckable(True)
                action.setChecked((kind, key) in self._on)
                action.toggled.connect(lambda on, k=(kind, key): self.set_checked(k, on))
        if not accounts and not labels:
            self.addAction(self.tr("No accounts or labels yet")).setEnabled(False)

    def set_checked(self, key: tuple[str, int], on: bool) -> None:
        (self._on.add if on else self._on.discard)(key)
        n = len(self._on)
        self.button.setText(self.tr("Filter ({n})").format(n=n) if n else self.tr("Filter"))
        self.filters.platformChanged.emit()

    def chosen(self) -> Facets:
        return {
            "accounts": sorted(k for kind, k in self._on if kind == "account"),
            "labels": sorted(k for kind, k in self._on if kind == "label"),
        }


def facets_button(filters: AnalyticsFilters) -> QToolButton:
    button = QToolButton(filters)
    button.setObjectName("analyticsFilterButton")
    button.setText(button.tr("Filter"))
    button.setIcon(theme.icon("fa5s.filter"))
    button.setToolButtonStyle(button.toolButtonStyle().ToolButtonTextBesideIcon)
    button.setToolTip(button.tr("Only some accounts, or posts with some labels"))
    button.setAccessibleName(button.tr("Filter by account and label"))
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setMenu(FacetMenu(filters, button))
    return button


def workspace_choices(db: Database, workspace: WorkspaceInfo | None) -> Choices:
    """The accounts and labels of the workspace shown (none without one)."""
    return facet_choices(db, workspace.id) if workspace is not None else ((), ())
