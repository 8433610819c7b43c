"""What a connected account may read, from the scopes the platform actually granted.

Each network's own rules (LinkedIn's: app/platforms/linkedin/access.py) are reached through
its descriptor (analytics.unavailable_reason); this module asks them for every account.

The token answer's `scope` field is stored with the account (settings["scopes"]; scopes are
not secret). An account connected before Herald stored them has no list: Herald then tries
and learns from the platform's 403. One place says, in words for a person, why Analytics has
no numbers for an account, so Accounts and Analytics tell the same story.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from app import platforms
from app.core.db import Database
from app.core.models import Account, AccountStatus
from app.platforms.names import Platform
from app.platforms.scopes import SCOPES_KEY, granted_scopes, parse_scopes, scopes_setting

__all__ = [
    "SCOPES_KEY",
    "analytics_notices",
    "analytics_unavailable_reason",
    "granted_scopes",
    "parse_scopes",
    "scopes_setting",
]


def analytics_unavailable_reason(
    platform: Platform | str, external_id: str, settings: Mapping[str, Any]
) -> str | None:
    """Why Analytics can show no numbers for this account, or None when it can (the
    network's descriptor knows: analytics.unavailable_reason)."""
    check = platforms.get(platform).analytics.unavailable_reason
    return check(external_id, settings) if check is not None else None


def analytics_notices(db: Database, workspace_id: int) -> list[str]:
    """One line per connected account of the workspace whose numbers the platform will not
    give Herald, for Analytics ("LinkedIn · Pat: LinkedIn does not let this app...")."""
    with db.session() as s:
        rows = s.execute(
            select(Account.platform, Account.handle, Account.external_id, Account.settings)
            .where(Account.workspace_id == workspace_id)
            .where(Account.status != AccountStatus.DISABLED)
            .order_by(Account.id)
        ).all()
    notices = []
    for platform, handle, external_id, settings in rows:
        reason = analytics_unavailable_reason(platform, external_id, settings or {})
        if reason:
            notices.append(f"{Platform(platform).label} \u00b7 {handle}: {reason}")
    return notices
