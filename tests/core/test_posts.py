from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import event, insert, select

from app.core import paths
from app.core.events import POSTS_CHANGED, EventHub
from app.core.models import Account, Media, Post, PostStatus, Target, TargetStatus
from app.core.posts import PostError, PostService, SchedulingError, weighted_length
from app.core.timeutil import AmbiguousTimeError, NonexistentTimeError
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform

WALL = datetime(2026, 1, 6, 10, 30)  # Tuesday; the fake clock says Monday 2026-01-05 09:00 UTC


@pytest.fixture
def events():
    return EventHub()


@pytest.fixture
def service(db, clock, events) -> PostService:
    return PostService(db, clock, events)


@pytest.fixture
def ws(db, clock) -> int:
    return WorkspaceService(db, clock).create("Bakery", "America/New_York").id


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
def x(db, clock, ws) -> int:
    return add_account(db, clock, ws)


@pytest.fixture
def li(db, clock, ws) -> int:
    return add_account(db, clock, ws, Platform.LINKEDIN, "Bakery Ltd")


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "bread.jpg"
    Image.new("RGB", (1080, 1080), "orange").save(path)
    return path


def set_target(db, post_id, status, **fields):
    with db.session() as s:
        post = s.get(Post, post_id)
        for t in post.targets:
            t.status = status
            for k, v in fields.items():
                setattr(t, k, v)
        from app.core.poststatus import derive_post_status

        post.status = derive_post_status([t.status for t in post.targets])
        s.commit()


# ------------------------------------------------------------------ create / update


def test_draft_without_time(service, ws, x):
    post = service.create(ws, "Fresh bread", [x])
    assert post.status == PostStatus.DRAFT
    assert post.scheduled_at is None
    assert post.zone == "America/New_York"
    assert [t.status for t in post.targets] == [TargetStatus.DRAFT]
    assert [p.id for p in service.drafts(ws)] == [post.id]


def test_schedule_queues_targets_at_the_utc_time(service, ws, x, li, events):
    seen = []
    events.subscribe(seen.append, POSTS_CHANGED)
    post = service.create(
        ws,
        "Fresh bread at 7",
        [x, li],
        overrides={li: "Fresh bread at 7 — our LinkedIn words"},
        scheduled_local=WALL,
        action="schedule",
    )
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_at == datetime(2026, 1, 6, 15, 30, tzinfo=UTC)  # EST = UTC-5
    assert {t.status for t in post.targets} == {TargetStatus.QUEUED}
    assert {t.next_attempt_at for t in post.targets} == {post.scheduled_at}
    assert all(t.attempts == 0 for t in post.targets)
    assert post.text_for(li) == "Fresh bread at 7 — our LinkedIn words"
    assert post.text_for(x) == "Fresh bread at 7"
    assert seen and seen[-1].data == {"workspace_id": ws}


def test_override_equal_to_base_is_not_stored(service, ws, x):
    post = service.create(ws, "same", [x], overrides={x: "same"})
    assert post.targets[0].override is None


def test_publish_now_queues_for_now(service, ws, x, clock):
    post = service.create(ws, "now!", [x], action="now")
    assert post.scheduled_at == clock.now()
    assert post.targets[0].next_attempt_at == clock.now()


def test_scheduling_error_lists_every_rule_broken(service, ws, x, db, clock):
    ig = add_account(db, clock, ws, Platform.INSTAGRAM, "@bakery.ig")
    with pytest.raises(SchedulingError) as info:
        service.create(ws, "a" * 300, [x, ig], scheduled_local=WALL, action="schedule")
    messages = info.value.messages
    assert any(m.startswith("X (@bakery)") for m in messages)
    assert any(m.startswith("Instagram (@bakery.ig)") for m in messages)
    with db.session() as s:  # nothing was written
        assert s.scalar(select(Post.id)) is None


def test_a_draft_may_break_the_rules(service, ws, x):
    post = service.create(ws, "a" * 300, [x], scheduled_local=WALL)
    assert post.status == PostStatus.DRAFT


