"""Settings: grace period for posts missed while Herald was closed, start at login, the default
time zone for new workspaces, and the theme (light, dark, or the system's)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.settings import (
    DEFAULT_ZONE,
    GRACE_MINUTES,
    MAX_GRACE_MINUTES,
    START_AT_LOGIN,
    THEME,
    THEME_FOLLOWS_SYSTEM,
    SettingsError,
    SettingsService,
)
from app.core.timeutil import is_valid_zone
from app.ui import theme
from app.ui.workspace_dialog import system_zone, zone_combo

try:  # written concurrently: the platform's login entry
    from app.core import autostart
except ImportError:  # pragma: no cover
    autostart = None  # type: ignore[assignment]


class SettingsDialog(QDialog):
    def __init__(self, settings: SettingsService, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.settings = settings

        self.grace_spin = QSpinBox(self)
        self.grace_spin.setObjectName("graceMinutesSpin")
        self.grace_spin.setAccessibleName(self.tr("Grace period in minutes"))
        self.grace_spin.setRange(0, MAX_GRACE_MINUTES)
        self.grace_spin.setSuffix(self.tr(" min"))
        self.grace_spin.setValue(settings.grace_minutes())
        # Typed (arrow keys step it): the style sheet draws spin buttons as two broken slivers.
        self.grace_spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.grace_spin.setStyleSheet(
            "QSpinBox::up-button, QSpinBox::down-button { subcontrol-origin: border;"
            " width: 0px; height: 0px; border: none; }"
        )
        self.grace_spin.setToolTip(
            self.tr(
                "Posts that fell due while Herald was closed go out on start if they are late by "
                "less than this; older ones are listed for you to publish or reschedule."
            )
        )
        self.login_check = QCheckBox(self.tr("Start Herald when I log in"), self)
        self.login_check.setObjectName("startAtLoginCheck")
        self.login_check.setAccessibleName(self.tr("Start at login"))
        self.login_check.setChecked(settings.flag(START_AT_LOGIN))
        if autostart is None or not autostart.is_supported():
            self.login_check.setEnabled(False)
            self.login_check.setToolTip(
                self.tr("This system offers no way to start apps at login.")
            )
        else:
            self.login_check.setToolTip(autostart.describe())
        self.zone_combo = zone_combo(self, settings.default_zone() or system_zone())
        self.zone_combo.setObjectName("defaultZoneCombo")
        self.zone_combo.setAccessibleName(self.tr("Default time zone"))
        self.zone_combo.setToolTip(self.tr("Suggested for new workspaces (type to search)"))
        self.theme_combo = QComboBox(self)
        self.theme_combo.setObjectName("themeCombo")
        self.theme_combo.setAccessibleName(self.tr("Theme"))
        self.theme_combo.setToolTip(self.tr("Light, dark, or whatever the system uses"))
        for label, value in (
            (self.tr("Same as the system"), "system"),
            (self.tr("Light"), "light"),
            (self.tr("Dark"), "dark"),
        ):
            self.theme_combo.addItem(label, value)
        self.theme_combo.setCurrentIndex(self.theme_combo.findData(settings.theme()))
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("settingsErrorLabel")
        self.error_label.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        form.setSpacing(8)
        form.setVerticalSpacing(4)
        form.addRow(self.tr("Grace period"), self.grace_spin)
        form.addRow("", self._hint(self.grace_spin.toolTip()))
        form.addRow(self.tr("Default time zone"), self.zone_combo)
        form.addRow("", self._hint(self.tr("Suggested for new workspaces.")))
        form.addRow(self.tr("Theme"), self.theme_combo)
        form.addRow("", self.login_check)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setObjectName("settingsOkButton")
        ok.setText(self.tr("Save"))
        ok.setProperty("primary", True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("settingsCancelButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _hint(self, text: str) -> QLabel:
        hint = QLabel(text, self)
        hint.setProperty("role", "small")
        hint.setWordWrap(True)
        return hint

    def _fail(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def accept(self) -> None:
        zone = self.zone_combo.currentText().strip()
        if not is_valid_zone(zone):
            self._fail(self.tr("Choose a time zone from the list (e.g. Europe/London)."))
            return
        login = self.login_check.isChecked()
        try:
            if (
                autostart is not None
                and self.login_check.isEnabled()
                and login != self.settings.flag(START_AT_LOGIN)
            ):
                autostart.enable() if login else autostart.disable()
            self.settings.set(GRACE_MINUTES, self.grace_spin.value())
            self.settings.set(DEFAULT_ZONE, zone)
            self.settings.set(START_AT_LOGIN, login)
            chosen = self.theme_combo.currentData()
            self.settings.set(THEME, chosen)
            self.settings.set(THEME_FOLLOWS_SYSTEM, chosen == "system")
        except (SettingsError, RuntimeError, OSError) as exc:
            self._fail(str(exc))
            return
        app = QApplication.instance()
        if isinstance(app, QApplication) and chosen != theme.mode():
            theme.apply_theme(app, chosen)  # at once, no restart
        super().accept()


def open_once(
    settings: SettingsService, parent: QWidget, on_saved: Callable[[], None]
) -> SettingsDialog:
    """The Settings dialog, or the one already open (raised), never two at once."""
    for existing in parent.findChildren(SettingsDialog, "settingsDialog"):
        if existing.isVisible():
            if QApplication.platformName() != "offscreen":  # offscreen can't raise
                existing.raise_()
                existing.activateWindow()
            return existing
    dialog = SettingsDialog(settings, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(on_saved)
    dialog.open()
    return dialog
