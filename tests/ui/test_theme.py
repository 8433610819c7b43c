"""Dark mode (issue 21, "what people expect"): light, dark or the system's, chosen in Settings
(`themeCombo`), applied at once, with chips and heatmap colours made for the background."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QApplication, QComboBox

from app.core.settings import THEME, THEME_FOLLOWS_SYSTEM, SettingsError, SettingsService
from app.ui import theme
from app.ui.analytics.charts import heat_scale
from app.ui.calendar.chips import tint
from app.ui.settings_dialog import SettingsDialog


@pytest.fixture
def app_theme():
    """Put the application's look back as the other tests expect it (no style sheet)."""
    app = QApplication.instance()
    saved = (app.styleSheet(), QPalette(app.palette()))
    yield app
    app.setStyleSheet(saved[0])
    app.setPalette(saved[1])
    theme._dark, theme._mode = False, "system"
    theme._clear_caches()


def _luminance(colour) -> float:
    return 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()


def _settings_dialog(qtbot, window) -> SettingsDialog:
    window.findChild(QAction, "settingsAction").trigger()

    def shown() -> list[SettingsDialog]:
        return [d for d in window.findChildren(SettingsDialog, "settingsDialog") if d.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1)
    return shown()[0]


def test_choosing_dark_in_settings_applies_it_at_once_and_is_kept(
    qtbot, herald_window, herald_context, app_theme
):
    dialog = _settings_dialog(qtbot, herald_window)
    combo = dialog.findChild(QComboBox, "themeCombo")
    assert [combo.itemData(i) for i in range(combo.count())] == ["system", "light", "dark"]
    assert combo.currentData() == "system"  # a new database follows the system
    light_chip = tint("SCHEDULED")
    combo.setCurrentIndex(combo.findData("dark"))
    dialog.accept()

    settings = SettingsService(herald_context.db)
    assert settings.theme() == "dark" and settings.get(THEME_FOLLOWS_SYSTEM) is False
    assert theme.is_dark() and theme.mode() == "dark"
    window_bg = app_theme.palette().color(QPalette.ColorRole.Window)
    text = app_theme.palette().color(QPalette.ColorRole.WindowText)
    assert _luminance(window_bg) < 0.2 < 0.7 < _luminance(text)
    assert theme.hex_of("surface") in app_theme.styleSheet()
    assert "{surface}" not in app_theme.styleSheet()  # every role was filled in
    # Chips are tinted from the dark surface, not from white.
    assert _luminance(tint("SCHEDULED")) < 0.3 < _luminance(light_chip)
    # The heatmap's scale runs from near the surface to bright: "more" still stands out.
    low, high, empty, _gap = heat_scale()
    assert low.sum() < high.sum() and sum(empty) < 3 * 128

    # Back to light through the same dialog.
    dialog = _settings_dialog(qtbot, herald_window)
    combo = dialog.findChild(QComboBox, "themeCombo")
    assert combo.currentData() == "dark"
    combo.setCurrentIndex(combo.findData("light"))
    dialog.accept()
    assert not theme.is_dark()
    assert _luminance(app_theme.palette().color(QPalette.ColorRole.Window)) > 0.8
    low, high, _empty, _gap = heat_scale()
    assert low.sum() > high.sum()  # light theme: more is darker


def test_system_mode_follows_the_desktop_while_running(monkeypatch, app_theme):
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)
    theme.apply_theme(app_theme, "system")
    assert not theme.is_dark()
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    theme._system_changed(app_theme)  # what the desktop's colorSchemeChanged signal calls
    assert theme.is_dark()
    # A fixed choice does not follow.
    theme.apply_theme(app_theme, "light")
    theme._system_changed(app_theme)
    assert not theme.is_dark()


def test_an_unknown_theme_is_refused_and_the_old_flag_still_counts(herald_context):
    settings = SettingsService(herald_context.db)
    with pytest.raises(SettingsError, match="system, light, dark"):
        settings.set(THEME, "purple")
    assert settings.get(THEME) is None
    settings.set(THEME_FOLLOWS_SYSTEM, False)  # set by an older Herald
    assert settings.theme() == "light"


def test_x_icon_is_light_on_dark(app_theme):
    theme.apply_theme(app_theme, "dark")
    assert theme.brand("TWITTER") != "#111111"
    image = theme.platform_icon("TWITTER").pixmap(16, 16).toImage()
    inked = [
        image.pixelColor(x, y)
        for x in range(16)
        for y in range(16)
        if image.pixelColor(x, y).alpha() > 200
    ]
    assert inked and np.mean([_luminance(c) for c in inked]) > 0.6