def test_warnings_do_not_block(service, ws, x):
    # A link in a post is fine on X; scheduling goes through whatever warnings there are.
    post = service.create(
        ws, "see https://example.com " + "#tag " * 3, [x], scheduled_local=WALL, action="schedule"
    )
    assert post.status == PostStatus.SCHEDULED


def test_x_counts_urls_as_23(service):
    assert weighted_length("https://example.com/a/very/long/path/indeed/yes") == 23


def test_schedule_needs_accounts_time_and_future(service, ws, x, clock):
    with pytest.raises(SchedulingError, match="at least one account"):
        service.create(ws, "hi", [], scheduled_local=WALL, action="schedule")
    with pytest.raises(SchedulingError, match="date and time"):
        service.create(ws, "hi", [x], action="schedule")
    with pytest.raises(SchedulingError, match="already passed"):
        service.create(ws, "hi", [x], scheduled_local=datetime(2026, 1, 1, 9), action="schedule")


def test_account_from_another_workspace_is_refused(service, ws, db, clock):
    other = WorkspaceService(db, clock).create("Other", "UTC").id
    foreign = add_account(db, clock, other)
    with pytest.raises(PostError, match="No account"):
        service.create(ws, "hi", [foreign])


def test_dst_gap_and_fold_are_never_guessed(service, ws, x):
    gap = datetime(2026, 3, 8, 2, 30)  # New York springs forward 02:00 -> 03:00
    with pytest.raises(NonexistentTimeError):
        service.create(ws, "hi", [x], scheduled_local=gap, action="schedule")
    fold = datetime(2026, 11, 1, 1, 30)  # 01:00-02:00 happens twice
    with pytest.raises(AmbiguousTimeError):
        service.create(ws, "hi", [x], scheduled_local=fold, action="schedule")
    first = service.create(ws, "hi", [x], scheduled_local=fold, fold=0, action="schedule")
    second = service.create(ws, "hi", [x], scheduled_local=fold, fold=1, action="schedule")
    assert first.scheduled_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # EDT
    assert second.scheduled_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # EST


def test_other_zone(service, ws, x):
    post = service.create(
        ws, "hi", [x], scheduled_local=WALL, zone="Asia/Kathmandu", action="schedule"
    )
    assert post.zone == "Asia/Kathmandu"
    assert post.scheduled_at == datetime(2026, 1, 6, 4, 45, tzinfo=UTC)


def test_media_copied_by_hash_and_shared(service, ws, x, image, db):
    first = service.create(ws, "bread", [x], media_paths=[image])
    second = service.create(ws, "more bread", [x], media_paths=[image])
    media = first.media[0]
    assert media.path.startswith(str(paths.media_dir()))
    assert media.path.endswith(media.sha256 + ".jpg")
    assert (media.width, media.height) == (1080, 1080)
    assert media.mime == "image/jpeg"
    assert second.media[0].id == media.id
    with db.session() as s:
        assert len(s.scalars(select(Media)).all()) == 1


def test_same_picture_twice_is_attached_once(service, ws, x, image, tmp_path, db):
    """The same file listed twice (or a copy with the same bytes) is one picture, where it
    first appears; the platforms would refuse a duplicate anyway."""
    other = tmp_path / "rye.png"
    Image.new("RGB", (1080, 1080), "brown").save(other)
    copy = tmp_path / "copy of bread.jpg"
    copy.write_bytes(image.read_bytes())
    post = service.create(
        ws, "bread", [x], media_paths=[image, other, image, copy, str(other)],
        scheduled_local=WALL, action="schedule",
    )  # fmt: skip
    assert [m.original_name for m in post.media] == ["bread.jpg", "rye.png"]
    again = service.update(
        post.id, "bread", [x], media_paths=[other, other, image], scheduled_local=WALL,
        action="schedule",
    )  # fmt: skip
    assert [m.original_name for m in again.media] == ["rye.png", "bread.jpg"]
    with db.session() as s:
        assert len(s.scalars(select(Media)).all()) == 2


