"""Shared set-up for the calendar and composer UI tests: a workspace, accounts, posts."""

from __future__ import annotations

from datetime import datetime

from app.core.appcontext import AppContext
from app.core.models import Account, AccountStatus, Post, Target, TargetStatus
from app.core.posts import PostService
from app.core.poststatus import derive_post_status
from app.platforms.names import Platform

ZONE = "Europe/London"  # UTC+0 in January: wall time == UTC time in these tests


def make_context(db, clock) -> AppContext:
    return AppContext(db=db, clock=clock)


def add_account(
    context, ws_id, platform=Platform.TWITTER, handle="@bakery", status=None, reason=None
):
    with context.db.session() as s:
        account = Account(
            workspace_id=ws_id,
            platform=platform,
            handle=handle,
            external_id=f"{platform}-{handle}",
            credentials_encrypted=None,
            status=status or AccountStatus.ACTIVE,
            status_reason=reason,
            settings={},
            created_at=context.clock.now(),
        )
        s.add(account)
        s.commit()
        return account.id


def setup_workspace(context):
    ws = context.workspaces.create("Bakery", ZONE)
    x = add_account(context, ws.id)
    li = add_account(context, ws.id, Platform.LINKEDIN, "Corner Bakery")
    return ws, x, li


def service(context) -> PostService:
    return PostService(context.db, context.clock, context.events)


def schedule(context, ws_id, accounts, wall: datetime, text="Fresh sourdough today") -> int:
    return (
        service(context).create(ws_id, text, accounts, scheduled_local=wall, action="schedule").id
    )


def set_targets(context, post_id, status, **fields):
    with context.db.session() as s:
        post = s.get(Post, post_id)
        for t in post.targets:
            if "account_id" in fields and t.account_id != fields["account_id"]:
                continue
            t.status = status
            for key, value in fields.items():
                if key != "account_id":
                    setattr(t, key, value)
        post.status = derive_post_status([TargetStatus(t.status) for t in post.targets])
        s.commit()


def target_statuses(context, post_id) -> dict[int, TargetStatus]:
    with context.db.session() as s:
        post = s.get(Post, post_id)
        return {t.account_id: TargetStatus(t.status) for t in post.targets}


def targets(context, post_id) -> list[Target]:
    with context.db.session() as s:
        return list(s.get(Post, post_id).targets)
