"""What "engagement" means everywhere in Herald (one definition, used by SQL and Python)."""

from __future__ import annotations


def engagement(likes: int, shares: int, comments: int) -> int:
    """Likes + shares + comments."""
    return int(likes) + int(shares) + int(comments)


def engagement_rate(
    likes: int, shares: int, comments: int, impressions: int | None
) -> float | None:
    """Engagement / impressions, or None when there were none or the platform did not report
    them (no rate to speak of)."""
    if impressions is None or impressions <= 0:
        return None
    return engagement(likes, shares, comments) / impressions
