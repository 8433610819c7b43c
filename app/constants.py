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

# The LinkedIn-Version Herald was last checked against (learn.microsoft.com, Posts API and
# statistics pages, 2026-01 view): the default of the "linkedin.api_version" setting and the
# version Herald steps to when LinkedIn refuses a configured one as "not active".
LINKEDIN_VERSION = "202601"
