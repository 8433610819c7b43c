"""Issue 19 on the emulator, through the testers' plugin (app/testing.py): a 4-part chain on X
publishes in order, exactly once, with each part's id stored; first comments on Instagram,
Facebook, LinkedIn and X; a failure of part 3 retries part 3 only; a failed comment never
fails its post."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from app.core import chains
from app.core.enums import PostStatus, TargetStatus
from app.emulator.comments import comments_on
from app.testing import advance

WHEN = datetime(2026, 1, 5, 10, 0)
PARTS = [
    "We baked 400 loaves this week. Here is how. 1/4",
    "First, the starter: fed twice a day at 24 °C. 2/4",
    "Then a long cold proof, 14 hours in the fridge. 3/4",
    "Come taste it Saturday at the market! 🥖 4/4",
]


def _post(ctx, ws, accounts, text, *, media=()):
    return ctx.posts.create(
        ws.id,
        text,
        [a.id for a in accounts],
        media_paths=media,
        scheduled_local=WHEN,
        action="schedule",
    ).id


def _due(clock, emulator, engine):
    advance(clock, emulator, 3600)
    return engine.run_until_idle()


def _x_posts(emulator):
    return [p for p in emulator.published() if p["platform"] == "TWITTER"]


def test_a_four_part_chain_publishes_on_x_in_order_with_ids_per_part(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    x = herald_accounts["x"]
    post_id = _post(herald_context, herald_workspace, [x], PARTS[0])
    chains.set_chain(herald_context.db, post_id, PARTS, None, herald_clock.now())
    assert herald_emulator.published() == []

    _due(herald_clock, herald_emulator, herald_engine)

    tweets = _x_posts(herald_emulator)
    assert [t["text"] for t in tweets] == PARTS  # each once, in order
    detail = herald_context.posts.get(post_id)
    assert detail.status == PostStatus.PUBLISHED
    parts = chains.parts_of(herald_context.db, post_id)
    assert [p.position for p in parts] == [2, 3, 4]
    assert all(p.status == TargetStatus.PUBLISHED for p in parts)
    (ids,) = chains.chain_ids(herald_context.db, post_id).values()
    assert [t["external_id"] for t in tweets] == ids
    # each part replies to the one before it
    assert [t["extra"].get("in_reply_to_tweet_id") for t in tweets] == [None, *ids[:3]]


def test_a_failure_in_part_three_retries_part_three_only(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    x = herald_accounts["x"]
    post_id = _post(herald_context, herald_workspace, [x], PARTS[0])
    chains.set_chain(herald_context.db, post_id, PARTS, None, herald_clock.now())
    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_once()  # part 1
    herald_engine.run_once()  # part 2
    assert [t["text"] for t in _x_posts(herald_emulator)] == PARTS[:2]
    herald_emulator.add_fault("twitter", "publish", 503, count=1)

    herald_engine.run_until_idle()  # part 3 fails (503: X made nothing) and waits to retry

    parts = {p.position: p for p in chains.parts_of(herald_context.db, post_id)}
    assert parts[3].status == TargetStatus.QUEUED and parts[3].error
    assert parts[4].status == TargetStatus.QUEUED and parts[4].external_id is None
    assert herald_context.posts.get(post_id).status == PostStatus.PUBLISHING
    assert [t["text"] for t in _x_posts(herald_emulator)] == PARTS[:2]

    _due(herald_clock, herald_emulator, herald_engine)  # past the 1-minute back-off

    assert [t["text"] for t in _x_posts(herald_emulator)] == PARTS  # 1 and 2 never again
    assert herald_context.posts.get(post_id).status == PostStatus.PUBLISHED


def test_a_part_that_gives_up_fails_the_post_and_retry_sends_only_it(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    x = herald_accounts["x"]
    post_id = _post(herald_context, herald_workspace, [x], PARTS[0])
    chains.set_chain(herald_context.db, post_id, PARTS[:3], None, herald_clock.now())
    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_once()
    herald_engine.run_once()
    herald_emulator.add_fault("twitter", "publish", 503)  # every later send
    for _ in range(6):
        _due(herald_clock, herald_emulator, herald_engine)
    assert herald_context.posts.get(post_id).status == PostStatus.FAILED
    (problem,) = herald_context.posts.problems(herald_workspace.id)
    assert problem.error_message.startswith("part 3 of the thread: ")
    herald_emulator.clear_faults()

    assert herald_context.posts.retry_failed(post_id) == 1
    _due(herald_clock, herald_emulator, herald_engine)

    assert [t["text"] for t in _x_posts(herald_emulator)] == PARTS[:3]
    assert herald_context.posts.get(post_id).status == PostStatus.PUBLISHED


def _jpeg(tmp_path: Path) -> Path:
    path = tmp_path / "bread.jpg"
    Image.new("RGB", (1080, 1080), (200, 120, 40)).save(path, quality=80)
    return path


@pytest.mark.parametrize("network", ["instagram", "facebook", "linkedin", "x"])
def test_a_first_comment_follows_its_post(
    network,
    tmp_path,
    herald_context,
    herald_workspace,
    herald_accounts,
    herald_clock,
    herald_emulator,
    herald_engine,
):
    account = herald_accounts[network]
    media = [_jpeg(tmp_path)] if network == "instagram" else []
    post_id = _post(herald_context, herald_workspace, [account], "New rye loaf!", media=media)
    comment = "Order here: https://example.com/rye #bread #bakery"
    assert chains.set_chain(herald_context.db, post_id, [], comment, herald_clock.now()) == 1

    _due(herald_clock, herald_emulator, herald_engine)

    detail = herald_context.posts.get(post_id)
    assert detail.status == PostStatus.PUBLISHED
    ((post_ext, *_),) = chains.chain_ids(herald_context.db, post_id).values()
    (state,) = chains.comment_states(herald_context.db, post_id)
    assert state.status == TargetStatus.PUBLISHED
    assert state.summary == "post and comment published"
    (stored,) = [p for p in chains.parts_of(herald_context.db, post_id)]
    if network == "x":  # a reply to the post
        replies = [p for p in _x_posts(herald_emulator) if p["text"] == comment]
        assert len(replies) == 1
        assert replies[0]["extra"]["in_reply_to_tweet_id"] == post_ext
        assert stored.external_id == replies[0]["external_id"]
    else:
        emulated = "facebook" if network == "facebook" else network
        made = comments_on(herald_emulator.emulator, emulated)
        assert [(c.parent_id, c.text) for c in made] == [(post_ext, comment)]
        assert stored.external_id in (
            made[0].external_id,
            f"urn:li:comment:({post_ext},{made[0].external_id})",
        )


def test_a_failed_comment_never_fails_its_post(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    li = herald_accounts["linkedin"]
    post_id = _post(herald_context, herald_workspace, [li], "Open on Sunday.")
    chains.set_chain(herald_context.db, post_id, [], "Hours: 8-14", herald_clock.now())
    herald_emulator.add_fault("linkedin", "comment", 503)
    for _ in range(6):
        _due(herald_clock, herald_emulator, herald_engine)

    assert herald_context.posts.get(post_id).status == PostStatus.PUBLISHED
    (state,) = chains.comment_states(herald_context.db, post_id)
    assert state.status == TargetStatus.FAILED
    assert state.summary == "post published, comment failed — retry"

    (problem,) = herald_context.posts.problems(herald_workspace.id)  # the problems panel
    assert problem.post_id == post_id
    assert problem.error_message.startswith("post published, comment failed — retry")

    herald_emulator.clear_faults()
    assert chains.retry_comment(herald_context.db, post_id, herald_clock.now()) == 1
    _due(herald_clock, herald_emulator, herald_engine)
    assert chains.comment_states(herald_context.db, post_id)[0].status == TargetStatus.PUBLISHED
    assert len(comments_on(herald_emulator.emulator, "linkedin")) == 1


def test_a_chain_on_mastodon_is_a_thread_of_replies_in_order(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    """Mastodon's chain: each part a status `in_reply_to_id` the part before it, exactly once."""
    mastodon = herald_accounts["mastodon"]
    post_id = _post(herald_context, herald_workspace, [mastodon], PARTS[0])
    chains.set_chain(herald_context.db, post_id, PARTS, None, herald_clock.now())

    _due(herald_clock, herald_emulator, herald_engine)

    statuses = [p for p in herald_emulator.published() if p["platform"] == "MASTODON"]
    assert [s["text"] for s in statuses] == PARTS
    (ids,) = chains.chain_ids(herald_context.db, post_id).values()
    assert [s["external_id"] for s in statuses] == ids
    assert [s["extra"].get("in_reply_to_id") for s in statuses] == [None, *ids[:3]]
    assert herald_context.posts.get(post_id).status == PostStatus.PUBLISHED
