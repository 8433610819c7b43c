"""Issue 24: the success write-back (store.mark_published_many) in a fixed number of
statements whatever the batch's size, on SQLite and PostgreSQL; and each success recorded
once: PUBLISHED, four checkpoints, one audit entry, the post's status derived, however often
it is written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from app.core import chains
from app.core.accounts import AccountService
from app.core.db import Database
from app.core.engine import claim, ratelimits, store
from app.core.engine.txn import refresh_post_status, write_session
from app.core.models import AuditEntry, MetricTask, Post, PostStatus, Target, TargetStatus
from app.core.ports import RateLimitInfo
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect
from tests.integration.pg import SQLITE_AND_POSTGRES, sqlite_or_postgres

NETWORKS = (Platform.TWITTER, Platform.LINKEDIN, Platform.FACEBOOK)
BUDGETS = {Platform.TWITTER: ratelimits.BudgetDefault(1000, 900)}


@pytest.fixture(params=SQLITE_AND_POSTGRES)
def any_db(request, tmp_path) -> Iterator[Database]:
    yield from sqlite_or_postgres(request.param, f"sqlite:///{tmp_path / 'wb.db'}")


def _claimed(db: Database, clock: Any, per_account: int, targets_per_post: int = 1) -> list[int]:
    ws = WorkspaceService(db, clock).create("Write-back", "UTC").id
    service = AccountService(db, Vault(db, environ={}), clock)
    accounts = [connect(service, ws, p, clock, external_id=f"{p}-wb") for p in NETWORKS]
    due = clock.now() - timedelta(seconds=1)
    for i in range(per_account):
        if targets_per_post == 1:
            for account in accounts:
                add_post(db, ws, [account], due, f"one {i}")
        else:
            add_post(db, ws, accounts[:targets_per_post], due, f"many {i}")
    return claim.claim_due(db, "wb", clock.now(), 1000, timedelta(minutes=5), BUDGETS)


def _successes(ids: list[int], clock: Any) -> list[store.Success]:
    info = RateLimitInfo(limit=1000, remaining=900, reset_at=clock.now() + timedelta(minutes=15))
    return [store.Success(t, f"ext-{t}", f"https://x/{t}", clock.now(), info) for t in ids]


def _statements(db: Database, successes: list[store.Success]) -> int:
    seen: list[str] = []

    def count(_c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert all(store.mark_published_many(db, successes, BUDGETS))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_write_back_takes_as_many_statements_for_one_success_as_for_many(any_db, clock):
    ids = _claimed(any_db, clock, per_account=6)
    # the first success of an account creates its budget row from the headers
    _statements(any_db, _successes(ids[:3], clock))
    one_each = _statements(any_db, _successes(ids[3:6], clock))  # one on each network
    four_each = _statements(any_db, _successes(ids[6:], clock))
    assert four_each == one_each


def test_each_success_is_recorded_once_however_often_it_is_written(any_db, clock):
    ids = _claimed(any_db, clock, per_account=2)
    wins = _successes(ids, clock)
    assert store.mark_published_many(any_db, wins, BUDGETS) == [True] * len(ids)
    # written again (a retried transaction, a reconciliation that found it): nothing new
    assert store.mark_published_many(any_db, wins, BUDGETS) == [False] * len(ids)
    assert not store.mark_published(any_db, ids[0], "other-id", None, clock.now())
    with any_db.session() as s:
        rows = s.execute(select(Target.id, Target.status, Target.external_id)).all()
        assert {(t, st, e) for t, st, e in rows} == {
            (t, TargetStatus.PUBLISHED, f"ext-{t}") for t in ids
        }
        tasks = s.execute(
            select(MetricTask.target_id, func.count()).group_by(MetricTask.target_id)
        ).all()
        assert dict(tasks) == dict.fromkeys(ids, 4)
        audit = s.execute(
            select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.action == "publish")
        ).all()
        assert len(audit) == len(ids)
        assert {d.split(" ")[0] for _a, d in audit} == {"X", "LinkedIn", "Facebook"}
        assert set(s.scalars(select(Post.status))) == {PostStatus.PUBLISHED}


def test_a_post_is_published_only_when_its_last_target_is(any_db, clock):
    ids = _claimed(any_db, clock, per_account=1, targets_per_post=3)
    assert len(ids) == 3
    store.mark_published_many(any_db, _successes(ids[:2], clock), BUDGETS)
    with any_db.session() as s:
        assert s.scalar(select(Post.status)) == PostStatus.PUBLISHING
    store.mark_published_many(any_db, _successes(ids[2:], clock), BUDGETS)
    with any_db.session() as s:
        assert s.scalar(select(Post.status)) == PostStatus.PUBLISHED


def _statuses(db: Database) -> dict[int, str]:
    with db.session() as s:
        return {i: st for i, st in s.execute(select(Post.id, Post.status))}


def test_the_posts_statuses_are_derived_as_refresh_post_status_derives_them(any_db, clock):
    """The write-back derives the posts' statuses itself (on PostgreSQL inside its one
    statement); deriving them again afterwards changes nothing: a failed target keeps its
    post FAILED, a chain still to go keeps it PUBLISHING."""
    ws = WorkspaceService(any_db, clock).create("Statuses", "UTC").id
    service = AccountService(any_db, Vault(any_db, environ={}), clock)
    accounts = [connect(service, ws, p, clock, external_id=f"{p}-st") for p in NETWORKS]
    due = clock.now() - timedelta(seconds=1)
    failed_post, (f1, f2, _f3) = add_post(any_db, ws, accounts, due, "one gave up")
    chained, (c1,) = add_post(any_db, ws, accounts[:1], due, "part one")
    chains.set_chain(any_db, chained, ["part one", "part two"], None, clock.now())
    both, (b1, b2) = add_post(any_db, ws, accounts[:2], due, "two to go")
    with any_db.write_session() as s:
        s.execute(update(Target).where(Target.id == f2).values(status=TargetStatus.FAILED))
        s.commit()
    claim.claim_due(any_db, "wb", clock.now(), 100, timedelta(minutes=5), BUDGETS)
    rounds = [[f1, c1, b1], [b2]]
    expected = [
        {
            failed_post: PostStatus.FAILED,
            chained: PostStatus.PUBLISHING,
            both: PostStatus.PUBLISHING,
        },
        {
            failed_post: PostStatus.FAILED,
            chained: PostStatus.PUBLISHING,
            both: PostStatus.PUBLISHED,
        },
    ]
    for ids, want in zip(rounds, expected, strict=True):
        store.mark_published_many(any_db, _successes(ids, clock), BUDGETS)
        written = _statuses(any_db)
        assert written == want
        with write_session(any_db) as s:
            refresh_post_status(s, list(written), clock.now())
        assert _statuses(any_db) == written
