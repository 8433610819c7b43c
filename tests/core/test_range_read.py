"""The calendar's range read (app/core/posts/range_read.py, issue 20) gives exactly the
summaries the one-row-per-target read (`summary_query` + `group_rows`) gives, on random data
with every target state, failures with and without a message, posts without a base text,
undated and deleted posts and a second workspace, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from app.core.clock import FakeClock
from app.core.db import Database
from app.core.models import Account, Post, PostStatus, Target, TargetStatus, Workspace
from app.core.posts import PostService, group_rows, summary_query
from app.core.posts.range_read import _utc, read_range
from app.core.posts.summaries import _utc_value
from tests.integration.pg import SQLITE_AND_POSTGRES, sqlite_or_postgres

NOW = datetime(2026, 3, 15, 12, tzinfo=UTC)
PLATFORMS = ["TWITTER", "INSTAGRAM", "LINKEDIN", "FACEBOOK", "BLUESKY", "MASTODON", "THREADS"]


@pytest.fixture(params=SQLITE_AND_POSTGRES)
def any_db(request, tmp_path) -> Iterator[Database]:
    yield from sqlite_or_postgres(request.param, f"sqlite:///{tmp_path / 'range.db'}")


def _fill(db: Database, rng: random.Random) -> tuple[int, int]:
    with db.engine.begin() as conn:
        workspaces = []
        for name in ("One", "Two"):
            row = conn.execute(
                insert(Workspace)
                .values(name=name, timezone="Europe/London", created_at=NOW)
                .returning(Workspace.id)
            )
            workspaces.append(row.scalar_one())
        accounts: dict[int, list[int]] = {}
        for ws in workspaces:
            for p in PLATFORMS + ["TWITTER"]:  # two X accounts: platforms stay unique
                row = conn.execute(
                    insert(Account)
                    .values(
                        workspace_id=ws,
                        platform=p,
                        handle=f"@{p.lower()}{rng.randrange(99)}",
                        external_id=f"{ws}-{p}-{rng.random()}",
                        settings={},
                        created_at=NOW,
                    )
                    .returning(Account.id)
                )
                accounts.setdefault(ws, []).append(row.scalar_one())
        for n in range(400):
            ws = rng.choice(workspaces)
            when = NOW + timedelta(minutes=rng.randrange(-30 * 24 * 60, 30 * 24 * 60))
            text = rng.choice(["", "  Hello\n\nworld  ", "Plain text", "tab\there " * 30])
            post_id = conn.execute(
                insert(Post)
                .values(
                    workspace_id=ws,
                    base_text=text,
                    scheduled_at=None if n % 37 == 0 else when,
                    scheduled_tz=rng.choice(["Europe/London", "America/New_York"]),
                    status=rng.choice(list(PostStatus)),
                    created_at=NOW,
                    updated_at=NOW,
                    deleted_at=NOW if n % 29 == 0 else None,
                )
                .returning(Post.id)
            ).scalar_one()
            chosen = rng.sample(accounts[ws], rng.randrange(0, 5))
            for account_id in chosen:
                status = rng.choice(list(TargetStatus))
                conn.execute(
                    insert(Target).values(
                        post_id=post_id,
                        account_id=account_id,
                        status=status,
                        attempts=0,
                        idempotency_key=f"k-{post_id}-{account_id}",
                        content_override=rng.choice([None, None, "", "  own\ntext ", "Own"]),
                        error_message=rng.choice([None, "Rate limited"]),
                        error_code=rng.choice([None, "429"]),
                        updated_at=NOW,
                    )
                )
    return workspaces[0], workspaces[1]


def _old_read(db: Database, workspace_id: int, start: datetime, end: datetime):
    query = (
        summary_query(workspace_id)
        .where(Post.scheduled_at >= start, Post.scheduled_at < end)
        .order_by(Post.scheduled_at, Post.id, Target.id)
    )
    with db.session() as s:
        return group_rows(s.connection().execute(query).all())


def test_the_range_read_equals_the_per_target_read(any_db: Database) -> None:
    rng = random.Random(20)
    workspaces = _fill(any_db, rng)
    service = PostService(any_db, FakeClock(NOW))
    compared = 0
    for workspace_id in workspaces:
        for days in (-40, -10, 0, 12):
            start = NOW + timedelta(days=days)
            end = start + timedelta(days=42)
            expected = _old_read(any_db, workspace_id, start, end)
            got = service.list_range(workspace_id, start, end)
            assert got == expected
            compared += len(got)
    assert compared > 300  # most posts were compared, in both workspaces
    with any_db.session() as s:
        summaries = read_range(s.connection(), workspaces[0], [Post.scheduled_at.is_(None)])
    undated = {p.id for p in summaries}
    with any_db.session() as s:
        live_undated = set(
            s.scalars(
                select(Post.id).where(
                    Post.workspace_id == workspaces[0],
                    Post.scheduled_at.is_(None),
                    Post.deleted_at.is_(None),
                )
            )
        )
    assert undated == live_undated


def test_failure_reasons_and_override_excerpts_come_through(any_db: Database) -> None:
    rng = random.Random(3)
    workspaces = _fill(any_db, rng)
    service = PostService(any_db, FakeClock(NOW))
    got = [
        p
        for w in workspaces
        for p in service.list_range(w, NOW - timedelta(days=31), NOW + timedelta(days=31))
    ]
    assert any(p.failed_reasons for p in got)
    assert any(p.display_status == "ATTENTION" for p in got)
    assert any(p.excerpt == "own text" for p in got)  # an override shown for an empty text


def test_stored_times_read_as_the_per_target_read_reads_them() -> None:
    assert _utc("2026-03-15 12:00:00.000000") == NOW
    assert _utc("2026-03-15 12:00:00") == NOW
    for shape in ("2026-03-15 12:00:00.000000", "2026-03-15T13:00:00+01:00", None, NOW):
        assert _utc(shape) == _utc_value(shape)
