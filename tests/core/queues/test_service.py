from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.core.clock import FakeClock
from app.core.db import Database
from app.core.events import POSTS_CHANGED, EventHub
from app.core.models import Account, PostStatus, Target, TargetStatus
from app.core.posts import PostService
from app.core.queues import QueueError, QueueService, parse_slots
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.integration.pg import SQLITE_AND_POSTGRES, sqlite_or_postgres

FRIDAY_18 = datetime(2026, 1, 9, 18, 0, tzinfo=UTC)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 1, day, hour, tzinfo=UTC)


@pytest.fixture(params=SQLITE_AND_POSTGRES)
def db(request, db_url) -> Iterator[Database]:
    """Each test on SQLite and on PostgreSQL (a fresh schema)."""
    yield from sqlite_or_postgres(request.param, db_url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FRIDAY_18)


@pytest.fixture
def events() -> EventHub:
    return EventHub()


@pytest.fixture
def ws(db, clock) -> int:
    return WorkspaceService(db, clock).create("Bakery", "UTC").id


def add_account(db, clock, ws, platform=Platform.TWITTER, handle="@bakery") -> int:
    with db.session() as s:
        account = Account(
            workspace_id=ws,
            platform=platform,
            handle=handle,
            external_id=f"{platform}-{handle}",
            credentials_encrypted=None,
            settings={},
            created_at=clock.now(),
        )
        s.add(account)
        s.commit()
        return account.id


@pytest.fixture
def accounts(db, clock, ws) -> list[int]:
    return [add_account(db, clock, ws), add_account(db, clock, ws, Platform.LINKEDIN, "Bakery")]


@pytest.fixture
def posts(db, clock, events) -> PostService:
    return PostService(db, clock, events)


@pytest.fixture
def queues(db, clock, events, posts, accounts) -> QueueService:
    service = QueueService(db, clock, events, posts)
    service.set_slots(accounts, parse_slots("Mon–Fri 09:00, 17:00"))
    return service


def times(posts: PostService, ids: list[int]) -> list[datetime | None]:
    return [posts.get(i).scheduled_at for i in ids]


def fill(queues, ws, accounts, n=5) -> list[int]:
    return [queues.add(ws, f"post {i}", accounts).post_id for i in range(n)]


def test_slots_are_stored_per_account(queues, accounts):
    info = queues.queue(accounts[0])
    assert info.slots == tuple(parse_slots("Mon–Fri 09:00, 17:00"))
    assert not info.paused and info.pull_forward


def test_slots_can_be_saved_again_and_replaced(queues, accounts):
    queues.set_slots(accounts, parse_slots("Mon–Fri 09:00, 17:00; Sat 10:00"))
    queues.set_slots(accounts[:1], parse_slots("Sun 08:00"))
    assert queues.queue(accounts[0]).slots == tuple(parse_slots("Sun 08:00"))
    assert len(queues.queue(accounts[1]).slots) == 11


def test_add_to_queue_takes_the_next_free_slots(queues, posts, ws, accounts):
    ids = fill(queues, ws, accounts)
    assert times(posts, ids) == [at(12, 9), at(12, 17), at(13, 9), at(13, 17), at(14, 9)]
    detail = posts.get(ids[0])
    assert detail.status == PostStatus.SCHEDULED
    assert {t.next_attempt_at for t in detail.targets} == {at(12, 9)}


def test_a_slot_taken_by_a_scheduled_post_is_not_free(queues, posts, ws, accounts):
    posts.create(ws, "by hand", [accounts[1]], scheduled_local=at(12, 9), action="schedule")
    placed = queues.add(ws, "queued", accounts)
    assert placed.when == at(12, 17)
    only_x = queues.add(ws, "x only", [accounts[0]])
    assert only_x.when == at(12, 9)  # the hand-made post is LinkedIn's only


def test_share_next_goes_first_and_shifts_the_rest(queues, posts, ws, accounts):
    ids = fill(queues, ws, accounts, 3)
    first = queues.add(ws, "urgent", accounts, share_next=True)
    assert first.when == at(12, 9)
    assert times(posts, ids) == [at(12, 17), at(13, 9), at(13, 17)]


