"""Constants shared by every layer, the emulator included (it imports nothing else from app)."""

from __future__ import annotations

import enum

APP_NAME = "Herald"
APP_AUTHOR = "Herald"


class Platform(enum.StrEnum):
    TWITTER = "TWITTER"
    INSTAGRAM = "INSTAGRAM"
    LINKEDIN = "LINKEDIN"
    FACEBOOK = "FACEBOOK"

    @property
    def label(self) -> str:
        return PLATFORM_LABELS[self]


PLATFORM_LABELS = {
    Platform.TWITTER: "X",
    Platform.INSTAGRAM: "Instagram",
    Platform.LINKEDIN: "LinkedIn",
    Platform.FACEBOOK: "Facebook",
}
