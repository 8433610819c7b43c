from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.accounts import AccountService
from app.core.db import open_database
from app.core.engine import claim, ratelimits
from app.core.models import (
    AccountStatus,
    Post,
    PostStatus,
    RateLimitBudget,
    Setting,
    Target,
    TargetStatus,
)
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect, post_status, target

LEASE = timedelta(seconds=60)
NO_LIMITS = {}  # no budgets: claim exclusivity is what these tests look at


def _setup(db, clock, n_posts: int) -> list[int]:
    ws = WorkspaceService(db, clock).create("Claims", "UTC").id
    accounts = AccountService(db, Vault(db, environ={}), clock)
    ids = [connect(accounts, ws, p, clock) for p in Platform]
    out: list[int] = []
    with db.session() as s:
        now = clock.now()
        for i in range(n_posts):
            post = Post(
                workspace_id=ws,
                base_text=f"post {i}",
                scheduled_at=now,
                scheduled_tz="UTC",
                status=PostStatus.SCHEDULED,
                created_at=now,
                updated_at=now,
            )
            for a in ids:
                post.targets.append(
                    Target(
                        account_id=a,
                        status=TargetStatus.QUEUED,
                        next_attempt_at=now - timedelta(seconds=i % 7),
                        updated_at=now,
                    )
                )
            s.add(post)
        s.commit()
        out = list(s.scalars(select(Target.id)))
    return out


