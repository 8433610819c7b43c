from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.models import PostStatus, TargetStatus
from app.core.postquery import PostFilter, PostQuery
from app.core.posts import ATTENTION, PostService
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.test_posts import add_account
from tests.ui.calendar.helpers import set_targets

WALL = datetime(2026, 1, 6, 10, 30)


@pytest.fixture
def env(db, clock):
    ws = WorkspaceService(db, clock).create("Bakery", "Europe/London").id
    x = add_account(db, clock, ws)
    li = add_account(db, clock, ws, Platform.LINKEDIN, "Corner Bakery")
    service = PostService(db, clock)
    return db, clock, ws, x, li, service


def _ids(posts):
    return [p.id for p in posts]


def test_text_search_is_case_insensitive_and_reads_overrides(env):
    db, _clock, ws, x, li, service = env
    bread = service.create(ws, "Fresh SOURDOUGH today", [x], scheduled_local=WALL).id
    cake = service.create(
        ws, "Cake day", [x, li], overrides={li: "Sourdough for LinkedIn"}, scheduled_local=WALL
    ).id
    service.create(ws, "Coffee", [x], scheduled_local=WALL)
    found = PostQuery(db).find(ws, PostFilter(text="  sourdough "))
    assert sorted(_ids(found)) == sorted([bread, cake])


def test_like_wildcards_are_matched_literally(env):
    db, _clock, ws, x, _li, service = env
    percent = service.create(ws, "50% off", [x], scheduled_local=WALL).id
    service.create(ws, "50 loaves off", [x], scheduled_local=WALL)
    assert _ids(PostQuery(db).find(ws, PostFilter(text="50%"))) == [percent]
    assert PostQuery(db).find(ws, PostFilter(text="_")) == []


def test_filters_by_account_network_and_status(env):
    db, _clock, ws, x, li, service = env
    only_x = service.create(ws, "one", [x], scheduled_local=WALL, action="schedule").id
    only_li = service.create(ws, "two", [li], scheduled_local=WALL, action="schedule").id
    draft = service.create(ws, "three", [x], action="draft").id
    failed = service.create(ws, "four", [x, li], scheduled_local=WALL, action="schedule").id
    set_targets_db(db, failed, TargetStatus.FAILED)
    q = PostQuery(db)
    assert sorted(_ids(q.find(ws, PostFilter(account_ids=frozenset({li}))))) == sorted(
        [only_li, failed]
    )
    assert sorted(_ids(q.find(ws, PostFilter(platforms=frozenset({Platform.TWITTER}))))) == (
        sorted([only_x, draft, failed])
    )
    assert _ids(q.find(ws, PostFilter(statuses=frozenset({PostStatus.DRAFT.value})))) == [draft]
    assert _ids(q.find(ws, PostFilter(statuses=frozenset({PostStatus.FAILED.value})))) == [failed]
    scheduled = PostFilter(statuses=frozenset({PostStatus.SCHEDULED.value}), text="one")
    assert _ids(q.find(ws, scheduled)) == [only_x]


def test_needs_attention_is_a_status(env):
    db, _clock, ws, x, _li, service = env
    missed = service.create(ws, "missed", [x], scheduled_local=WALL, action="schedule").id
    service.create(ws, "fine", [x], scheduled_local=WALL, action="schedule")
    set_targets_db(db, missed, TargetStatus.MISSED)
    found = PostQuery(db).find(ws, PostFilter(statuses=frozenset({ATTENTION})))
    assert _ids(found) == [missed]


def test_range_and_undated_drafts(env):
    db, _clock, ws, x, _li, service = env
    dated = service.create(ws, "dated", [x], scheduled_local=WALL, action="schedule").id
    undated = service.create(ws, "undated", [x], action="draft").id
    q = PostQuery(db)
    assert _ids(q.find(ws)) == [dated, undated]  # every post; undated drafts last
    in_range = q.find(ws, None, datetime(2026, 1, 6, tzinfo=UTC), datetime(2026, 1, 7, tzinfo=UTC))
    assert _ids(in_range) == [dated]
    assert q.find(ws)[1].scheduled_at is None


def test_deleted_posts_are_not_found(env):
    db, _clock, ws, x, _li, service = env
    post = service.create(ws, "gone", [x], scheduled_local=WALL).id
    service.delete(post)
    assert PostQuery(db).find(ws, PostFilter(text="gone")) == []


def test_filter_activity():
    assert not PostFilter(text="   ").active
    flt = PostFilter(text="x", statuses=frozenset({"DRAFT"}), account_ids=frozenset({1, 2}))
    assert flt.active and flt.facet_count == 3


def set_targets_db(db, post_id, status):
    class _Ctx:
        pass

    ctx = _Ctx()
    ctx.db = db  # type: ignore[attr-defined]
    set_targets(ctx, post_id, status)
