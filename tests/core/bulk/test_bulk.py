"""Bulk actions (issue 22): one transaction each, one revert each, conflicts reported."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.core.bulk import BulkService
from app.core.clock import FakeClock
from app.core.db import Database
from app.core.events import POSTS_CHANGED, EventHub
from app.core.models import Account, Post, PostStatus, Target, TargetStatus
from app.core.posts import PostService
from app.core.queues import QueueService, parse_slots
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.integration.pg import SQLITE_AND_POSTGRES, sqlite_or_postgres

WEEK = timedelta(days=7)


@pytest.fixture(params=SQLITE_AND_POSTGRES)
def db(request, db_url) -> Iterator[Database]:
    yield from sqlite_or_postgres(request.param, db_url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))  # a Monday


@pytest.fixture
def events() -> EventHub:
    return EventHub()


@pytest.fixture
def ws(db, clock) -> int:
    return WorkspaceService(db, clock).create("Bakery", "UTC").id


@pytest.fixture
def account(db, clock, ws) -> int:
    with db.session() as s:
        row = Account(
            workspace_id=ws,
            platform=Platform.TWITTER,
            handle="@bakery",
            external_id="x-1",
            credentials_encrypted=None,
            settings={},
            created_at=clock.now(),
        )
        s.add(row)
        s.commit()
        return row.id


@pytest.fixture
def posts(db, clock, events) -> PostService:
    return PostService(db, clock, events)


@pytest.fixture
def bulk(db, clock, events) -> BulkService:
    return BulkService(db, clock, events)


def schedule(posts, ws, account, n: int) -> list[int]:
    return [
        posts.create(
            ws, f"post {i}", [account], scheduled_local=datetime(2026, 1, 6 + i % 5, 10 + i),
            action="schedule",
        ).id
        for i in range(n)
    ]  # fmt: skip


def times(posts, ids) -> list[datetime | None]:
    return [posts.get(i).scheduled_at for i in ids]


def publish(db, post_id: int) -> None:
    with db.session() as s:
        s.execute(update(Post).where(Post.id == post_id).values(status=PostStatus.PUBLISHED))
        s.execute(
            update(Target)
            .where(Target.post_id == post_id)
            .values(status=TargetStatus.PUBLISHED, external_url="https://x.example/1")
        )
        s.commit()


def test_move_by_a_week_and_revert_all_in_one_step(posts, bulk, ws, account, events):
    ids = schedule(posts, ws, account, 12)
    before = times(posts, ids)
    seen: list[int] = []
    events.subscribe(lambda e: seen.append(e.data["workspace_id"]), POSTS_CHANGED)

    result = bulk.move(bulk.snapshot(ids), WEEK)

    assert [c.post_id for c in result.changed] == ids
    assert times(posts, ids) == [t + WEEK for t in before]
    assert seen == [ws]  # one transaction, one event
    for post_id in ids:  # the engine sends them at the new time
        assert {t.next_attempt_at for t in posts.get(post_id).targets} == {
            posts.get(post_id).scheduled_at
        }
    undo = bulk.revert(result)
    assert times(posts, ids) == before
    bulk.revert(undo)  # redo
    assert times(posts, ids) == [t + WEEK for t in before]


def test_published_posts_stay_and_are_said(posts, bulk, db, ws, account):
    ids = schedule(posts, ws, account, 4)
    publish(db, ids[0])
    before = times(posts, ids)
    result = bulk.move(bulk.snapshot(ids), timedelta(days=2))
    assert result.stayed == [(ids[0], "already published")]
    assert times(posts, ids) == [before[0]] + [t + timedelta(days=2) for t in before[1:]]


def test_a_post_changed_meanwhile_is_reported_not_overwritten(posts, bulk, ws, account):
    ids = schedule(posts, ws, account, 3)
    items = bulk.snapshot(ids)
    elsewhere = datetime(2026, 2, 2, 12, tzinfo=UTC)
    posts.reschedule(ids[1], elsewhere)  # another window moved it after it was selected

    result = bulk.move(items, WEEK)

    assert result.conflicts == [ids[1]]
    assert posts.get(ids[1]).scheduled_at == elsewhere
    assert {c.post_id for c in result.changed} == {ids[0], ids[2]}
    # and undo does not take back a post edited after the bulk move either
    posts.reschedule(ids[2], elsewhere + timedelta(hours=1))
    undo = bulk.revert(result)
    assert undo.conflicts == [ids[2]]
    assert posts.get(ids[2]).scheduled_at == elsewhere + timedelta(hours=1)


def test_delete_and_duplicate_revert_as_one(posts, bulk, ws, account, clock):
    ids = schedule(posts, ws, account, 5)
    result = bulk.delete(bulk.snapshot(ids))
    assert all(posts.get(i).deleted for i in ids)
    bulk.revert(result)
    assert not any(posts.get(i).deleted for i in ids)

    copies = bulk.duplicate(bulk.snapshot(ids[:3]))
    assert len(copies.created) == 3
    assert [posts.get(c).base_text for c in copies.created] == ["post 0", "post 1", "post 2"]
    assert {posts.get(c).status for c in copies.created} == {PostStatus.DRAFT}
    undo = bulk.revert(copies)
    assert all(posts.get(c).deleted for c in copies.created)
    bulk.revert(undo)
    assert not any(posts.get(c).deleted for c in copies.created)


def test_reschedule_into_the_queue_and_back(db, posts, bulk, ws, account, clock):
    QueueService(db, clock).set_slots([account], parse_slots("Mon–Fri 09:00, 17:00"))
    drafts = [posts.create(ws, f"idea {i}", [account]).id for i in range(3)]
    result = bulk.queue(bulk.snapshot(drafts))
    assert times(posts, drafts) == [
        datetime(2026, 1, 5, 17, tzinfo=UTC),
        datetime(2026, 1, 6, 9, tzinfo=UTC),
        datetime(2026, 1, 6, 17, tzinfo=UTC),
    ]
    assert {posts.get(i).status for i in drafts} == {PostStatus.SCHEDULED}
    bulk.revert(result)
    assert times(posts, drafts) == [None, None, None]
    assert {posts.get(i).status for i in drafts} == {PostStatus.DRAFT}


def test_nothing_changes_when_the_transaction_fails(posts, bulk, ws, account, monkeypatch):
    ids = schedule(posts, ws, account, 3)
    before = times(posts, ids)
    calls = {"n": 0}
    real = BulkService._set_time

    def fail_on_third(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        real(self, *args, **kwargs)

    monkeypatch.setattr(BulkService, "_set_time", fail_on_third)
    with pytest.raises(RuntimeError):
        bulk.move(bulk.snapshot(ids), WEEK)
    assert times(posts, ids) == before


def add_account(db, clock, ws, platform, handle) -> int:
    with db.session() as s:
        row = Account(
            workspace_id=ws, platform=platform, handle=handle, external_id=f"{platform}-{handle}",
            credentials_encrypted=None, settings={}, created_at=clock.now(),
        )  # fmt: skip
        s.add(row)
        s.commit()
        return row.id


def accounts_of(posts, post_id) -> set[int]:
    return {t.account_id for t in posts.get(post_id).targets}


def test_change_accounts_keeps_texts_for_undo_and_refuses_what_went_out(
    db, clock, posts, bulk, ws, account
):
    li = add_account(db, clock, ws, Platform.LINKEDIN, "Bakery Ltd")
    ids = schedule(posts, ws, account, 3)
    with_text = posts.create(
        ws, "base", [account], overrides={account: "for X only"},
        scheduled_local=datetime(2026, 1, 7, 12), action="schedule",
    ).id  # fmt: skip
    publish(db, ids[0])
    result = bulk.change_accounts(bulk.snapshot([*ids, with_text]), [li])

    assert result.stayed == [(ids[0], "already published")]
    for post_id in [*ids[1:], with_text]:
        post = posts.get(post_id)
        assert accounts_of(posts, post_id) == {li}
        assert {t.next_attempt_at for t in post.targets} == {post.scheduled_at}  # will go out
    assert accounts_of(posts, ids[0]) == {account}

    undo = bulk.revert(result)
    assert undo.conflicts == [] and len(undo.changed) == 3
    for post_id in [*ids[1:], with_text]:
        assert accounts_of(posts, post_id) == {account}
    assert posts.get(with_text).text_for(account) == "for X only"
    bulk.revert(undo)
    assert accounts_of(posts, with_text) == {li}


def test_change_accounts_to_a_network_whose_rules_it_breaks_stays(
    db, clock, posts, bulk, ws, account
):
    li = add_account(db, clock, ws, Platform.LINKEDIN, "Bakery Ltd")
    long = posts.create(
        ws, "word " * 70, [li], scheduled_local=datetime(2026, 1, 7, 12), action="schedule"
    ).id
    version = bulk.snapshot([long])[0].version
    result = bulk.change_accounts(bulk.snapshot([long]), [account])  # X: 280 characters
    assert result.changed == []
    [(post_id, why)] = result.stayed
    assert post_id == long and "X (@bakery)" in why
    assert accounts_of(posts, long) == {li}  # nothing changed, not even the version
    assert bulk.snapshot([long])[0].version == version
    other = bulk.change_accounts(bulk.snapshot([long]), [])
    assert other.stayed == [(long, "Choose at least one account to publish to.")]
