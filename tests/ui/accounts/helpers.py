"""Seeding and stubs shared by the Accounts tests."""

from __future__ import annotations

from datetime import timedelta

from app.core.models import Account, AccountStatus, Post, PostStatus, Target, TargetStatus
from app.core.ports import ConnectedAccount, Credentials
from app.platforms.names import Platform


def add_account(
    db,
    clock,
    workspace_id: int,
    platform: Platform = Platform.TWITTER,
    handle: str = "@bakery",
    *,
    external_id: str | None = None,
    status: AccountStatus = AccountStatus.ACTIVE,
    reason: str | None = None,
    expires_in: timedelta | None = timedelta(days=12, hours=3),
    settings: dict | None = None,
) -> int:
    """An account row inserted directly (no credentials), as a seed or another process would."""
    with db.session() as s:
        account = Account(
            workspace_id=workspace_id,
            platform=platform,
            handle=handle,
            external_id=external_id or f"{platform.value.lower()}-{handle}",
            credentials_encrypted=None,
            token_expires_at=clock.now() + expires_in if expires_in is not None else None,
            status=status,
            status_reason=reason,
            settings=settings or {},
            created_at=clock.now(),
        )
        s.add(account)
        s.commit()
        return account.id


def add_post(db, clock, workspace_id: int, account_id: int, text: str = "Fresh bread at 8") -> int:
    now = clock.now()
    with db.session() as s:
        post = Post(
            workspace_id=workspace_id,
            base_text=text,
            scheduled_at=now + timedelta(days=1),
            scheduled_tz="Europe/London",
            status=PostStatus.SCHEDULED,
            created_at=now,
            updated_at=now,
        )
        post.targets.append(
            Target(account_id=account_id, status=TargetStatus.QUEUED, updated_at=now)
        )
        s.add(post)
        s.commit()
        return post.id


def connected(
    clock,
    platform: Platform = Platform.TWITTER,
    handle: str = "@bakery",
    external_id: str = "x-1",
    token: str = "stub-access-token-0001",
) -> ConnectedAccount:
    return ConnectedAccount(
        platform=platform,
        external_id=external_id,
        handle=handle,
        credentials=Credentials(
            access_token=token,
            refresh_token="stub-refresh-token-0001",
            expires_at=clock.now() + timedelta(days=30),
        ),
    )


class StubConnect:
    """Stands in for app.adapters.oauth.connect: records calls, returns canned accounts."""

    def __init__(self, result=None, error: Exception | None = None, block: bool = False):
        self.result = result or []
        self.error = error
        self.block = block
        self.calls: list[dict] = []

    def __call__(self, platform, app, config, *, cancel=None, **kwargs):
        self.calls.append({"platform": platform, "app": app, "config": config, **kwargs})
        if self.block:
            assert cancel is not None
            cancel.wait(10)
            raise RuntimeError("Sign-in cancelled.")
        if self.error is not None:
            raise self.error
        return list(self.result)
