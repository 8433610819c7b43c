"""Create or edit a workspace: a name and a searchable IANA time zone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.timeutil import all_zones, is_valid_zone
from app.ui import theme

if TYPE_CHECKING:
    from app.core.alt_text import AltTextPolicy


def zone_combo(parent=None, current: str | None = None) -> QComboBox:
    """An editable combo over every IANA zone; typing any part of the name filters it."""
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(all_zones())
    completer = QCompleter(all_zones(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    combo.setCompleter(completer)
    if current:
        combo.setCurrentText(current)
    return combo


def system_zone() -> str:
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
        if name and is_valid_zone(name):
            return name
    except Exception:  # noqa: BLE001 the system zone is a guess; UTC when unknown
        pass
    return "UTC"


def alt_text_check(parent: QWidget, required: bool) -> QCheckBox:
    check = QCheckBox(parent.tr("Require alt text on every image"), parent)
    check.setObjectName("workspaceRequireAltTextCheck")
    check.setAccessibleName(parent.tr("Require alt text"))
    check.setToolTip(
        parent.tr(
            "On: a post whose images lack alt text cannot be scheduled. Off: the composer "
            "only warns. Alt text describes an image to people using screen readers."
        )
    )
    check.setChecked(required)
    return check


class WorkspaceDialog(QDialog):
    def __init__(
        self,
        parent=None,
        *,
        name: str = "",
        timezone: str | None = None,
        title: str,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workspaceDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.name_edit = QLineEdit(name, self)
        self.name_edit.setObjectName("workspaceNameEdit")
        self.name_edit.setAccessibleName(self.tr("Workspace name"))
        self.name_edit.setPlaceholderText(self.tr("e.g. Corner Bakery"))
        self.zone_combo = zone_combo(self, timezone or system_zone())
        self.zone_combo.setObjectName("workspaceZoneCombo")
        self.zone_combo.setAccessibleName(self.tr("Time zone"))
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("workspaceErrorLabel")
        self.error_label.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Time zone"), self.zone_combo)
        self._form = form
        #: "Require alt text" (None until offered: a new workspace starts with it off)
        self.alt_text_check: QCheckBox | None = None
        self._alt_text: tuple[AltTextPolicy, int] | None = None
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.setObjectName("workspaceDialogButtons")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("workspaceOkButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName(
            "workspaceCancelButton"
        )
        buttons.accepted.connect(self._check_and_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def offer_alt_text(self, policy: AltTextPolicy, workspace_id: int) -> None:
        """Show the workspace's "Require alt text" setting (editing a workspace)."""
        self._alt_text = (policy, workspace_id)
        self.alt_text_check = alt_text_check(self, policy.is_required(workspace_id))
        self._form.addRow("", self.alt_text_check)

    def save_alt_text(self) -> None:
        if self._alt_text is not None and self.alt_text_check is not None:
            policy, workspace_id = self._alt_text
            policy.set_required(workspace_id, self.alt_text_check.isChecked())

    @property
    def values(self) -> tuple[str, str]:
        return self.name_edit.text().strip(), self.zone_combo.currentText().strip()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _check_and_accept(self) -> None:
        name, zone = self.values
        if not name:
            self.show_error(self.tr("Please give the workspace a name."))
            return
        if not is_valid_zone(zone):
            self.show_error(self.tr("Choose a time zone from the list (e.g. Europe/London)."))
            return
        self.accept()
