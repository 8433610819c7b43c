"""Chain parts that need a person (issue 19), through the posts service the problems panel
calls: a failed part is listed with its part id and retried alone; a part waiting for
confirmation is listed, and is either sent once more ("Publish again") or marked published,
after which the parts that would reply to it fail with the reason (its id is unknown)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import update

from app.core import chains
from app.core.chain_models import TargetPart
from app.core.enums import PostStatus, TargetStatus
from app.core.posts import PostError
from app.testing import advance

WHEN = datetime(2026, 1, 5, 10, 0)
PARTS = ["One 1/4", "Two 2/4", "Three 3/4", "Four 4/4"]


def _x_texts(emulator):
    return [p["text"] for p in emulator.published() if p["platform"] == "TWITTER"]


def _chain_with_part_3_in_doubt(ctx, ws, accounts, clock, emulator, engine):
    post_id = ctx.posts.create(
        ws.id, PARTS[0], [accounts["x"].id], scheduled_local=WHEN, action="schedule"
    ).id
    chains.set_chain(ctx.db, post_id, PARTS, None, clock.now())
    advance(clock, emulator, 3600)
    engine.run_once()  # part 1
    engine.run_once()  # part 2
    assert _x_texts(emulator) == PARTS[:2]
    # What the engine leaves when a part's lease ran out and the network could not say
    # whether it went out (policy CONFIRM): the part waits for a person.
    with ctx.db.write_session() as s:
        s.execute(
            update(TargetPart)
            .where(TargetPart.position == 3)
            .values(status=TargetStatus.NEEDS_CONFIRMATION, maybe_sent_since=clock.now())
        )
        s.commit()
    return post_id


def test_a_part_awaiting_confirmation_is_listed_and_publish_again_sends_it_once(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    ctx = herald_context
    post_id = _chain_with_part_3_in_doubt(
        ctx, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
    )
    (problem,) = ctx.posts.problems(herald_workspace.id)
    assert problem.status == TargetStatus.NEEDS_CONFIRMATION
    assert problem.post_id == post_id and problem.part_id is not None
    assert problem.error_message == "part 3 of the thread: did it go out before Herald stopped?"
    herald_engine.run_until_idle()
    assert _x_texts(herald_emulator) == PARTS[:2]  # nothing sent while it waits

    ctx.posts.resolve_part(problem.part_id, published=False)
    herald_engine.run_until_idle()

    assert _x_texts(herald_emulator) == PARTS  # part 3 once, then part 4
    assert ctx.posts.problems(herald_workspace.id) == []
    assert ctx.posts.get(post_id).status == PostStatus.PUBLISHED
    with pytest.raises(PostError, match="part 3 of the thread is not waiting for you"):
        ctx.posts.resolve_part(problem.part_id, published=True)


def test_it_was_published_fails_the_parts_that_would_reply_to_it(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    ctx = herald_context
    post_id = _chain_with_part_3_in_doubt(
        ctx, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
    )
    (problem,) = ctx.posts.problems(herald_workspace.id)

    ctx.posts.resolve_part(problem.part_id, published=True)
    herald_engine.run_until_idle()

    assert _x_texts(herald_emulator) == PARTS[:2]  # nothing sent again
    parts = {p.position: p for p in chains.parts_of(ctx.db, post_id)}
    assert parts[3].status == TargetStatus.PUBLISHED
    assert parts[4].status == TargetStatus.FAILED
    (failed,) = ctx.posts.problems(herald_workspace.id)
    assert failed.part_id is not None and failed.status == TargetStatus.FAILED
    assert failed.error_message == (
        "part 4 of the thread: part 3 went out, but Herald does not know its id, so this "
        "part cannot reply to it; post the rest of the thread by hand"
    )
    assert ctx.posts.get(post_id).status == PostStatus.FAILED


def test_a_failed_part_is_listed_with_its_id_and_retried_alone(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    ctx = herald_context
    post_id = ctx.posts.create(
        herald_workspace.id,
        PARTS[0],
        [herald_accounts["x"].id],
        scheduled_local=WHEN,
        action="schedule",
    ).id
    chains.set_chain(ctx.db, post_id, PARTS[:3], None, herald_clock.now())
    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_once()
    herald_engine.run_once()
    herald_emulator.add_fault("twitter", "publish", 503)
    for _ in range(6):
        advance(herald_clock, herald_emulator, 3600)
        herald_engine.run_until_idle()
    (problem,) = ctx.posts.problems(herald_workspace.id)
    assert problem.status == TargetStatus.FAILED and problem.part_id is not None
    herald_emulator.clear_faults()

    assert ctx.posts.retry_failed(post_id) == 1
    advance(herald_clock, herald_emulator, 60)
    herald_engine.run_until_idle()
    assert _x_texts(herald_emulator) == PARTS[:3]
