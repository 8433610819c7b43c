"""The analytics filter row (objectName analyticsFilters): published-from / until dates, the
platform, and the "Refresh metrics" button with its menu (selected post / whole range)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from app.platforms.names import Platform
from app.ui import theme
from app.ui.analytics.facets import Choices, FacetMenu, Facets, facets_button
from app.ui.analytics.fmt import date_format
from app.ui.dates import limit_dates


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class AnalyticsFilters(QWidget):
    """Signals: datesChanged() when the person changed a date (the other one follows when the
    range would be inverted), platformChanged()."""

    datesChanged = Signal()
    platformChanged = Signal()

    def __init__(self, first: date, last: date, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("analyticsFilters")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        fmt = date_format()
        self.date_from = QDateEdit(_qdate(first), self)
        self.date_to = QDateEdit(_qdate(last), self)
        for edit, name, label in (
            (self.date_from, "dateFromEdit", self.tr("Published from")),
            (self.date_to, "dateToEdit", self.tr("Published until")),
        ):
            limit_dates(edit)
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd " + fmt)  # with the weekday, in the locale's order
            edit.setAccessibleName(label)
            edit.setToolTip(
                self.tr("{label} (only posts published in this range count)").format(label=label)
            )
            edit.dateChanged.connect(self._on_dates)
        row.addWidget(self.date_from)
        dash = QLabel("–", self)
        dash.setAccessibleName(self.tr("to"))
        row.addWidget(dash)
        row.addWidget(self.date_to)
        self.platform_combo = QComboBox(self)
        self.platform_combo.setObjectName("platformFilterCombo")
        self.platform_combo.setAccessibleName(self.tr("Platform"))
        self.platform_combo.setToolTip(self.tr("Show one platform or all of them"))
        self.platform_combo.addItem(theme.icon("fa5s.layer-group"), self.tr("All platforms"), None)
        for p in Platform:
            self.platform_combo.addItem(theme.platform_icon(p.value), p.label, p.value)
        self.platform_combo.currentIndexChanged.connect(lambda _i: self.platformChanged.emit())
        row.addWidget(self.platform_combo)
        self.facets_button = facets_button(self)
        self.facet_menu: FacetMenu = self.facets_button.menu()  # type: ignore[assignment]
        row.addWidget(self.facets_button)
        row.addStretch(1)
        self.refresh_button = QPushButton(
            theme.icon("fa5s.sync-alt"), self.tr("Refresh metrics"), self
        )
        self.refresh_button.setObjectName("refreshNowButton")
        self.refresh_button.setAccessibleName(self.tr("Refresh metrics now"))
        menu = QMenu(self.refresh_button)
        self.refresh_post_action = QAction(self.tr("Selected post"), menu)
        self.refresh_post_action.setObjectName("refreshPostAction")
        self.refresh_range_action = QAction(self.tr("All posts in this range"), menu)
        self.refresh_range_action.setObjectName("refreshRangeAction")
        menu.addAction(self.refresh_post_action)
        menu.addAction(self.refresh_range_action)
        self.refresh_button.setMenu(menu)
        row.addWidget(self.refresh_button)

    def show_refresh_state(
        self, *, can_collect: bool, has_data: bool, busy: bool, post_selected: bool
    ) -> None:
        """ "Refresh metrics" works while a collector can reach the networks, on a range with
        published posts, one refresh at a time; the tooltip says why not."""
        self.refresh_button.setEnabled(can_collect and has_data and not busy)
        if not can_collect:
            tip = self.tr("Metrics can be refreshed while Herald's scheduler is running")
        elif not has_data:
            tip = self.tr("No published posts in this range to refresh")
        else:
            tip = self.tr("Fetch the latest likes, shares, comments and impressions now")
        self.refresh_button.setToolTip(tip)
        self.refresh_post_action.setEnabled(post_selected)

    def date_range(self) -> tuple[date, date]:
        first, last = self.date_from.date(), self.date_to.date()
        return date(first.year(), first.month(), first.day()), date(
            last.year(), last.month(), last.day()
        )

    def set_date_range(self, first: date, last: date) -> None:
        """Without datesChanged: the caller reloads."""
        for edit, value in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(_qdate(value))
            edit.blockSignals(False)

    def facets(self) -> Facets:
        """The accounts and labels ticked: {"accounts": [...], "labels": [...]}."""
        return self.facet_menu.chosen()

    def facet_source(self, choices: Callable[[], Choices]) -> None:
        """Where the Filter menu reads the workspace's accounts and labels from."""
        self.facet_menu.choices = choices

    def platforms(self) -> list[Platform] | None:
        value = self.platform_combo.currentData()
        return [Platform(value)] if value else None

    def set_platform(self, platform: Platform | None) -> None:
        index = self.platform_combo.findData(Platform(platform).value if platform else None)
        self.platform_combo.setCurrentIndex(max(0, index))

    def _on_dates(self) -> None:
        sender = self.sender()
        if self.date_from.date() > self.date_to.date():
            other = self.date_to if sender is self.date_from else self.date_from
            other.blockSignals(True)
            other.setDate((self.date_from if sender is self.date_from else self.date_to).date())
            other.blockSignals(False)
        self.datesChanged.emit()