def test_missing_media_file(service, ws, x, tmp_path):
    with pytest.raises(PostError, match="cannot be found"):
        service.create(ws, "bread", [x], media_paths=[tmp_path / "nope.jpg"])


def test_update_changes_text_accounts_and_time(service, ws, x, li):
    post = service.create(ws, "v1", [x], scheduled_local=WALL, action="schedule")
    target_x = post.targets[0].id
    updated = service.update(
        post.id,
        "v2",
        [x, li],
        overrides={x: "v2 for X"},
        scheduled_local=WALL + timedelta(hours=1),
        action="schedule",
    )
    assert updated.base_text == "v2"
    assert {t.account_id for t in updated.targets} == {x, li}
    assert next(t for t in updated.targets if t.account_id == x).id == target_x  # kept
    assert updated.text_for(x) == "v2 for X"
    assert updated.scheduled_at == datetime(2026, 1, 6, 16, 30, tzinfo=UTC)
    back = service.update(post.id, "v3", [li], scheduled_local=WALL)  # back to a draft
    assert back.status == PostStatus.DRAFT
    assert [t.account_id for t in back.targets] == [li]


def test_update_keeps_published_targets(service, ws, x, li, db):
    post = service.create(ws, "v1", [x, li], scheduled_local=WALL, action="schedule")
    with db.session() as s:
        t = s.scalar(select(Target).where(Target.post_id == post.id, Target.account_id == x))
        t.status = TargetStatus.PUBLISHED
        s.commit()
    with pytest.raises(PostError, match="already published"):
        service.update(post.id, "v2", [li], scheduled_local=WALL, action="schedule")
    updated = service.update(post.id, "v2", [x, li], scheduled_local=WALL, action="schedule")
    statuses = {t.account_id: t.status for t in updated.targets}
    assert statuses == {x: TargetStatus.PUBLISHED, li: TargetStatus.QUEUED}


def test_create_in_does_not_commit(service, ws, x, db):
    with db.session() as s:
        service.create_in(s, ws, "csv row", [x], scheduled_local=WALL, action="schedule")
        s.rollback()
    with db.session() as s:
        assert s.scalar(select(Post.id)) is None


# ------------------------------------------------------------------ moving and deleting


def test_reschedule_returns_old_time_and_moves_queued_targets(service, ws, x, clock):
    post = service.create(ws, "hi", [x], scheduled_local=WALL, action="schedule")
    new = datetime(2026, 1, 8, 12, 0, tzinfo=UTC)
    assert service.reschedule(post.id, new) == post.scheduled_at
    moved = service.get(post.id)
    assert moved.scheduled_at == new
    assert moved.targets[0].next_attempt_at == new
    with pytest.raises(PostError, match="passed"):
        service.reschedule(post.id, clock.now() - timedelta(hours=1))
    service.reschedule(post.id, post.scheduled_at)  # undo
    assert service.get(post.id).scheduled_at == post.scheduled_at


@pytest.mark.parametrize("status", [TargetStatus.PUBLISHED, TargetStatus.IN_FLIGHT])
def test_reschedule_refuses_published_and_publishing(service, ws, x, db, status):
    post = service.create(ws, "hi", [x], scheduled_local=WALL, action="schedule")
    set_target(db, post.id, status)
    with pytest.raises(PostError, match="can't move"):
        service.reschedule(post.id, datetime(2026, 2, 1, tzinfo=UTC))
    assert service.get(post.id).scheduled_at == post.scheduled_at


def test_reschedule_of_partly_published_leaves_published_target(service, ws, x, li, db):
    post = service.create(ws, "hi", [x, li], scheduled_local=WALL, action="schedule")
    with db.session() as s:
        t = s.scalar(select(Target).where(Target.post_id == post.id, Target.account_id == x))
        t.status = TargetStatus.FAILED
        s.get(Post, post.id).status = PostStatus.FAILED
        s.commit()
    new = datetime(2026, 2, 1, tzinfo=UTC)
    service.reschedule(post.id, new)
    targets = {t.account_id: t for t in service.get(post.id).targets}
    assert targets[li].next_attempt_at == new
    assert targets[x].status == TargetStatus.FAILED


