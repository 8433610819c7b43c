"""A post's status is derived from its targets, never stored independently of them."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.models import PostStatus, TargetStatus

# Statuses that mean "this target needs a person" (shown as Needs attention in the calendar).
ATTENTION = frozenset({TargetStatus.NEEDS_CONFIRMATION, TargetStatus.MISSED})


def derive_post_status(statuses: Iterable[TargetStatus], *, is_draft: bool = False) -> PostStatus:
    """PUBLISHED when all succeeded, FAILED when any gave up, PUBLISHING while any is in
    flight (or some are done and others still queued), SCHEDULED while all wait."""
    items = [TargetStatus(s) for s in statuses]
    if is_draft or not items or all(s == TargetStatus.DRAFT for s in items):
        return PostStatus.DRAFT
    if any(s == TargetStatus.FAILED for s in items):
        return PostStatus.FAILED
    if all(s == TargetStatus.PUBLISHED for s in items):
        return PostStatus.PUBLISHED
    if any(s == TargetStatus.IN_FLIGHT for s in items) or any(
        s == TargetStatus.PUBLISHED for s in items
    ):
        return PostStatus.PUBLISHING
    return PostStatus.SCHEDULED


def needs_attention(statuses: Iterable[TargetStatus]) -> bool:
    return any(TargetStatus(s) in ATTENTION for s in statuses)
