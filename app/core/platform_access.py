"""What a connected account may read, from the scopes the platform actually granted.

The token answer's `scope` field is stored with the account (settings["scopes"]; scopes are
not secret). An account connected before Herald stored them has no list: Herald then tries
and learns from the platform's 403. One place says, in words for a person, why Analytics has
no numbers for an account, so Accounts and Analytics tell the same story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from app.core.db import Database
from app.core.models import Account, AccountStatus
from app.platforms.names import Platform

SCOPES_KEY = "scopes"

# LinkedIn permissions (learn.microsoft.com, Posts API / Network Update Social Actions /
# Organization Access Control pages, 2026-03 views).
LI_MEMBER_WRITE = "w_member_social"
LI_MEMBER_READ = "r_member_social"  # restricted: granted to few apps
LI_ORG_ADMIN = "rw_organization_admin"  # list the pages a member administers
LI_ORG_WRITE = "w_organization_social"  # post as a page
LI_ORG_READ = "r_organization_social"  # read a page's posts and statistics
LINKEDIN_PAGE_SCOPES: tuple[str, ...] = (LI_ORG_ADMIN, LI_ORG_WRITE, LI_ORG_READ)

LINKEDIN_PROFILE_STATS_REASON = (
    "LinkedIn does not let this app read profile statistics: reading a member's posts, likes "
    "and comments needs LinkedIn's restricted r_member_social permission, which it did not "
    "grant. Posting works; Analytics shows no numbers for this account."
)
LINKEDIN_PAGE_STATS_REASON = (
    "LinkedIn did not grant this app r_organization_social, so Herald cannot read this "
    "page's post statistics. Reconnect with \u201cpost as a company page\u201d after adding "
    "the Community Management API product to your LinkedIn developer app."
)
LINKEDIN_PAGES_NOT_GRANTED = (
    "LinkedIn did not grant the company-page permissions (rw_organization_admin, "
    "w_organization_social). Your LinkedIn developer app needs the Community Management API "
    "product for Herald to post as a company page; add it in LinkedIn's developer portal, or "
    "connect your profile without \u201cpost as a company page\u201d."
)


def parse_scopes(value: object) -> frozenset[str] | None:
    """A token answer's `scope` ("a,b" or "a b") or a stored list; None when absent."""
    if isinstance(value, str):
        return frozenset(s for s in re.split(r"[\s,]+", value) if s)
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(str(s) for s in value if s)
    return None


def granted_scopes(settings: Mapping[str, Any]) -> frozenset[str] | None:
    """The scopes stored with an account; None when Herald never learned them."""
    return parse_scopes(settings.get(SCOPES_KEY))


def scopes_setting(scopes: Iterable[str]) -> list[str]:
    return sorted(set(scopes))


def is_linkedin_page(external_id: str) -> bool:
    return external_id.startswith("urn:li:organization:")


def linkedin_read_scope(external_id: str) -> tuple[str, ...]:
    """Any of these lets Herald read the author's posts and their statistics."""
    if is_linkedin_page(external_id):
        return (LI_ORG_READ, LI_ORG_ADMIN)
    return (LI_MEMBER_READ,)


def linkedin_can_read(external_id: str, settings: Mapping[str, Any]) -> bool:
    """False only when the stored scopes show LinkedIn did not grant reading."""
    granted = granted_scopes(settings)
    if granted is None:
        return True  # not known: try, and learn from a 403
    return any(s in granted for s in linkedin_read_scope(external_id))


def linkedin_read_reason(external_id: str) -> str:
    if is_linkedin_page(external_id):
        return LINKEDIN_PAGE_STATS_REASON
    return LINKEDIN_PROFILE_STATS_REASON


def analytics_unavailable_reason(
    platform: Platform | str, external_id: str, settings: Mapping[str, Any]
) -> str | None:
    """Why Analytics can show no numbers for this account, or None when it can."""
    if Platform(platform) != Platform.LINKEDIN:
        return None
    if linkedin_can_read(external_id, settings):
        return None
    return linkedin_read_reason(external_id)


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