def test_delete_is_soft_and_undoable(service, ws, x):
    post = service.create(ws, "hi", [x], scheduled_local=WALL, action="schedule")
    day = (datetime(2026, 1, 6, tzinfo=UTC), datetime(2026, 1, 7, tzinfo=UTC))
    service.delete(post.id)
    assert service.list_range(ws, *day) == []
    assert service.get(post.id).deleted
    with pytest.raises(PostError):
        service.reschedule(post.id, datetime(2026, 2, 1, tzinfo=UTC))
    service.restore(post.id)
    assert [p.id for p in service.list_range(ws, *day)] == [post.id]


def test_delete_refused_while_publishing(service, ws, x, db):
    post = service.create(ws, "hi", [x], scheduled_local=WALL, action="schedule")
    set_target(db, post.id, TargetStatus.IN_FLIGHT)
    with pytest.raises(PostError, match="being published"):
        service.delete(post.id)


def test_duplicate_is_a_draft_copy(service, ws, x, li, image):
    post = service.create(
        ws, "hi", [x, li], overrides={x: "hi X"}, media_paths=[image], scheduled_local=WALL
    )
    copy = service.duplicate(post.id)
    assert copy.id != post.id
    assert copy.status == PostStatus.DRAFT
    assert copy.text_for(x) == "hi X"
    assert copy.scheduled_at == post.scheduled_at
    assert [m.id for m in copy.media] == [m.id for m in post.media]


# ------------------------------------------------------------------ repair


def test_publish_now_on_a_scheduled_post(service, ws, x, clock):
    post = service.create(ws, "hi", [x], scheduled_local=WALL, action="schedule")
    now_post = service.publish_now(post.id)
    assert now_post.scheduled_at == clock.now()
    assert now_post.targets[0].next_attempt_at == clock.now()


def test_retry_failed_only_requeues_failed(service, ws, x, li, db, clock):
    post = service.create(ws, "hi", [x, li], scheduled_local=WALL, action="schedule")
    with db.session() as s:
        for t in s.get(Post, post.id).targets:
            if t.account_id == x:
                t.status, t.attempts = TargetStatus.FAILED, 4
                t.error_code, t.error_message = "403", "You are not allowed to create a Tweet"
            else:
                t.status = TargetStatus.PUBLISHED
        s.get(Post, post.id).status = PostStatus.FAILED
        s.commit()
    summary = service.list_range(ws, clock.now(), clock.now() + timedelta(days=3))[0]
    assert summary.failed_reasons == ["X: You are not allowed to create a Tweet"]
    assert service.retry_failed(post.id) == 1
    targets = {t.account_id: t for t in service.get(post.id).targets}
    assert targets[x].status == TargetStatus.QUEUED
    assert targets[x].attempts == 0
    assert targets[x].error_message is None
    assert targets[li].status == TargetStatus.PUBLISHED
    assert service.get(post.id).status == PostStatus.PUBLISHING


def test_confirmation_choices(service, ws, x, li, db):
    post = service.create(ws, "hi", [x, li], scheduled_local=WALL, action="schedule")
    set_target(db, post.id, TargetStatus.NEEDS_CONFIRMATION)
    detail = service.get(post.id)
    assert detail.display_status == "ATTENTION"
    problems = service.problems(ws)
    assert {p.status for p in problems} == {TargetStatus.NEEDS_CONFIRMATION}
    tx, tl = (next(t.id for t in detail.targets if t.account_id == a) for a in (x, li))
    service.confirm_published(tx)
    service.publish_again(tl)
    targets = {t.account_id: t for t in service.get(post.id).targets}
    assert targets[x].status == TargetStatus.PUBLISHED
    assert targets[li].status == TargetStatus.QUEUED
    with pytest.raises(PostError, match="not waiting"):
        service.confirm_published(tx)


