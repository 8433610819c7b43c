"""Some networks (Instagram) download every picture from a public address, so a real account
of theirs needs a media hosting chosen in Accounts before a post for it can go out (issue 21
point 5); the descriptor says which networks (`media.needs_hosting`). Emulator accounts (demo,
testers' kit) are served from this computer and need none."""

from __future__ import annotations

from typing import Any

from app import platforms

API_BASE = "api_base"  # the emulator's address in an account's settings (app/adapters/source.py)
HOSTING_KINDS = ("facebook_page_photo", "s3", "loopback")


def needs_media_hosting(account: Any, has_media: bool = True) -> bool:
    """True when the account's network fetches media from a public address and none is chosen;
    for a network where media is optional (Threads), only when the post has media."""
    rules = platforms.get(str(account.platform)).media
    if not rules.needs_hosting or not (has_media or rules.required):
        return False
    settings = account.settings or {}
    if settings.get(API_BASE):
        return False
    value = settings.get("media_hosting")
    return not (isinstance(value, dict) and value.get("kind") in HOSTING_KINDS)
