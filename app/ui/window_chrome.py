"""The main window's header and menus (split from app/ui/main_window.py for its size)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui import menu_entries, theme


def build_header(window: Any) -> QWidget:
    header = QFrame(window)
    header.setObjectName("headerBar")
    layout = QHBoxLayout(header)
    layout.setContentsMargins(16, 12, 16, 12)
    layout.setSpacing(8)
    window.page_title = QLabel("", header)
    window.page_title.setObjectName("pageTitle")
    layout.addWidget(window.page_title)
    layout.addStretch(1)
    window.zone_label = QLabel("", header)
    window.zone_label.setObjectName("workspaceZone")
    layout.addWidget(window.zone_label)
    window.workspace_combo = QComboBox(header)
    window.workspace_combo.setObjectName("workspaceCombo")
    window.workspace_combo.setAccessibleName(window.tr("Workspace"))
    window.workspace_combo.setToolTip(window.tr("Switch workspace"))
    window.workspace_combo.setMinimumWidth(200)
    window.workspace_combo.currentIndexChanged.connect(window._on_workspace_index)
    layout.addWidget(window.workspace_combo)
    window.new_workspace_button = QPushButton(theme.icon("fa5s.plus"), window.tr("New"), header)
    window.new_workspace_button.setObjectName("newWorkspaceButton")
    window.new_workspace_button.setToolTip(window.tr("Create a workspace"))
    window.new_workspace_button.clicked.connect(window.create_workspace)
    layout.addWidget(window.new_workspace_button)
    window.edit_workspace_button = QPushButton(theme.icon("fa5s.pen"), window.tr("Edit"), header)
    window.edit_workspace_button.setObjectName("editWorkspaceButton")
    window.edit_workspace_button.setToolTip(
        window.tr("Rename this workspace or change its time zone")
    )
    window.edit_workspace_button.clicked.connect(window.edit_workspace)
    layout.addWidget(window.edit_workspace_button)
    return header


def build_menu(window: Any) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu(window.tr("&File"))
    file_menu.setObjectName("fileMenu")
    new_ws = QAction(window.tr("New &workspace…"), window)
    new_ws.setObjectName("newWorkspaceAction")
    new_ws.triggered.connect(window.create_workspace)
    file_menu.addAction(new_ws)
    menu_entries.install_import_entry(window, file_menu)  # issue 22
    file_menu.addSeparator()
    window.quit_action = QAction(window.tr("&Quit"), window)
    window.quit_action.setObjectName("quitAction")
    window.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    window.quit_action.triggered.connect(window.quit)
    file_menu.addAction(window.quit_action)
    window.settings_menu = bar.addMenu(window.tr("&Settings"))
    window.settings_menu.setObjectName("settingsMenu")
    # PreferencesRole: on macOS Qt moves it to the application menu as "Settings…" (⌘,).
    window.settings_action = QAction(theme.icon("fa5s.cog"), window.tr("&Settings…"), window)
    window.settings_action.setObjectName("settingsAction")
    window.settings_action.setShortcut(QKeySequence("Ctrl+,"))
    window.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
    window.settings_action.setToolTip(
        window.tr("Grace period, start at login, default time zone, theme (Ctrl+,)")
    )
    window.settings_action.triggered.connect(window.open_settings)
    window.settings_menu.addAction(window.settings_action)
    window.addAction(window.settings_action)  # the shortcut works wherever the focus is
    apps = QAction(window.tr("&Developer apps…"), window)
    apps.setObjectName("developerAppsAction")
    apps.triggered.connect(window._edit_developer_apps)
    window.settings_menu.addAction(apps)
    window.help_menu = bar.addMenu(window.tr("&Help"))
    window.help_menu.setObjectName("helpMenu")
    about = QAction(window.tr("&About Herald"), window)
    about.setObjectName("aboutAction")
    about.triggered.connect(window.show_about)
    window.help_menu.addAction(about)
    menu_entries.install_queue_slots_entry(window, window.open_queue_slots)  # issue 22