def test_missed_posts(service, ws, x, clock, db):
    a = service.create(ws, "a", [x], scheduled_local=WALL, action="schedule")
    b = service.create(ws, "b", [x], scheduled_local=WALL, action="schedule")
    set_target(db, a.id, TargetStatus.MISSED)
    set_target(db, b.id, TargetStatus.MISSED)
    missed = service.missed(ws)
    assert [p.id for p in missed] == [a.id, b.id]
    assert missed[0].display_status == "ATTENTION"
    assert service.publish_missed_now([a.id]) == 1
    assert service.get(a.id).targets[0].next_attempt_at == clock.now()
    later = clock.now() + timedelta(days=2)
    assert service.reschedule_missed(b.id, later) == 1
    assert service.get(b.id).scheduled_at == later
    assert service.missed(ws) == []


# ------------------------------------------------------------------ reading


def test_list_range_reads_only_the_range(service, ws, x, li):
    inside = service.create(ws, "inside " + "x" * 400, [x, li], scheduled_local=WALL)
    service.create(ws, "before", [x], scheduled_local=WALL - timedelta(days=3))
    service.create(ws, "after", [x], scheduled_local=WALL + timedelta(days=3))
    service.create(ws, "no time", [x])
    got = service.list_range(ws, datetime(2026, 1, 6, tzinfo=UTC), datetime(2026, 1, 7, tzinfo=UTC))
    assert [p.id for p in got] == [inside.id]
    summary = got[0]
    assert summary.platforms == [Platform.TWITTER, Platform.LINKEDIN]
    assert summary.excerpt.startswith("inside x")
    assert len(summary.excerpt) <= 140
    assert summary.display_status == "DRAFT"
    assert summary.zone == "America/New_York"


def test_list_range_is_one_query_on_the_index(service, ws, x, db):
    service.create(ws, "hi", [x], scheduled_local=WALL)
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, params, context, executemany):
        statements.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        service.list_range(ws, datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 2, 5, tzinfo=UTC))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    selects = [s for s in statements if s[0].lstrip().upper().startswith("SELECT")]
    # The posts with their targets on the indexes, then the workspace's few accounts
    # (looked up per target in Python instead of joined per row: app/core/posts/range_read).
    assert len(selects) == 2
    with db.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + selects[0][0], selects[0][1]).all()
    assert any("ix_posts_workspace_scheduled" in str(row) for row in plan)
    assert any("ix_targets_post_id" in str(row) for row in plan)
    assert "FROM accounts" in selects[1][0] and "posts" not in selects[1][0]


def test_ten_thousand_posts_month_is_fast(service, ws, x, li, db, clock):
    rows = []
    start = datetime(2025, 7, 1, tzinfo=UTC)
    for i in range(10_000):
        when = start + timedelta(minutes=53 * i)
        rows.append(
            {
                "workspace_id": ws,
                "base_text": f"post {i} " + "words " * 40,
                "scheduled_at": when,
                "scheduled_tz": "America/New_York",
                "status": PostStatus.SCHEDULED,
                "created_at": clock.now(),
                "updated_at": clock.now(),
            }
        )
    with db.engine.begin() as conn:
        conn.execute(insert(Post), rows)
        ids = [r[0] for r in conn.execute(select(Post.id))]
        conn.execute(
            insert(Target),
            [
                {
                    "post_id": pid,
                    "account_id": x if pid % 2 else li,
                    "status": TargetStatus.QUEUED,
                    "idempotency_key": f"k{pid}",
                    "updated_at": clock.now(),
                }
                for pid in ids
            ],
        )
    month = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
    service.list_range(ws, *month)  # warm-up
    t0 = time.perf_counter()
    got = service.list_range(ws, *month)
    elapsed = time.perf_counter() - t0
    expected = sum(1 for r in rows if month[0] <= r["scheduled_at"] < month[1])
    assert len(got) == expected < 1000  # a month, not 10,000
    assert all(month[0] <= p.scheduled_at < month[1] for p in got)
    assert elapsed < 0.25, f"a month of posts took {elapsed * 1000:.0f} ms"


def test_unknown_post(service):
    with pytest.raises(PostError):
        service.get(12345)
