"""The calendar's navigation bar: today / previous / next, the range title, view switch and
New post on the first row; time zone, jump to date, drafts and undo/redo on the second."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import theme
from app.ui.dates import limit_dates, show_weekday_dates
from app.ui.fit_label import FitLabel
from app.ui.workspace_dialog import zone_combo


def _tool(parent: QWidget, name: str, icon: str, tip: str, text: str = "") -> QToolButton:
    button = QToolButton(parent)
    button.setObjectName(name)
    button.setIcon(theme.icon(icon))
    button.setIconSize(QSize(14, 14))
    button.setToolTip(tip)
    button.setAccessibleName(tip.split(" (")[0])
    button.setAutoRaise(False)
    if text:
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return button


class CalendarToolbar(QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("calendarToolbar")
        # Its style (tool buttons, the view switch) is in style.qss, in the theme's colours.
        self.today_button = QPushButton(self.tr("Today"), self)
        self.today_button.setObjectName("todayButton")
        self.today_button.setToolTip(self.tr("Go to today (T)"))
        self.today_button.setAccessibleName(self.tr("Go to today"))
        self.prev_button = _tool(
            self, "prevButton", "fa5s.chevron-left", self.tr("Previous (Left)")
        )
        self.next_button = _tool(self, "nextButton", "fa5s.chevron-right", self.tr("Next (Right)"))
        self.range_label = FitLabel(self)  # short day/month names when the window is narrow
        self.range_label.setObjectName("rangeLabel")
        self.range_label.setMinimumWidth(120)

        self.view_group = QButtonGroup(self)
        self.view_group.setExclusive(True)
        self.view_buttons: dict[str, QPushButton] = {}
        segments = QHBoxLayout()
        segments.setSpacing(0)
        for key, label, shortcut in (
            ("month", self.tr("Month"), "M"),
            ("week", self.tr("Week"), "W"),
            ("day", self.tr("Day"), "D"),
            ("list", self.tr("List"), "L"),
        ):
            button = QPushButton(label, self)
            button.setObjectName(f"{key}ViewButton")
            button.setCheckable(True)
            button.setProperty("segment", True)
            button.setToolTip(self.tr("{label} view ({key})").format(label=label, key=shortcut))
            button.setAccessibleName(self.tr("{label} view").format(label=label))
            self.view_group.addButton(button)
            self.view_buttons[key] = button
            segments.addWidget(button)
        self.compose_button = QPushButton(theme.icon("fa5s.plus", "on_accent"), self.tr("New post"))
        self.compose_button.setObjectName("composeButton")
        self.compose_button.setProperty("primary", True)
        self.compose_button.setToolTip(self.tr("Write a new post (Ctrl+N)"))
        self.compose_button.setAccessibleName(self.tr("New post"))

        self.ideas_button = _tool(  # an icon: the first row has no room left at 1024 px
            self, "ideasBoardButton", "fa5s.lightbulb", self.tr("Ideas board: undated drafts")
        )
        self.ideas_button.setCheckable(True)
        self.zone_combo = zone_combo(self)
        self.zone_combo.setObjectName("zoneSwitchCombo")
        self.zone_combo.setAccessibleName(self.tr("Show times in time zone"))
        self.zone_combo.setToolTip(
            self.tr("Show the calendar in another time zone (type to search)")
        )
        self.zone_combo.setMinimumWidth(170)
        self.jump_edit = QDateEdit(self)
        self.jump_edit.setObjectName("jumpDateEdit")
        self.jump_edit.setCalendarPopup(True)
        limit_dates(self.jump_edit)
        show_weekday_dates(self.jump_edit)
        self.jump_edit.setAccessibleName(self.tr("Jump to date"))
        self.jump_edit.setToolTip(self.tr("Jump to a date (Ctrl+G)"))
        self.drafts_button = _tool(
            self,
            "draftsButton",
            "fa5s.pencil-alt",
            self.tr("Drafts without a date or time"),
            "Drafts",
        )
        self.drafts_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("calendarSearchEdit")
        self.search_edit.setPlaceholderText(self.tr("Search posts"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.tr("Search posts"))
        self.search_edit.setToolTip(self.tr("Show only posts whose text contains this (Ctrl+F)"))
        self.search_edit.setMinimumWidth(110)
        self.search_edit.setMaximumWidth(220)
        self.filter_button = _tool(
            self,
            "calendarFilterButton",
            "fa5s.filter",
            self.tr("Filter by account, network and status"),
            self.tr("Filter"),
        )
        self.filter_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.undo_button = _tool(self, "undoButton", "fa5s.undo", self.tr("Undo (Ctrl+Z)"))
        self.redo_button = _tool(self, "redoButton", "fa5s.redo", self.tr("Redo (Ctrl+Shift+Z)"))
        self.network_label = QLabel(self)
        self.network_label.setObjectName("networkLabel")
        self.network_label.setStyleSheet(f"color: {theme.hex_of('warning_text')};")
        self.network_label.hide()
        self.storage_label = QLabel(self)
        self.storage_label.setObjectName("storageLabel")
        self.storage_label.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.storage_label.hide()

        first = QHBoxLayout()
        first.setSpacing(8)
        first.addWidget(self.today_button)
        first.addWidget(self.prev_button)
        first.addWidget(self.next_button)
        first.addSpacing(4)
        first.addWidget(self.range_label, 1)
        first.addLayout(segments)
        first.addSpacing(8)
        first.addWidget(self.ideas_button)
        first.addWidget(self.compose_button)
        second = QHBoxLayout()
        second.setSpacing(8)
        zone_icon = QLabel(self)
        zone_icon.setPixmap(theme.icon("fa5s.globe", theme.hex_of("muted")).pixmap(14, 14))
        zone_label = QLabel(self.tr("Times in"), self)
        zone_label.setProperty("role", "small")
        zone_label.setBuddy(self.zone_combo)
        jump_label = QLabel(self.tr("Go to"), self)
        jump_label.setProperty("role", "small")
        jump_label.setBuddy(self.jump_edit)
        self._captions = (zone_label, jump_label)  # hidden when the row has no room for them
        self._second = second
        second.addWidget(zone_icon)
        second.addWidget(zone_label)
        second.addWidget(self.zone_combo)
        second.addSpacing(8)
        second.addWidget(jump_label)
        second.addWidget(self.jump_edit)
        second.addSpacing(8)
        second.addWidget(self.drafts_button)
        second.addStretch(1)
        second.addWidget(self.search_edit)
        second.addWidget(self.filter_button)
        second.addSpacing(8)
        second.addWidget(self.undo_button)
        second.addWidget(self.redo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        layout.addLayout(first)
        layout.addLayout(second)
        # Paused states get a row of their own (it collapses while both are hidden): the
        # second row has no room left at 1024 px.
        paused = QHBoxLayout()
        paused.setSpacing(16)
        paused.addWidget(self.network_label)
        paused.addWidget(self.storage_label)
        paused.addStretch(1)
        layout.addLayout(paused)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_second_row()

    def fit_second_row(self) -> None:
        """At about 1000 px the second row cannot hold everything: first its captions ("Times
        in", "Go to") go, then "Undated drafts (N)" becomes its icon (the text moves to the
        tooltip); the fields keep their icon, tooltip and accessible name. Nothing is
        squeezed over its neighbour."""
        room = self.contentsRect().width() - 8
        for hide_captions, icon_only in ((False, False), (True, False), (True, True)):
            if self._row_min(hide_captions, icon_only) <= room:
                break
        for caption in self._captions:
            caption.setVisible(not hide_captions)
        drafts = self.drafts_button
        style = Qt.ToolButtonStyle
        drafts.setToolButtonStyle(
            style.ToolButtonIconOnly if icon_only else style.ToolButtonTextBesideIcon
        )
        drafts.setToolTip(drafts.text() if icon_only else self.tr("Drafts without a date or time"))

    def _row_min(self, hide_captions: bool, icon_only: bool) -> int:
        """The second row's minimum width with captions hidden or not, drafts as an icon or
        not (computed, not laid out: no flicker)."""
        row = self._second
        total, shown = 0, 0
        for i in range(row.count()):
            item = row.itemAt(i)
            if item is None:
                continue
            widget = item.widget()
            if widget is None:
                total += item.minimumSize().width()  # a spacing
                continue
            if widget in self._captions:
                if hide_captions:
                    continue
                width = widget.sizeHint().width()
            elif widget.isHidden():
                continue
            elif widget is self.drafts_button and icon_only:
                width = self.undo_button.sizeHint().width()
            else:
                width = max(widget.minimumSizeHint().width(), widget.minimumWidth())
            total += width
            shown += 1
        return total + row.spacing() * max(0, shown - 1)

    def show_filter_count(self, count: int) -> None:
        """ "Filter (2)" while facets are chosen."""
        self.filter_button.setText(
            self.tr("Filter ({n})").format(n=count) if count else self.tr("Filter")
        )
