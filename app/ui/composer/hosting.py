"""Some networks (Instagram) download every picture from a public address, so a real account
of theirs needs a media hosting chosen in Accounts before a post for it can go out (issue 21
point 5); the descriptor says which networks (`media.needs_hosting`). Emulator accounts (demo,
testers' kit) are served from this computer and need none."""

from __future__ import annotations

from typing import Any

from app import platforms

API_BASE = "api_base"  # the emulator's address in an account's settings (app/adapters/source.py)
HOSTING_KINDS = ("facebook_page_photo", "s3", "loopback")


def needs_media_hosting(account: Any) -> bool:
    if not platforms.get(str(account.platform)).media.needs_hosting:
        return False
    settings = account.settings or {}
    if settings.get(API_BASE):
        return False
    value = settings.get("media_hosting")
    return not (isinstance(value, dict) and value.get("kind") in HOSTING_KINDS)
