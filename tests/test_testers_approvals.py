"""Issue 23's done-when test, through the testers' plugin: the approval flow end to end on
SQLite, with the roles enforced by the app (the OS user is the member's name)."""

import socket
from datetime import datetime, timedelta

import pytest

from app.core.approvals import ApprovalError
from app.core.audit import AuditService
from app.core.models import ApprovalState
from app.testing import add_members, advance

AT_TEN = datetime(2026, 1, 5, 10, 0)  # an hour after the plugin's clock starts


def test_editor_submits_approver_asks_for_changes_then_approves_and_it_publishes(
    herald_context,
    herald_workspace,
    herald_accounts,
    herald_clock,
    herald_emulator,
    herald_engine,
    herald_approvals,
    herald_act_as,
):
    ctx, flow = herald_context, herald_approvals
    add_members(ctx, herald_workspace, {"Ann": "editor", "Bob": "approver", "Ada": "admin"})
    herald_act_as("Ada")
    flow.set_required(herald_workspace.id, True)
    x = [herald_accounts["x"].id]

    herald_act_as("Ann")
    post = ctx.posts.create(
        herald_workspace.id,
        "Our new bakery opens at 10!",
        x,
        scheduled_local=AT_TEN,
        action="schedule",
    ).id
    idle = ctx.posts.create(
        herald_workspace.id, "Never approved", x, scheduled_local=AT_TEN, action="schedule"
    ).id
    flow.submit(post)
    flow.submit(idle)
    with pytest.raises(ApprovalError, match="Ann is an editor here and can't approve"):
        flow.approve(post)

    herald_clock.advance(timedelta(minutes=5))
    herald_act_as("Bob")
    flow.request_changes(post, "Opening is at 11, not 10. @Ann please fix.")

    herald_clock.advance(timedelta(minutes=5))
    herald_act_as("Ann")
    ctx.posts.update(
        post, "Our new bakery opens at 11!", x, scheduled_local=AT_TEN, action="schedule"
    )
    assert flow.state(post).state == ApprovalState.CHANGES_REQUESTED  # still needs a resubmit
    flow.submit(post)

    herald_clock.advance(timedelta(minutes=5))
    herald_act_as("Bob")
    assert flow.approve(post).state == ApprovalState.APPROVED

    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_until_idle()
    assert [p["text"] for p in herald_emulator.published()] == ["Our new bakery opens at 11!"]
    assert ctx.posts.get(post).status == "PUBLISHED"
    # The one nobody approved waits at its time, and says so.
    assert ctx.posts.get(idle).status == "SCHEDULED"
    assert [(w.post_id, w.waiting_reason) for w in flow.waiting(herald_workspace.id)] == [
        (idle, "Waiting for approval: in review")
    ]

    [comment] = flow.comments(post)
    assert (comment.author, comment.mentions) == ("Bob", ("Ann",))
    # Every step of the flow, with who and when, the engine's publish included: written by
    # the worker in the transaction that marked the target PUBLISHED, at the database's time.
    entries = AuditService(ctx.db).entries(herald_workspace.name, post_id=post)
    steps = [(e.who, e.action, e.at.strftime("%H:%M")) for e in entries]
    worker = f"Herald worker on {socket.gethostname()} (Bob)"  # the OS user running it
    assert steps == [
        ("Ann", "create", "09:00"),
        ("Ann", "submit", "09:00"),
        ("Bob", "request_changes", "09:05"),
        ("Bob", "comment", "09:05"),
        ("Ann", "update", "09:10"),
        ("Ann", "submit", "09:10"),
        ("Bob", "approve", "09:15"),
        (worker, "publish", "10:15"),
    ]
    assert entries[-1].detail == f"X {herald_accounts['x'].handle}"
    [target] = ctx.posts.get(post).targets
    assert target.published_at is not None and target.published_at.strftime("%H:%M") == "10:15"
    # Running the engine again (a restart, a recovery) adds nothing.
    herald_engine.run_until_idle()
    assert len(AuditService(ctx.db).entries(herald_workspace.name, post_id=post)) == len(steps)
    # The unapproved post never went out: nothing about it from the engine.
    assert [e.action for e in AuditService(ctx.db).entries(post_id=idle)] == ["create", "submit"]
