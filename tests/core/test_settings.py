from __future__ import annotations

import pytest

from app.core.settings import (
    DEFAULT_ZONE,
    GRACE_MINUTES,
    START_AT_LOGIN,
    SettingsError,
    SettingsService,
)


def test_defaults_and_round_trip(db):
    settings = SettingsService(db)
    assert settings.grace_minutes() == 15
    assert settings.default_zone() is None
    assert settings.flag(START_AT_LOGIN) is False
    settings.set(GRACE_MINUTES, 40)
    settings.set(DEFAULT_ZONE, "Europe/Paris")
    settings.set("custom.thing", {"a": [1, 2]})
    again = SettingsService(db)
    assert again.grace_minutes() == 40
    assert again.default_zone() == "Europe/Paris"
    assert again.get("custom.thing") == {"a": [1, 2]}
    again.delete("custom.thing")
    assert again.get("custom.thing", "gone") == "gone"


@pytest.mark.parametrize(
    "key,value", [(GRACE_MINUTES, -1), (GRACE_MINUTES, "10"), (DEFAULT_ZONE, "Mars/Base")]
)
def test_bad_values_are_refused(db, key, value):
    with pytest.raises(SettingsError):
        SettingsService(db).set(key, value)
