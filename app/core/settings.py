"""Small settings that live with the data (the Setting table): JSON values by key, with the
defaults Herald uses when a key was never set. No Qt.

"Start at login" is stored here as the user's wish; app.core.autostart writes the platform's
own login entry.
"""

from __future__ import annotations

import re
from typing import Any

from app import platforms
from app.core.db import Database
from app.core.models import Setting
from app.core.timeutil import is_valid_zone
from app.platforms.descriptor import NetworkSetting
from app.platforms.linkedin import API_VERSION_SETTING

GRACE_MINUTES = "engine.grace_minutes"
START_AT_LOGIN = "app.start_at_login"
DEFAULT_ZONE = "app.default_zone"
THEME_FOLLOWS_SYSTEM = "ui.theme_follows_system"  # older flag; THEME supersedes it
#: "system" (follow the desktop's light or dark scheme), "light" or "dark"
THEME = "ui.theme"
THEMES = ("system", "light", "dark")
TRAY_NOTICE_SHOWN = "ui.tray_notice_shown"

DEFAULTS: dict[str, Any] = {
    GRACE_MINUTES: 15,
    START_AT_LOGIN: False,
    DEFAULT_ZONE: None,  # None: the system's zone
    THEME_FOLLOWS_SYSTEM: True,
    TRAY_NOTICE_SHOWN: False,
}
# A network's own settings (LinkedIn's API version) come from its descriptor: see
# `network_setting`, looked up at each call so a network registered later has its own.

MAX_GRACE_MINUTES = 24 * 60


class SettingsError(ValueError):
    """A value that cannot be stored; the message is meant for a person."""


class SettingsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str, default: Any = None) -> Any:
        with self.db.session() as s:
            row = s.get(Setting, key)
            if row is not None:
                return row.value
        if default is not None:
            return default
        spec = network_setting(key)
        return spec.default if spec is not None else DEFAULTS.get(key)

    def set(self, key: str, value: Any) -> None:
        value = _check(key, value)
        with self.db.write_session() as s:
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value
            s.commit()

    def delete(self, key: str) -> None:
        with self.db.write_session() as s:
            row = s.get(Setting, key)
            if row is not None:
                s.delete(row)
                s.commit()

    # -------------------------------------------------------- typed shortcuts

    def grace_minutes(self) -> int:
        value = self.get(GRACE_MINUTES)
        try:
            return max(0, min(MAX_GRACE_MINUTES, int(value)))
        except (TypeError, ValueError):
            return int(DEFAULTS[GRACE_MINUTES])

    def default_zone(self) -> str | None:
        value = self.get(DEFAULT_ZONE)
        return value if isinstance(value, str) and is_valid_zone(value) else None

    def network_value(self, key: str) -> str:
        """A network's setting (see `network_setting`), or its default when the stored value
        is missing or no longer valid."""
        spec = network_setting(key)
        if spec is None:
            raise KeyError(f"no registered network has the setting {key!r}")
        value = self.get(key)
        if isinstance(value, str) and re.fullmatch(spec.pattern, value):
            return value
        return spec.default

    def linkedin_version(self) -> str:
        """The LinkedIn-Version to send (the worker builds its adapter config from it)."""
        return self.network_value(API_VERSION_SETTING)

    def theme(self) -> str:
        value = self.get(THEME)
        if value in THEMES:
            return str(value)
        # Before the choice had three values, unticking "follow the system" meant light.
        return "system" if self.flag(THEME_FOLLOWS_SYSTEM) else "light"

    def flag(self, key: str) -> bool:
        return bool(self.get(key))


def network_setting(key: str) -> NetworkSetting | None:
    """The registered network setting called `key`, or None."""
    for descriptor in platforms.all_platforms():
        for spec in descriptor.settings:
            if spec.key == key:
                return spec
    return None


def _check(key: str, value: Any) -> Any:
    spec = network_setting(key)
    if spec is not None:
        if not (isinstance(value, str) and re.fullmatch(spec.pattern, value.strip())):
            raise SettingsError(spec.invalid_message)
        return value.strip()
    if key == GRACE_MINUTES:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError("The grace period is a whole number of minutes.")
        if not 0 <= value <= MAX_GRACE_MINUTES:
            raise SettingsError(f"The grace period is between 0 and {MAX_GRACE_MINUTES} minutes.")
    elif key == DEFAULT_ZONE:
        if value is not None and not (isinstance(value, str) and is_valid_zone(value)):
            raise SettingsError(f"Unknown time zone: {value!r}.")
    elif key == THEME:
        if value not in THEMES:
            raise SettingsError(f"The theme is one of {', '.join(THEMES)}; not {value!r}.")
    elif key in (START_AT_LOGIN, THEME_FOLLOWS_SYSTEM, TRAY_NOTICE_SHOWN):
        value = bool(value)
    return value