def _race(db_url: str, clock, all_ids: list[int], threads: int = 8) -> None:
    """Several claimers, each with its own engine (like separate processes), claim until
    nothing is left; every target must be claimed exactly once."""
    results: dict[int, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def worker(n: int) -> None:
        db = open_database(db_url, migrate=False)
        mine: list[int] = []
        try:
            start.wait()
            while True:
                got = claim.claim_due(db, f"w{n}", clock.now(), 7, LEASE, NO_LIMITS)
                if not got:
                    break
                mine.extend(got)
                time.sleep(0.002)  # "publishing": lets the others at the lock
        except BaseException as exc:
            errors.append(exc)
        finally:
            results[n] = mine
            db.dispose()

    ts = [threading.Thread(target=worker, args=(n,), name=f"claimer-{n}") for n in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert not errors, errors
    claimed = [i for ids in results.values() for i in ids]
    assert len(claimed) == len(set(claimed)), "a target was claimed twice"
    assert sorted(claimed) == sorted(all_ids)
    assert sum(1 for ids in results.values() if ids) > 1, "only one claimer got work"


def test_claim_is_exclusive_across_threads_sqlite(db, db_url, clock):
    ids = _setup(db, clock, 150)
    _race(db_url, clock, ids)
    with db.session() as s:
        statuses = set(s.scalars(select(Target.status)))
    assert statuses == {TargetStatus.IN_FLIGHT}


@pytest.mark.postgres
def test_claim_is_exclusive_across_threads_postgres(pg_url, clock):
    db = open_database(pg_url)
    try:
        ids = _setup(db, clock, 150)
        _race(pg_url, clock, ids)
    finally:
        db.dispose()


def test_claim_takes_only_due_work_of_active_accounts(db, clock, ws, accounts):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    b = connect(accounts, ws, Platform.LINKEDIN, clock)
    now = clock.now()
    due_post, (due_a, due_b) = add_post(db, ws, [a, b], now)
    _, (later,) = add_post(db, ws, [a], now + timedelta(minutes=1))
    deleted_post, (deleted,) = add_post(db, ws, [a], now)
    with db.session() as s:
        s.get(Post, deleted_post).deleted_at = now
        s.commit()
    accounts.set_status(b, AccountStatus.REQUIRES_REAUTH, "revoked")

    got = claim.claim_due(db, "me", now, 10, LEASE, NO_LIMITS)

    assert got == [due_a]
    t = target(db, due_a)
    assert (t.status, t.lease_owner, t.lease_until) == (TargetStatus.IN_FLIGHT, "me", now + LEASE)
    assert target(db, due_b).status == TargetStatus.QUEUED
    assert target(db, later).status == TargetStatus.QUEUED
    assert target(db, deleted).status == TargetStatus.QUEUED
    assert post_status(db, due_post) == PostStatus.PUBLISHING


def test_claim_orders_by_due_time_and_respects_limit(db, clock, ws, accounts):
    a = connect(accounts, ws, Platform.FACEBOOK, clock)
    now = clock.now()
    _, (newer,) = add_post(db, ws, [a], now - timedelta(minutes=1))
    _, (older,) = add_post(db, ws, [a], now - timedelta(minutes=2))
    assert claim.claim_due(db, "me", now, 1, LEASE, NO_LIMITS) == [older]
    assert claim.claim_due(db, "me", now, 1, LEASE, NO_LIMITS) == [newer]
    assert claim.claim_due(db, "me", now, 1, LEASE, NO_LIMITS) == []


def test_budget_is_reserved_in_the_claim_and_the_rest_waits_for_the_reset(db, clock, ws, accounts):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    now = clock.now()
    targets = [add_post(db, ws, [a], now, f"p{i}")[1][0] for i in range(3)]
    budgets = {Platform.TWITTER: ratelimits.BudgetDefault(2, 900)}

    got = claim.claim_due(db, "me", now, 10, LEASE, budgets)

    assert got == targets[:2]
    waiting = target(db, targets[2])
    assert waiting.status == TargetStatus.QUEUED
    assert waiting.next_attempt_at == now + timedelta(seconds=900)
    assert waiting.attempts == 0 and waiting.lease_owner is None
    with db.session() as s:
        row = s.get(RateLimitBudget, (a, "publish"))
        assert (row.limit, row.remaining) == (2, 0)
    # Exhausted: nothing more is claimed for this account until the reset...
    _, (extra,) = add_post(db, ws, [a], now)
    assert claim.claim_due(db, "me", now + timedelta(minutes=1), 10, LEASE, budgets) == []
    assert claim.next_wakeup(db, now) == now + LEASE  # the two in flight
    with db.session() as s:
        for tid in got:
            s.get(Target, tid).status = TargetStatus.PUBLISHED
        s.commit()
    assert claim.next_wakeup(db, now) == now + timedelta(seconds=900)  # not the due time
    # ...then a new window opens.
    after = now + timedelta(seconds=901)
    assert sorted(claim.claim_due(db, "me", after, 10, LEASE, budgets)) == sorted(
        [targets[2], extra]
    )


def test_documented_defaults_and_the_setting_override(db):
    with db.session() as s:
        defaults = ratelimits.load_defaults(s)
        assert defaults[Platform.TWITTER] == ratelimits.BudgetDefault(300, 900)
        assert defaults[Platform.LINKEDIN].limit == 100 and defaults[Platform.LINKEDIN].utc_day
        assert defaults[Platform.INSTAGRAM].window_s == 24 * 3600
        s.add(
            Setting(
                key=ratelimits.SETTING_KEY,
                value={"twitter": {"limit": 5}, "INSTAGRAM": None, "bogus": {"limit": 1}},
            )
        )
        s.commit()
        changed = ratelimits.load_defaults(s)
    assert changed[Platform.TWITTER] == ratelimits.BudgetDefault(5, 900)
    assert Platform.INSTAGRAM not in changed


def test_linkedin_day_resets_at_midnight_utc(clock):
    day = ratelimits.DEFAULT_BUDGETS[Platform.LINKEDIN]
    reset = day.reset_after(clock.now())
    assert (reset.hour, reset.minute) == (0, 0) and reset > clock.now()


def test_expired_leases_are_taken_over_and_live_ones_are_not(db, clock, ws, accounts):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    now = clock.now()
    _, (t1,) = add_post(db, ws, [a], now)
    _, (t2,) = add_post(db, ws, [a], now)
    assert claim.claim_due(db, "dead", now, 1, LEASE, NO_LIMITS) == [t1]
    clock.advance(30)
    assert claim.claim_due(db, "alive", clock.now(), 1, LEASE, NO_LIMITS) == [t2]
    clock.advance(31)  # t1's lease is over, t2's is not
    assert claim.claim_expired(db, "rescuer", clock.now(), 10, LEASE) == [t1]
    assert target(db, t1).lease_owner == "rescuer"
    assert target(db, t1).status == TargetStatus.IN_FLIGHT
    assert target(db, t2).lease_owner == "alive"
    assert claim.renew_leases(db, "alive", [t2], clock.now() + LEASE) == 1
    assert claim.renew_leases(db, "someone-else", [t1], clock.now() + LEASE) == 0


def test_busy_counts_and_next_wakeup(db, clock, ws, accounts):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    now = clock.now()
    assert claim.busy_counts(db, now) == (0, 0)
    assert claim.next_wakeup(db, now) is None
    add_post(db, ws, [a], now + timedelta(minutes=3))
    assert claim.next_wakeup(db, now) == now + timedelta(minutes=3)
    assert claim.busy_counts(db, now) == (0, 0)
    _, (t,) = add_post(db, ws, [a], now)
    assert claim.busy_counts(db, now) == (1, 0)
    claim.claim_due(db, "me", now, 5, LEASE, NO_LIMITS)
    assert claim.busy_counts(db, now) == (0, 1)
    assert claim.next_wakeup(db, now) == now + LEASE  # the lease's expiry
