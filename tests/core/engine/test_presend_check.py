"""Issue 16 point 2: the last check before a send sees deletion and edits.

On PostgreSQL a claim reads the post in its own snapshot: a delete or edit that commits
between that read and the claim's lock on the target leaves the target IN_FLIGHT on a post
that changed. These tests make that state deterministically (the person's change goes through
PostService while the target reads QUEUED, then the claim holds it again), on SQLite and on
PostgreSQL, and check what the worker then does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.core.db import Database
from app.core.engine import Outcome, claim
from app.core.models import Post, PostStatus, Target, TargetStatus
from app.core.posts import PostService
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect, post_status, target
from tests.integration.pg import SQLITE_AND_POSTGRES, sqlite_or_postgres

LEASE = timedelta(seconds=60)


@pytest.fixture(params=SQLITE_AND_POSTGRES)
def db(request, db_url) -> Iterator[Database]:
    """Each test on SQLite and on PostgreSQL (a fresh schema)."""
    yield from sqlite_or_postgres(request.param, db_url)


def _between_claim_and_send(fake, change):
    """Run `change` once after the worker loaded the claimed target, before its pre-send
    check (validate() runs in between)."""
    original = fake.validate
    done: list[bool] = []

    def validate(text, media):
        if not done:
            done.append(True)
            change()
        return original(text, media)

    fake.validate = validate


def _as_if_raced(db, target_id, change):
    """What the PostgreSQL race leaves: the person's change (through PostService) read the
    target while it was still QUEUED and committed; the claim took it all the same."""
    with db.session() as s:
        claimed = s.get(Target, target_id)
        assert claimed is not None and claimed.status == TargetStatus.IN_FLIGHT
        held = {
            "status": claimed.status,
            "lease_owner": claimed.lease_owner,
            "lease_until": claimed.lease_until,
        }
        claimed.status = TargetStatus.QUEUED
        s.commit()
    change()
    with db.session() as s:
        s.execute(update(Target).where(Target.id == target_id).values(**held))
        s.commit()


def _write(db, post_id, **values):
    with db.session() as s:
        s.execute(update(Post).where(Post.id == post_id).values(**values))
        s.commit()


def test_a_post_deleted_after_its_claim_is_not_sent(db, clock, ws, accounts, engine, fakes):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now(), "launch")
    service = PostService(db, clock)
    fx = fakes[Platform.TWITTER]
    _between_claim_and_send(fx, lambda: _as_if_raced(db, t, lambda: service.delete(post_id)))

    result = engine.run_once()

    assert fx.calls["publish"] == 0 and fx.posts == []
    assert result.claimed == 1 and result.count(Outcome.RELEASED) == 1
    row = target(db, t)
    assert (row.status, row.lease_owner, row.lease_until) == (TargetStatus.QUEUED, None, None)
    assert row.attempts == 0  # not an attempt: nothing was sent
    assert post_status(db, post_id) == PostStatus.SCHEDULED
    # Deleted stays unsent; an undo brings it back and it goes out once.
    assert not engine.run_once().busy
    service.restore(post_id)
    assert engine.run_once().published == 1
    assert [p["text"] for p in fx.posts] == ["launch"]


def test_an_edit_after_the_claim_sends_only_the_new_text(db, clock, ws, accounts, engine, fakes):
    a = connect(accounts, ws, Platform.LINKEDIN, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now(), "old text")
    service = PostService(db, clock)
    fx = fakes[Platform.LINKEDIN]
    edit = lambda: service.update(post_id, "new text", [a], action="now")  # noqa: E731
    _between_claim_and_send(fx, lambda: _as_if_raced(db, t, edit))

    first = engine.run_once()
    assert fx.posts == [] and first.count(Outcome.RELEASED) == 1
    assert target(db, t).status == TargetStatus.QUEUED

    assert engine.run_once().published == 1
    assert [p["text"] for p in fx.posts] == ["new text"]
    assert target(db, t).status == TargetStatus.PUBLISHED


def test_a_per_account_text_edited_after_the_claim_is_sent_in_its_new_form(
    db, clock, ws, accounts, engine, fakes
):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now(), "base")
    service = PostService(db, clock)
    edit = lambda: service.update(  # noqa: E731
        post_id, "base", [a], overrides={a: "for X"}, action="now"
    )
    fx = fakes[Platform.TWITTER]
    _between_claim_and_send(fx, lambda: _as_if_raced(db, t, edit))
    engine.run_until_idle()
    assert [p["text"] for p in fx.posts] == ["for X"]


def test_hold_lease_refuses_a_deleted_or_changed_post(db, clock, ws, accounts):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now())
    now = clock.now()
    assert claim.claim_due(db, "me", now, 10, LEASE) == [t]
    until = now + LEASE

    assert claim.hold_lease(db, "me", t, now, until, content_version=0)
    _write(db, post_id, content_version=1)
    assert not claim.hold_lease(db, "me", t, now, until, content_version=0)
    assert claim.hold_lease(db, "me", t, now, until, content_version=1)
    _write(db, post_id, deleted_at=now)
    assert not claim.hold_lease(db, "me", t, now, until, content_version=1)
    assert not claim.hold_lease(db, "me", t, now, until)  # deletion is always checked


def test_a_lost_lease_is_not_given_back_by_the_pre_send_check(
    db, clock, ws, accounts, engine, fakes
):
    """Another worker owns the target now: the refusing worker leaves it alone."""
    a = connect(accounts, ws, Platform.TWITTER, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now())

    def taken_over() -> None:
        with db.session() as s:
            s.execute(update(Target).where(Target.id == t).values(lease_owner="other"))
            s.commit()

    _between_claim_and_send(fakes[Platform.TWITTER], taken_over)
    assert engine.run_once().count(Outcome.SKIPPED) == 1
    row = target(db, t)
    assert (row.status, row.lease_owner) == (TargetStatus.IN_FLIGHT, "other")
    assert fakes[Platform.TWITTER].posts == []
