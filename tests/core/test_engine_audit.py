"""The engine's publish and permanent failure in the audit log (issue 23): one entry per
target, written with the status change, never twice on a retry or a second run."""

from __future__ import annotations

import socket
from datetime import timedelta

from app.core.audit import AuditService
from app.core.models import PostStatus
from app.core.posts import PostService
from app.testing import advance


def _schedule(context, account, text, when):
    service = PostService(context.db, context.clock, context.events)
    ws = context.workspaces.list()[0]
    return service.create(ws.id, text, [account.id], scheduled_local=when, action="schedule")


def _engine_rows(context, post_id):
    return [
        (e.action, e.detail, e.at)
        for e in AuditService(context.db).entries(post_id=post_id)
        if e.who.startswith("Herald worker on ")
    ]


def _thread_and_comment(context, workspace, x, li, clock) -> tuple[int, int]:
    """A 3-part thread on X and a LinkedIn post with a first comment: (thread, other)."""
    from app.core import chains
    from tests.core.chains.test_chains_emulator import PARTS, _post

    post_id = _post(context, workspace, [x], PARTS[0])
    chains.set_chain(context.db, post_id, PARTS[:3], None, clock.now())
    other = _post(context, workspace, [li], "Open on Sunday.")
    chains.set_chain(context.db, other, [], "Hours: 8-14", clock.now())
    return post_id, other


def test_a_retried_publish_is_recorded_once_with_the_network_and_the_time(
    herald_context, herald_accounts, herald_emulator, herald_engine, herald_clock
):
    herald_emulator.add_fault("twitter", "publish", "503", count=1)
    when = herald_clock.now() + timedelta(minutes=5)
    x = herald_accounts["x"]
    post = _schedule(herald_context, x, "Oven's hot", when)
    advance(herald_clock, herald_emulator, 300)
    herald_engine.run_until_idle()
    assert _engine_rows(herald_context, post.id) == []  # a transient error is no step
    advance(herald_clock, herald_emulator, 60)
    herald_engine.run_until_idle()
    herald_engine.run_until_idle()
    [target] = PostService(herald_context.db).get(post.id).targets
    assert _engine_rows(herald_context, post.id) == [
        ("publish", f"X {x.handle}", target.published_at)
    ]
    [entry] = [e for e in AuditService(herald_context.db).entries() if e.action == "publish"]
    assert entry.who == f"Herald worker on {socket.gethostname()} ({entry.who.split('(')[1]}"


def test_a_post_that_fails_for_good_is_recorded_once_with_the_reason(
    herald_context, herald_accounts, herald_emulator, herald_engine, herald_clock
):
    herald_emulator.add_fault("linkedin", "publish", "500")  # every time: retries run out
    when = herald_clock.now() + timedelta(minutes=1)
    li = herald_accounts["linkedin"]
    post = _schedule(herald_context, li, "We're hiring", when)
    for seconds in (60, 60, 300, 900):  # the first send, then the retries after 1, 5, 15 min
        advance(herald_clock, herald_emulator, seconds)
        herald_engine.run_until_idle()
    detail = PostService(herald_context.db).get(post.id)
    assert detail.status == PostStatus.FAILED
    [(action, text, at)] = _engine_rows(herald_context, post.id)
    assert action == "fail" and text.startswith(f"LinkedIn {li.handle}: ")
    assert len(text) > len(f"LinkedIn {li.handle}: ")  # the platform's reason follows
    herald_engine.run_until_idle()
    assert len(_engine_rows(herald_context, post.id)) == 1


def test_a_thread_part_or_first_comment_that_gives_up_is_recorded_with_which(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    from tests.core.chains.test_chains_emulator import _due

    x, li = herald_accounts["x"], herald_accounts["linkedin"]
    post_id, other = _thread_and_comment(herald_context, herald_workspace, x, li, herald_clock)
    herald_emulator.add_fault("linkedin", "comment", 503)
    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_once()
    herald_engine.run_once()
    herald_emulator.add_fault("twitter", "publish", 503)  # every later send
    for _ in range(6):
        _due(herald_clock, herald_emulator, herald_engine)
    [(action, detail, _at)] = [r for r in _engine_rows(herald_context, post_id) if r[0] == "fail"]
    assert detail.startswith(f"X {x.handle}: part 3: ")
    rows = _engine_rows(herald_context, post_id)
    assert [(r[0], r[1]) for r in rows[:2]] == [
        ("publish", f"X {x.handle}"),
        ("publish", f"X {x.handle}: part 2"),
    ]
    assert [r[0] for r in rows] == ["publish", "publish", "fail"]
    fails = [r[1] for r in _engine_rows(herald_context, other) if r[0] == "fail"]
    assert len(fails) == 1 and fails[0].startswith(f"LinkedIn {li.handle}: first comment: ")


def test_every_part_of_a_thread_and_a_first_comment_is_recorded_once_as_it_goes_out(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    from tests.core.chains.test_chains_emulator import _due

    x, li = herald_accounts["x"], herald_accounts["linkedin"]
    post_id, other = _thread_and_comment(herald_context, herald_workspace, x, li, herald_clock)
    advance(herald_clock, herald_emulator, 3600)
    for _ in range(4):
        _due(herald_clock, herald_emulator, herald_engine)
    assert PostService(herald_context.db).get(post_id).status == PostStatus.PUBLISHED
    rows = _engine_rows(herald_context, post_id)
    assert [(r[0], r[1]) for r in rows] == [
        ("publish", f"X {x.handle}"),
        ("publish", f"X {x.handle}: part 2"),
        ("publish", f"X {x.handle}: part 3"),
    ]
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)  # each at its own write-back
    assert [r[1] for r in _engine_rows(herald_context, other)] == [
        f"LinkedIn {li.handle}",
        f"LinkedIn {li.handle}: first comment",
    ]
    herald_engine.run_until_idle()  # nothing is recorded twice
    assert len(_engine_rows(herald_context, post_id)) == 3