def test_deleting_a_queued_post_pulls_the_later_ones_forward(queues, posts, ws, accounts, events):
    ids = fill(queues, ws, accounts)
    seen = []
    events.subscribe(seen.append, POSTS_CHANGED)
    posts.delete(ids[1])
    assert times(posts, [ids[0], *ids[2:]]) == [at(12, 9), at(12, 17), at(13, 9), at(13, 17)]
    assert seen


def test_undoing_the_delete_puts_every_post_back(queues, posts, ws, accounts):
    ids = fill(queues, ws, accounts, 4)
    before = times(posts, ids)
    posts.delete(ids[1])
    posts.restore(ids[1])
    assert times(posts, ids) == before


def test_without_pull_forward_the_gap_stays(queues, posts, ws, accounts):
    ids = fill(queues, ws, accounts, 3)
    queues.set_pull_forward(accounts, False)
    posts.delete(ids[0])
    assert times(posts, ids[1:]) == [at(12, 17), at(13, 9)]
    queues.set_pull_forward(accounts, True)  # turning it on closes the gap
    assert times(posts, ids[1:]) == [at(12, 9), at(12, 17)]


def test_publish_now_pulls_the_queue_forward(queues, posts, ws, accounts):
    ids = fill(queues, ws, accounts, 3)
    posts.publish_now(ids[0])
    assert times(posts, ids[1:]) == [at(12, 9), at(12, 17)]


def test_a_post_moved_by_hand_leaves_the_queue(queues, posts, ws, accounts):
    ids = fill(queues, ws, accounts, 3)
    posts.reschedule(ids[2], at(20, 12))
    posts.delete(ids[0])
    assert times(posts, ids[1:]) == [at(12, 9), at(20, 12)]


def test_pause_holds_posts_in_order_and_resume_puts_them_back(queues, posts, ws, accounts, db):
    ids = fill(queues, ws, accounts, 3)
    assert queues.pause([accounts[0]]) == 3
    for i in ids:
        detail = posts.get(i)
        assert detail.status == PostStatus.DRAFT and detail.scheduled_at is None
    with db.session() as s:  # nothing a worker could claim
        waiting = s.scalars(select(Target).where(Target.status == TargetStatus.QUEUED)).all()
        assert waiting == []
    late = queues.add(ws, "while paused", accounts)
    assert late.held and late.when is None
    assert queues.resume([accounts[0]]) == 4
    assert times(posts, [*ids, late.post_id]) == [at(12, 9), at(12, 17), at(13, 9), at(13, 17)]


def test_accounts_without_common_slots_get_one_clear_message(queues, posts, ws, accounts):
    queues.set_slots([accounts[1]], parse_slots("Sat 10:00"))
    with pytest.raises(QueueError, match="share no queue slot"):
        queues.add(ws, "nowhere", accounts)
    assert posts.list_range(ws, at(1, 0), at(31, 0)) == []


def test_an_account_without_slots_is_named(db, clock, events, posts, ws, accounts):
    service = QueueService(db, clock, events, posts)
    with pytest.raises(QueueError, match="X.*has no queue slots"):
        service.add(ws, "nowhere", accounts[:1])


def test_queue_post_moves_a_draft_into_the_queue(queues, posts, ws, accounts):
    draft = posts.create(ws, "idea", accounts).id
    placed = queues.queue_post(draft)
    assert placed.when == at(12, 9)
    assert posts.get(draft).status == PostStatus.SCHEDULED


def test_best_time_slots_are_hours_of_the_week(queues, ws, accounts):
    best = queues.best_time_slots(ws, accounts, count=4)
    assert len(best) == 4 and all(s.minute % 60 == 0 for s in best)
    assert best == sorted(best)


def test_upcoming_lists_free_slots(queues, ws, accounts):
    fill(queues, ws, accounts, 1)
    assert queues.upcoming(accounts, 2) == [at(12, 17), at(13, 9)]
