"""What a LinkedIn account may read, from the scopes LinkedIn granted: the permissions, the
checks and, in words for a person, why Analytics has no numbers for an account. Plain data
and pure functions (the descriptor points at `analytics_unavailable`), so core reads it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.platforms.scopes import SCOPES_KEY, granted_scopes, parse_scopes, scopes_setting

__all__ = [
    "LINKEDIN_PAGES_NOT_GRANTED",
    "LINKEDIN_PAGE_SCOPES",
    "LINKEDIN_PAGE_STATS_REASON",
    "LINKEDIN_PROFILE_STATS_REASON",
    "LI_MEMBER_READ",
    "LI_MEMBER_WRITE",
    "LI_ORG_ADMIN",
    "LI_ORG_READ",
    "LI_ORG_WRITE",
    "SCOPES_KEY",
    "analytics_unavailable",
    "granted_scopes",
    "is_linkedin_page",
    "linkedin_can_read",
    "linkedin_read_reason",
    "linkedin_read_scope",
    "parse_scopes",
    "scopes_setting",
]

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


def analytics_unavailable(external_id: str, settings: Mapping[str, Any]) -> str | None:
    """Why Analytics can show no numbers for this LinkedIn account, or None when it can."""
    if linkedin_can_read(external_id, settings):
        return None
    return linkedin_read_reason(external_id)
