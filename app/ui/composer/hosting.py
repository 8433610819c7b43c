"""Instagram downloads every picture from a public address, so a real Instagram account needs a
media hosting chosen in Accounts before a post for it can go out (issue 21 point 5). Emulator
accounts (demo, testers' kit) are served from this computer and need none."""

from __future__ import annotations

from app.platforms.names import Platform

API_BASE = "api_base"  # the emulator's address in an account's settings (app/adapters/source.py)
HOSTING_KINDS = ("facebook_page_photo", "s3", "loopback")


def needs_media_hosting(account) -> bool:
    if Platform(account.platform) != Platform.INSTAGRAM:
        return False
    settings = account.settings or {}
    if settings.get(API_BASE):
        return False
    value = settings.get("media_hosting")
    return not (isinstance(value, dict) and value.get("kind") in HOSTING_KINDS)
