"""PostService.create_many (issue 16, import speed): many posts in one go, or none. Each post
is what `create` makes from the same draft; the same picture (in one draft, twice, or across
drafts) is stored once; a refused draft is named by its index and nothing is written."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import event, func, select

from app.core.clock import FakeClock
from app.core.db import Database, open_database
from app.core.models import Media, Post, PostMedia, PostStatus, Target, TargetStatus
from app.core.posts import PostBatchError, PostDetail, PostDraft, PostError, PostService
from app.core.timeutil import NonexistentTimeError
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.test_posts import add_account
from tests.integration.pg import pg_schema_url

WALL = datetime(2026, 1, 6, 10, 30, 45)  # the fake clock says 2026-01-05 09:00 UTC


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, db: Database) -> Iterator[Database]:
    if request.param == "sqlite":
        yield db
        return
    for url in pg_schema_url():
        pg = open_database(url)
        try:
            yield pg
        finally:
            pg.dispose()


@pytest.fixture
def service(database: Database, clock: FakeClock) -> PostService:
    return PostService(database, clock)


@pytest.fixture
def ws(database: Database, clock: FakeClock) -> int:
    return WorkspaceService(database, clock).create("Bakery", "America/New_York").id


@pytest.fixture
def accounts(database: Database, clock: FakeClock, ws: int) -> tuple[int, int]:
    x = add_account(database, clock, ws)
    li = add_account(database, clock, ws, Platform.LINKEDIN, "Bakery Ltd")
    return x, li


@pytest.fixture
def bread(tmp_path: Path) -> Path:
    path = tmp_path / "bread.jpg"
    Image.new("RGB", (1080, 1080), "orange").save(path)
    return path


def _many(service: PostService, ws: int, drafts: list[PostDraft]) -> list[int]:
    with service.db.write_session() as s:
        ids = service.create_many(s, ws, drafts)
        s.commit()
    return ids


def _comparable(detail: PostDetail) -> tuple[object, ...]:
    """What a post is, without its own ids."""
    targets = [
        (t.account_id, t.override, t.status, t.attempts, t.next_attempt_at, t.error_code)
        for t in detail.targets
    ]
    media = [(m.id, m.sha256, m.original_name) for m in detail.media]
    return (
        detail.base_text,
        detail.scheduled_at,
        detail.zone,
        detail.status,
        detail.display_status,
        targets,
        media,
    )


@pytest.mark.parametrize(
    "draft",
    [
        PostDraft("fresh rye", (), scheduled_local=WALL, action="schedule"),
        PostDraft("fresh rye", (), scheduled_local=WALL, zone="Europe/Paris", action="schedule"),
        PostDraft("fresh rye", (), scheduled_local=WALL.replace(tzinfo=UTC), action="schedule"),
        PostDraft("fresh rye", (), action="now"),
        PostDraft("fresh rye", ()),
        PostDraft("fresh rye", (), scheduled_local=WALL),
    ],
    ids=["schedule", "zone", "aware", "now", "draft", "draft-with-time"],
)
def test_each_post_is_what_create_makes(
    service: PostService, ws: int, accounts: tuple[int, int], bread: Path, draft: PostDraft
) -> None:
    x, li = accounts
    own = {li: "Fresh rye, for the whole office.", x: "fresh rye"}  # x's equals the base
    draft = PostDraft(
        draft.base_text,
        (li, x, li),
        own,
        (bread,),
        draft.scheduled_local,
        draft.zone,
        draft.fold,
        draft.action,
    )
    made = service.create(
        ws,
        draft.base_text,
        draft.account_ids,
        overrides=draft.overrides,
        media_paths=draft.media_paths,
        scheduled_local=draft.scheduled_local,
        zone=draft.zone,
        action=draft.action,
    )
    [post_id] = _many(service, ws, [draft])
    bulk = service.get(post_id)
    assert post_id != made.id
    assert _comparable(bulk) == _comparable(made)
    assert [t.account_id for t in bulk.targets] == [li, x]  # in the order named, each once
    assert bulk.targets[1].override is None


def test_a_scheduled_post_is_ready_for_the_engine(
    service: PostService, database: Database, ws: int, accounts: tuple[int, int]
) -> None:
    x, li = accounts
    drafts = [
        PostDraft(
            f"post {i}", (x, li), scheduled_local=WALL + timedelta(minutes=i), action="schedule"
        )
        for i in range(3)
    ]
    ids = _many(service, ws, drafts)
    with database.session() as s:
        posts = s.scalars(select(Post).where(Post.id.in_(ids)).order_by(Post.id)).all()
        targets = s.scalars(select(Target).order_by(Target.id)).all()
        assert [p.id for p in posts] == ids
        assert [p.base_text for p in posts] == ["post 0", "post 1", "post 2"]
        assert {p.content_version for p in posts} == {0}
        assert {PostStatus(p.status) for p in posts} == {PostStatus.SCHEDULED}
        assert [(t.post_id, t.account_id) for t in targets] == [
            (pid, a) for pid in ids for a in (x, li)
        ]
        assert {TargetStatus(t.status) for t in targets} == {TargetStatus.QUEUED}
        assert [t.next_attempt_at for t in targets] == [p.scheduled_at for p in posts for _ in "xl"]
        assert len({t.idempotency_key for t in targets}) == 6  # one key per target
        assert {(t.attempts, t.lease_until, t.lease_owner) for t in targets} == {(0, None, None)}


def test_the_same_picture_in_a_draft_and_across_drafts_is_one_media_row(
    service: PostService,
    database: Database,
    ws: int,
    accounts: tuple[int, int],
    bread: Path,
    tmp_path: Path,
) -> None:
    x, _ = accounts
    copy = tmp_path / "copy of bread.jpg"
    shutil.copyfile(bread, copy)
    rye = tmp_path / "rye.png"
    Image.new("RGB", (1080, 1080), "brown").save(rye)
    drafts = [
        PostDraft("twice", (x,), media_paths=(bread, bread), action="draft"),
        PostDraft("copies", (x,), media_paths=(copy, rye, bread), action="draft"),
        PostDraft("again", (x,), media_paths=(rye, copy), action="draft"),
    ]
    ids = _many(service, ws, drafts)
    details = [service.get(i) for i in ids]
    assert [[m.original_name for m in d.media] for d in details] == [
        ["bread.jpg"],
        ["bread.jpg", "rye.png"],  # the copy is bread.jpg's bytes: bread.jpg's row
        ["rye.png", "bread.jpg"],
    ]
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Media)) == 2
        links = s.execute(select(PostMedia.post_id, PostMedia.position)).all()
        assert sorted(links) == [(ids[0], 0), (ids[1], 0), (ids[1], 1), (ids[2], 0), (ids[2], 1)]
    # a later batch finds the stored row instead of adding another
    [later] = _many(service, ws, [PostDraft("later", (x,), media_paths=(copy,))])
    assert [m.id for m in service.get(later).media] == [details[0].media[0].id]
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Media)) == 2


def test_a_refused_draft_is_named_and_nothing_is_written(
    service: PostService,
    database: Database,
    ws: int,
    accounts: tuple[int, int],
    bread: Path,
    tmp_path: Path,
) -> None:
    x, li = accounts
    gap = datetime(2026, 3, 8, 2, 30)  # New York springs forward over 02:00-03:00
    drafts = [
        PostDraft("good", (x,), media_paths=(bread,), scheduled_local=WALL, action="schedule"),
        PostDraft("x" * 300, (x,), scheduled_local=WALL, action="schedule"),
        PostDraft("good too", (li,), scheduled_local=WALL, action="schedule"),
        PostDraft("gap", (x,), scheduled_local=gap, action="schedule"),
        PostDraft("gone", (x,), media_paths=(tmp_path / "nope.jpg",)),
        PostDraft("stranger", (x, 99_999)),
        PostDraft("late", (x,), scheduled_local=datetime(2025, 1, 1), action="schedule"),
    ]
    with pytest.raises(NonexistentTimeError):  # what create raises for it
        service.create(ws, "gap", [x], scheduled_local=gap, action="schedule")
    with database.write_session() as s, pytest.raises(PostBatchError) as refused:
        service.create_many(s, ws, drafts)
    problems = refused.value.problems
    assert [i for i, _ in problems] == [1, 3, 4, 5, 6]
    assert problems[0][1].startswith("X (@bakery): ")
    assert "2026-03-08 02:30" in problems[1][1]
    assert problems[2][1] == "The file nope.jpg cannot be found."
    assert problems[3][1] == "No account 99999 in this workspace."
    assert "already passed" in problems[4][1]
    assert str(refused.value).startswith("post 2: X (@bakery): ")
    with database.session() as s:
        for table in (Post, Target, Media, PostMedia):
            assert s.scalar(select(func.count()).select_from(table)) == 0


def test_nothing_to_create_creates_nothing(service: PostService, ws: int) -> None:
    assert _many(service, ws, []) == []


def test_an_unknown_workspace_is_refused(service: PostService, ws: int) -> None:
    with pytest.raises(PostError, match="No workspace with id 424242"):
        _many(service, 424242, [PostDraft("hello", ())])


def test_targets_and_links_go_in_one_statement_per_table(
    service: PostService, database: Database, ws: int, accounts: tuple[int, int], bread: Path
) -> None:
    """What made importing slow: several SELECTs, INSERTs and flushes per post."""
    x, li = accounts
    drafts = [
        PostDraft(
            f"post {i}", (x, li), media_paths=(bread,), scheduled_local=WALL, action="schedule"
        )
        for i in range(40)
    ]
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()[:3]).upper())

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        ids = _many(service, ws, drafts)
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert len(ids) == 40
    assert statements.count("INSERT INTO TARGETS") == 1
    assert statements.count("INSERT INTO POST_MEDIA") == 1
    assert statements.count("INSERT INTO MEDIA") == 1
    # workspace, accounts, media (PostgreSQL's wake-up notice for other workers is no read)
    reads = [s for s in statements if s.startswith("SELECT") and "PG_NOTIFY" not in s]
    assert len(reads) <= 3
    assert sum(s.startswith("INSERT INTO POSTS") for s in statements) <= len(drafts)
