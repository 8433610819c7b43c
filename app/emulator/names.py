"""The emulator's own names for the networks it serves.

Deliberately not Herald's registry (app.platforms): the emulator shares no code with what it
tests, so a mistake there cannot hide itself here. The values are the ones Herald's wire
format and the control API use ("TWITTER", ...); the keys of NETWORK_OF are the emulator's
path prefixes and state keys."""

from __future__ import annotations

import enum


class Network(enum.StrEnum):
    TWITTER = "TWITTER"
    INSTAGRAM = "INSTAGRAM"
    LINKEDIN = "LINKEDIN"
    FACEBOOK = "FACEBOOK"
    BLUESKY = "BLUESKY"
    MASTODON = "MASTODON"
    THREADS = "THREADS"


NETWORK_OF = {
    "twitter": Network.TWITTER,
    "instagram": Network.INSTAGRAM,
    "linkedin": Network.LINKEDIN,
    "facebook": Network.FACEBOOK,
    "bluesky": Network.BLUESKY,
    "mastodon": Network.MASTODON,
    "threads": Network.THREADS,
}
