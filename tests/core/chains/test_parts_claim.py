"""Claiming chain parts (issue 19), on SQLite and PostgreSQL: a part is claimable only once
its parent is out with the platform's id, in chain order, the first comment after the whole
chain; concurrent claimers never take the same part."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.core import chains
from app.core.accounts import AccountService
from app.core.chain_models import TargetPart
from app.core.db import open_database
from app.core.engine import parts
from app.core.engine.ratelimits import BudgetDefault
from app.core.models import Target, TargetStatus
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect

LEASE = timedelta(seconds=60)


def _chain(db, clock, n_posts: int = 1) -> list[int]:
    ws = WorkspaceService(db, clock).create("Chains", "UTC").id
    accounts = AccountService(db, Vault(db, environ={}), clock)
    x = connect(accounts, ws, Platform.TWITTER, clock)
    posts = []
    for i in range(n_posts):
        post_id, _ = add_post(db, ws, [x], clock.now(), f"part one of {i}")
        chains.set_chain(
            db, post_id, [f"one {i}", f"two {i}", f"three {i}"], f"comment {i}", clock.now()
        )
        posts.append(post_id)
    return posts


def _publish_target(db, post_id: int) -> None:
    with db.write_session() as s:
        s.execute(
            update(Target)
            .where(Target.post_id == post_id)
            .values(status=TargetStatus.PUBLISHED, external_id=f"t{post_id}")
        )
        s.commit()


def _positions(db, ids: list[int]) -> list[tuple[str, int]]:
    with db.session() as s:
        rows = s.execute(select(TargetPart.kind, TargetPart.position).where(TargetPart.id.in_(ids)))
        return sorted((k, p) for k, p in rows)


def _in_order(db, clock) -> None:
    (post_id,) = _chain(db, clock)
    now = clock.now()
    assert parts.claim_due(db, "w", now, 10, LEASE) == []  # part 1 is not out yet
    _publish_target(db, post_id)
    first = parts.claim_due(db, "w", now, 10, LEASE)
    assert _positions(db, first) == [("part", 2)]  # not part 3, not the comment
    assert parts.claim_due(db, "w", now, 10, LEASE) == []
    assert parts.mark_published(db, first[0], "p2", None, now)
    second = parts.claim_due(db, "w", now, 10, LEASE)
    assert _positions(db, second) == [("part", 3)]
    assert parts.mark_published(db, second[0], "p3", None, now)
    last = parts.claim_due(db, "w", now, 10, LEASE)
    assert _positions(db, last) == [("comment", 0)]


def test_parts_are_claimed_in_order_sqlite(db, clock):
    _in_order(db, clock)


@pytest.mark.postgres
def test_parts_are_claimed_in_order_postgres(pg_url, clock):
    db = open_database(pg_url)
    try:
        _in_order(db, clock)
    finally:
        db.dispose()


def _race(url: str, db, clock) -> None:
    posts = _chain(db, clock, 40)
    for post_id in posts:
        _publish_target(db, post_id)
    results: dict[int, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker(n: int) -> None:
        mine_db = open_database(url, migrate=False)
        mine: list[int] = []
        try:
            start.wait()
            while got := parts.claim_due(mine_db, f"w{n}", clock.now(), 3, LEASE):
                mine.extend(got)
        except BaseException as exc:
            errors.append(exc)
        finally:
            results[n] = mine
            mine_db.dispose()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    claimed = [i for ids in results.values() for i in ids]
    assert len(claimed) == len(set(claimed)) == len(posts)  # each post's part 2, once
    assert {p for _, p in _positions(db, claimed)} == {2}


def test_part_claims_are_exclusive_sqlite(db, db_url, clock):
    _race(db_url, db, clock)


@pytest.mark.postgres
def test_part_claims_are_exclusive_postgres(pg_url, clock):
    db = open_database(pg_url)
    try:
        _race(pg_url, db, clock)
    finally:
        db.dispose()


def test_parts_spend_the_accounts_publish_budget(db, clock):
    posts = _chain(db, clock, 3)
    for post_id in posts:
        _publish_target(db, post_id)
    now = clock.now()
    budgets = {Platform.TWITTER: BudgetDefault(limit=2, window_s=900)}
    got = parts.claim_due(db, "w", now, 10, LEASE, budgets)
    assert len(got) == 2  # the third part 2 waits for the window's reset
    with db.session() as s:
        waiting = s.scalars(
            select(TargetPart.next_attempt_at).where(
                TargetPart.status == TargetStatus.QUEUED,
                TargetPart.position == 2,
            )
        ).all()
    assert waiting == [now + timedelta(seconds=900)]
    assert parts.claim_due(db, "w", now, 10, LEASE, budgets) == []  # nothing left to spend
    for i, part_id in enumerate(got):
        parts.mark_published(db, part_id, f"p{i}", None, now)
    # the budget's reset wakes the engine for the waiting part (not a busy loop before it)
    assert parts.next_wakeup(db, now) == now + timedelta(seconds=900)
