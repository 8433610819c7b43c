"""First start: a short welcome that creates the first workspace, or opens the demo.

`run_first_run(context)` is called by the launcher before the main window is built. When the
database already has a workspace it returns at once ("existing"); otherwise it shows the
welcome and returns what the person chose:

- "create": the workspace was created (`workspace_id`); `connect_accounts` says whether they
  want to go to Accounts next; the main window then shows the first-run checklist
  (app/ui/first_run_checklist.py);
- "demo": explore the demo (the launcher restarts the context in demo mode);
- "cancelled": the welcome was closed without a choice (the launcher quits).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.timeutil import is_valid_zone
from app.core.workspaces import WorkspaceError
from app.ui import theme
from app.ui.workspace_dialog import system_zone, zone_combo

Choice = Literal["existing", "create", "demo", "cancelled"]


@dataclass(frozen=True)
class FirstRunResult:
    choice: Choice
    workspace_id: int | None = None
    connect_accounts: bool = False

    @property
    def demo(self) -> bool:
        return self.choice == "demo"

    @property
    def cancelled(self) -> bool:
        return self.choice == "cancelled"


class WelcomeDialog(QDialog):
    """objectName welcomeDialog. Creates the workspace itself through `workspaces`."""

    DEMO = 2  # exec() result when the person chose the demo

    def __init__(self, workspaces: Any, parent: QWidget | None = None, zone: str | None = None):
        super().__init__(parent)
        self.workspaces = workspaces
        self.workspace_id: int | None = None
        self.setObjectName("welcomeDialog")
        self.setWindowTitle(self.tr("Welcome to Herald"))
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(560)

        logo = QLabel(self)
        logo.setPixmap(theme.icon("fa5s.bullhorn", "accent").pixmap(40, 40))
        logo.setFixedSize(48, 48)
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(self.tr("Welcome to Herald"), self)
        title.setObjectName("welcomeTitle")
        title.setStyleSheet("font-size: 22px; font-weight: 600;")
        tagline = QLabel(
            self.tr(
                "Plan posts for {networks}, publish them on time, "
                "and learn when your audience is listening."
            ).format(networks=_networks(self.tr)),
            self,
        )
        tagline.setWordWrap(True)
        tagline.setStyleSheet(f"color: {theme.hex_of('status')};")
        heading = QVBoxLayout()
        heading.setSpacing(4)
        heading.addWidget(title)
        heading.addWidget(tagline)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        head.addLayout(heading, 1)

        card = QFrame(self)
        card.setProperty("role", "card")
        card_title = QLabel(self.tr("Create your first workspace"), card)
        card_title.setStyleSheet("font-size: 15px; font-weight: 600;")
        card_text = QLabel(
            self.tr(
                "A workspace holds your accounts, your posts and the time zone they are "
                "scheduled in. Agencies can add one per client later."
            ),
            card,
        )
        card_text.setProperty("role", "small")
        card_text.setWordWrap(True)
        self.name_edit = QLineEdit(card)
        self.name_edit.setObjectName("welcomeNameEdit")
        self.name_edit.setAccessibleName(self.tr("Workspace name"))
        self.name_edit.setPlaceholderText(self.tr("e.g. Corner Bakery"))
        self.zone_combo = zone_combo(card, zone or system_zone())
        self.zone_combo.setObjectName("welcomeZoneCombo")
        self.zone_combo.setAccessibleName(self.tr("Time zone"))
        self.zone_combo.setToolTip(self.tr("Type any part of a city or region to search"))
        self.connect_check = QCheckBox(self.tr("Connect my accounts next"), card)
        self.connect_check.setObjectName("welcomeConnectCheck")
        self.connect_check.setAccessibleName(self.tr("Connect my accounts next"))
        self.connect_check.setChecked(True)
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Time zone"), self.zone_combo)
        form.addRow("", self.connect_check)
        self.error_label = QLabel("", card)
        self.error_label.setObjectName("welcomeErrorLabel")
        self.error_label.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(16, 16, 16, 16)
        card_layout.setSpacing(8)
        card_layout.addWidget(card_title)
        card_layout.addWidget(card_text)
        card_layout.addSpacing(4)
        card_layout.addLayout(form)
        card_layout.addWidget(self.error_label)

        self.demo_button = QPushButton(theme.icon("fa5s.play-circle"), self.tr("Explore the demo"))
        self.demo_button.setParent(self)
        self.demo_button.setObjectName("welcomeDemoButton")
        self.demo_button.setAccessibleName(self.tr("Explore the demo"))
        self.demo_button.setToolTip(
            self.tr("Open Herald with demo accounts and history, against a built-in emulator")
        )
        self.demo_button.setAutoDefault(False)
        self.demo_button.clicked.connect(self.choose_demo)
        self.create_button = QPushButton(self.tr("Create workspace"), self)
        self.create_button.setObjectName("welcomeCreateButton")
        self.create_button.setAccessibleName(self.tr("Create workspace"))
        self.create_button.setProperty("primary", True)
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 16)
        layout.setSpacing(16)
        layout.addLayout(head)
        layout.addWidget(card)
        layout.addLayout(buttons)
        self.setTabOrder(self.name_edit, self.zone_combo)
        self.setTabOrder(self.zone_combo, self.connect_check)
        self.setTabOrder(self.connect_check, self.create_button)
        self.setTabOrder(self.create_button, self.demo_button)
        self.name_edit.setFocus()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def create(self) -> None:  # type: ignore[override]  # the dialog's own "Create", not QWidget.create
        name = self.name_edit.text().strip()
        zone = self.zone_combo.currentText().strip()
        if not name:
            self.show_error(self.tr("Please give your workspace a name, e.g. your business."))
            self.name_edit.setFocus()
            return
        if not is_valid_zone(zone):
            self.show_error(self.tr("Choose a time zone from the list (e.g. Europe/London)."))
            self.zone_combo.setFocus()
            return
        try:
            workspace = self.workspaces.create(name, zone)
        except WorkspaceError as exc:
            self.show_error(str(exc))
            return
        self.workspace_id = workspace.id
        self.accept()

    def choose_demo(self) -> None:
        self.done(self.DEMO)

    def result_value(self, code: int) -> FirstRunResult:
        if code == self.DEMO:
            return FirstRunResult("demo")
        if code == QDialog.DialogCode.Accepted.value and self.workspace_id is not None:
            return FirstRunResult(
                "create", self.workspace_id, connect_accounts=self.connect_check.isChecked()
            )
        return FirstRunResult("cancelled")


def run_first_run(context: Any, parent: QWidget | None = None) -> FirstRunResult:
    """Show the welcome when the database has no workspace yet; see the module docstring."""
    existing = context.workspaces.list()
    if existing:
        return FirstRunResult("existing", existing[0].id)
    dialog = WelcomeDialog(context.workspaces, parent)
    try:
        result = dialog.result_value(dialog.exec())
    finally:
        dialog.deleteLater()
    if result.choice == "create":
        from app.core.settings import SettingsService
        from app.ui.first_run_checklist import PENDING_KEY

        SettingsService(context.db).set(PENDING_KEY, True)  # the checklist follows
    return result


def _networks(tr: Any) -> str:
    from app.ui.accounts.widgets import network_list  # the accounts view is not needed sooner

    return network_list(tr, "and")
