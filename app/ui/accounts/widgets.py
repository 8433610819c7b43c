"""Small building blocks of the Accounts view: banners, the empty state, the table."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app import platforms
from app.ui import theme

# kind -> (background, border, icon, ink) as theme roles
BANNER_STYLES = {
    "attention": ("banner_bg", "banner_border", "fa5s.exclamation-triangle", "warning_text"),
    "info": ("info_bg", "info_border", "fa5s.info-circle", "info_text"),
}
BUTTONS_PER_ROW = 4


def action_name(platform: str) -> str:
    """The stable suffix used in objectNames: the network's name capitalised (Twitter,
    Instagram, Linkedin, Facebook)."""
    return str(platform).capitalize()


def network_list(tr, conjunction: str = "or") -> str:
    """ "X, Instagram, LinkedIn or Facebook": every registered network's display name."""
    names = [d.display_name for d in platforms.all_platforms()]
    if len(names) <= 1:
        return "".join(names)
    return tr("{first} {conjunction} {last}").format(
        first=", ".join(names[:-1]), conjunction=tr(conjunction), last=names[-1]
    )


class Banner(QFrame):
    """A one-line notice with an icon, a message and one action button."""

    def __init__(
        self, object_name: str, kind: str, button_text: str, button_name: str, parent=None
    ) -> None:
        super().__init__(parent)
        background_role, border_role, icon_name, icon_colour = BANNER_STYLES[kind]
        background, border = theme.hex_of(background_role), theme.hex_of(border_role)
        self.setObjectName(object_name)
        self.setStyleSheet(
            f"QFrame#{object_name} {{ background: {background}; border: 1px solid {border};"
            " border-radius: 6px; }"
            f" QFrame#{object_name} QLabel {{ background: transparent; }}"
        )
        icon = QLabel(self)
        icon.setPixmap(theme.icon(icon_name, icon_colour).pixmap(18, 18))
        self.label = QLabel("", self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton(button_text, self)
        self.button.setObjectName(button_name)
        self.button.setAccessibleName(button_text)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 8, 8)
        row.setSpacing(8)
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)

    def set_text(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleDescription(text)


class EmptyState(QFrame):
    """'No accounts yet — connect …' with one button per platform."""

    connectRequested = Signal(object)  # the network's name

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsEmptyState")
        self.setProperty("role", "card")
        icon = QLabel(self)
        icon.setPixmap(theme.icon("fa5s.user-friends", "faint").pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel(
            self.tr("No accounts yet — connect {networks} to start publishing.").format(
                networks=network_list(self.tr)
            ),
            self,
        )
        self.label.setObjectName("accountsEmptyLabel")
        self.label.setProperty("role", "empty")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        # Four to a row, so the next networks wrap instead of widening the window.
        grid = QGridLayout()
        grid.setSpacing(8)
        self.buttons: dict[str, QPushButton] = {}
        for index, network in enumerate(platforms.all_platforms()):
            platform = network.name
            text = self.tr("Connect {platform}").format(platform=network.display_name)
            button = QPushButton(theme.platform_icon(platform), text, self)
            button.setObjectName(f"emptyConnect{action_name(platform)}Button")
            button.setAccessibleName(text)
            button.setIconSize(QSize(16, 16))
            button.clicked.connect(lambda _=False, p=platform: self.connectRequested.emit(p))
            self.buttons[platform] = button
            grid.addWidget(button, index // BUTTONS_PER_ROW, index % BUTTONS_PER_ROW)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addLayout(grid)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 48, 32, 48)
        layout.setSpacing(16)
        layout.addStretch(1)
        layout.addWidget(icon)
        layout.addWidget(self.label)
        layout.addLayout(buttons)
        layout.addStretch(2)


def make_table(model, parent=None) -> QTableView:
    table = QTableView(parent)
    table.setObjectName("accountsTable")
    table.setAccessibleName(table.tr("Connected accounts"))
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setIconSize(QSize(18, 18))
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(40)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setMinimumSectionSize(90)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
    c = theme.hex_of
    selection = c("selection")
    table.setStyleSheet(
        f"QTableView#accountsTable {{ background: {c('surface')}; border: 1px solid {c('line')};"
        f" border-radius: 8px; alternate-background-color: {c('outside')};"
        f" selection-background-color: {selection}; selection-color: {c('text')}; }}"
        " QTableView#accountsTable::item { padding: 0 8px; }"
        f" QTableView#accountsTable:focus {{ border: 1px solid {c('accent')}; }}"
        f" QHeaderView::section {{ background: {c('surface')}; border: none;"
        f" border-bottom: 1px solid {c('line')}; padding: 8px; color: {c('muted')};"
        " font-size: 11px; font-weight: 600; }"
    )
    return table
