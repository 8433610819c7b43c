"""An unapproved post never publishes: the claim skips it, and the worker's wake-up time
ignores it (it would otherwise wake every few milliseconds for a post it may not take)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.engine import claim
from app.core.models import ApprovalState, Post, TargetStatus
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect, target

LEASE = timedelta(seconds=60)


def _set(db, post_id: int, state: ApprovalState) -> None:
    with db.session() as s:
        s.get(Post, post_id).approval = state
        s.commit()


@pytest.mark.parametrize(
    "state",
    [ApprovalState.DRAFT, ApprovalState.IN_REVIEW, ApprovalState.CHANGES_REQUESTED],
)
def test_a_due_post_waiting_for_approval_is_never_claimed(db, clock, ws, accounts, state):
    account = connect(accounts, ws, Platform.TWITTER, clock)
    now = clock.now()
    waiting, (held,) = add_post(db, ws, [account], now - timedelta(minutes=5))
    approved, (sent,) = add_post(db, ws, [account], now)
    _set(db, waiting, state)
    _set(db, approved, ApprovalState.APPROVED)

    assert claim.claim_due(db, "me", now, 10, LEASE, {}) == [sent]
    assert target(db, held).status == TargetStatus.QUEUED
    assert claim.busy_counts(db, now) == (0, 1)
    assert claim.next_wakeup(db, now) == now + LEASE  # the lease, not the waiting post

    _set(db, waiting, ApprovalState.APPROVED)
    assert claim.claim_due(db, "me", now, 10, LEASE, {}) == [held]
