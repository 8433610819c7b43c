"""The Accounts toolbar's "Connect account" button and its menu: one entry per registered
network, plus one per network that offers a second way to connect (its descriptor's
`connect_option`, e.g. a LinkedIn company page)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton, QToolButton, QWidget

from app import platforms
from app.ui import theme
from app.ui.accounts.widgets import action_name


def connect_style() -> str:
    c = theme.hex_of
    return (
        f"QToolButton#connectAccountButton {{ background: {c('accent')}; color: {c('on_accent')};"
        f" border: 1px solid {c('accent')}; border-radius: 6px; padding: 6px 12px; }}"
        f" QToolButton#connectAccountButton:hover {{ background: {c('accent_hover')}; }}"
        f" QToolButton#connectAccountButton:focus {{ border: 1px solid {c('accent_focus')}; }}"
        f" QToolButton#connectAccountButton:disabled {{ background: {c('primary_disabled')};"
        f" border-color: {c('primary_disabled')}; color: {c('primary_disabled_text')}; }}"
        " QToolButton#connectAccountButton::menu-indicator { subcontrol-position:"
        " right center; right: 6px; }"
    )


def build_connect_button(parent: QWidget) -> tuple[QToolButton, QMenu]:
    button = QToolButton(parent)
    button.setObjectName("connectAccountButton")
    button.setText(parent.tr("Connect account"))
    button.setAccessibleName(parent.tr("Connect account"))
    button.setIcon(theme.icon("fa5s.plus", "on_accent"))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setStyleSheet(connect_style())
    menu = QMenu(button)
    menu.setObjectName("connectAccountMenu")
    button.setMenu(menu)
    return button, menu


def add_connect_actions(
    menu: QMenu, connect: Callable[..., None]
) -> tuple[dict[str, QAction], QAction | None]:
    """Fill the menu; `connect(name)` or `connect(name, with_option=True)` runs on a click.
    Returns the actions by network name, and the first "second way" action (None when no
    network has one)."""
    actions: dict[str, QAction] = {}
    for network in platforms.all_platforms():
        name = network.name
        action = QAction(theme.platform_icon(name), network.display_name, menu)
        action.setObjectName(f"connect{action_name(name)}Action")
        action.setToolTip(
            menu.tr("Connect a {platform} account").format(platform=network.display_name)
        )
        action.triggered.connect(lambda _=False, p=name: connect(p))
        menu.addAction(action)
        actions[name] = action
    first_option: QAction | None = None
    for network in platforms.all_platforms():
        option = network.connect_option
        if option is None:
            continue
        # A second way to connect asks for more permissions, which not every app has.
        action = QAction(theme.platform_icon(network.name), menu.tr(option.label), menu)
        action.setObjectName(f"connect{action_name(network.name)}{option.name}Action")
        action.setToolTip(menu.tr(option.help))
        action.triggered.connect(lambda _=False, p=network.name: connect(p, with_option=True))
        menu.addAction(action)
        first_option = first_option or action
    return actions, first_option


def icon_only(room: int, fixed: tuple[QWidget, ...], *buttons: tuple[QPushButton, str]) -> None:
    """When `fixed` and `buttons` (with their texts) need more than `room` pixels in a row,
    the buttons show their icons alone, the text then in the tooltip; text again when there
    is room."""
    need = sum(w.sizeHint().width() + 8 for w in fixed)
    for button, _text in buttons:
        if button.text():
            button.setProperty("fullWidth", button.sizeHint().width())
        need += int(button.property("fullWidth") or 0) + 8
    narrow = need - 8 > room  # n widgets, n - 1 gaps
    for button, text in buttons:
        if narrow and button.text():
            button.setProperty("fullTip", button.toolTip())
            button.setText("")
            button.setToolTip(text if not button.toolTip() else f"{text}: {button.toolTip()}")
        elif not narrow and not button.text():
            button.setText(text)
            button.setToolTip(button.property("fullTip") or "")
