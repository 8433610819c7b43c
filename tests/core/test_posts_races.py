"""Issue 16 point 2: a person's change to a post and a worker's claim never interleave.

The check ("is a target in flight?") and the write are one atomic step: on SQLite the write
session's BEGIN IMMEDIATE, on PostgreSQL row locks, where a target another transaction holds
(a claim taking it) counts as in flight. Every change to what or when a post sends moves
posts.content_version on, which the worker's pre-send check compares."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.core.db import open_database
from app.core.models import Post, Target, TargetStatus
from app.core.posts import PostError, PostService, SchedulingError
from app.core.workspaces import WorkspaceService
from tests.core.test_posts import add_account, set_target
from tests.integration.pg import pg_schema_url

BUSY = "being published right now|is going out"


def _version(db, post_id: int) -> int:
    with db.session() as s:
        return s.scalar(select(Post.content_version).where(Post.id == post_id))


def _changes(service: PostService, post_id: int, account: int) -> dict[str, Callable[[], object]]:
    later = service.clock.now() + timedelta(hours=2)
    return {
        "delete": lambda: service.delete(post_id),
        "edit": lambda: service.update(post_id, "new text", [account], action="now"),
        "reschedule": lambda: service.reschedule(post_id, later),
        "publish_now": lambda: service.publish_now(post_id),
    }


def _state(db, post_id: int) -> tuple:
    with db.session() as s:
        post = s.get(Post, post_id)
        assert post is not None
        targets = [(t.status, t.next_attempt_at, t.lease_owner) for t in post.targets]
        return (post.base_text, post.scheduled_at, post.deleted_at, post.updated_at, targets)


def test_every_change_to_what_or_when_moves_the_version_on(db, clock):
    ws = WorkspaceService(db, clock).create("Bakery", "UTC").id
    x = add_account(db, clock, ws)
    service = PostService(db, clock)
    post = service.create(ws, "v1", [x], action="now")
    assert _version(db, post.id) == 0

    service.update(post.id, "v2", [x], action="now")
    assert _version(db, post.id) == 1
    service.reschedule(post.id, clock.now() + timedelta(hours=1))
    assert _version(db, post.id) == 2
    service.publish_now(post.id)
    assert _version(db, post.id) == 3
    with pytest.raises(SchedulingError):  # refused: nothing changes, the version neither
        service.update(post.id, "x" * 400, [x], action="now")
    assert _version(db, post.id) == 3
    service.delete(post.id)
    assert _version(db, post.id) == 3 and service.get(post.id).deleted


@pytest.mark.parametrize("change", ["delete", "edit", "reschedule", "publish_now"])
def test_a_change_is_refused_while_a_target_is_in_flight(db, clock, change):
    ws = WorkspaceService(db, clock).create("Bakery", "UTC").id
    x = add_account(db, clock, ws)
    service = PostService(db, clock)
    post = service.create(ws, "v1", [x], action="now")
    set_target(db, post.id, TargetStatus.IN_FLIGHT, lease_owner="worker")
    before = _state(db, post.id)

    with pytest.raises(PostError, match=BUSY):
        _changes(service, post.id, x)[change]()

    assert _state(db, post.id) == before


@pytest.fixture
def pg_url():
    yield from pg_schema_url()


@pytest.mark.postgres
@pytest.mark.parametrize("change", ["delete", "edit", "reschedule", "publish_now"])
def test_a_change_is_refused_while_a_claim_holds_a_target_postgres(pg_url, clock, change):
    """A claim locks its targets (FOR UPDATE SKIP LOCKED) before it commits them IN_FLIGHT.
    A change that read the target as QUEUED meanwhile and then wrote would let the claimed
    worker send a deleted post or the old text: it is refused at once instead (no waiting,
    which could deadlock with the claim waiting for the post's lock)."""
    # A blocked statement fails after 5 s instead of hanging the test.
    db = open_database(pg_url + "%20-clock_timeout%3D5000")
    try:
        ws = WorkspaceService(db, clock).create("Bakery", "UTC").id
        x = add_account(db, clock, ws)
        service = PostService(db, clock)
        soon = clock.now() + timedelta(hours=1)
        post = service.create(ws, "v1", [x], scheduled_local=soon, action="schedule")
        before = _state(db, post.id)
        with db.engine.connect() as claimer:
            tx = claimer.begin()
            claimer.execute(
                text("SELECT id FROM targets WHERE post_id = :p FOR UPDATE SKIP LOCKED"),
                {"p": post.id},
            )
            started = time.monotonic()
            with pytest.raises(PostError, match=BUSY):
                _changes(service, post.id, x)[change]()
            assert time.monotonic() - started < 2.0
            tx.rollback()
        assert _state(db, post.id) == before
        # With the claim gone the same change goes through.
        _changes(service, post.id, x)[change]()
        assert _state(db, post.id) != before
    finally:
        db.dispose()


@pytest.mark.postgres
def test_claimed_targets_are_not_overwritten_by_a_change_postgres(pg_url, clock):
    """Once the claim committed, the change sees IN_FLIGHT and leaves the target alone."""
    db = open_database(pg_url)
    try:
        ws = WorkspaceService(db, clock).create("Bakery", "UTC").id
        x = add_account(db, clock, ws)
        service = PostService(db, clock)
        post = service.create(ws, "v1", [x], action="now")
        with db.session() as s:
            s.execute(
                text(
                    "UPDATE targets SET status = 'IN_FLIGHT', lease_owner = 'w' WHERE post_id = :p"
                ),
                {"p": post.id},
            )
            s.commit()
        for change in _changes(service, post.id, x).values():
            with pytest.raises(PostError, match=BUSY):
                change()
        with db.session() as s:
            row = s.scalars(select(Target).where(Target.post_id == post.id)).one()
            assert (row.status, row.lease_owner) == (TargetStatus.IN_FLIGHT, "w")
    finally:
        db.dispose()
