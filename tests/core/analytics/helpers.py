"""Seeding and fakes shared by the analytics tests (core, commands, UI, bench)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from app.core.db import Database
from app.core.metric_plan import plan_checkpoints
from app.core.models import (
    Account,
    AccountStatus,
    AnalyticsSnapshot,
    Checkpoint,
    Post,
    PostStatus,
    Target,
    TargetStatus,
    Workspace,
)
from app.core.ports import AccountRef, Credentials, Metrics
from app.platforms.names import Platform

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday; FakeClock's default start


def workspace(db: Database, name: str = "Bakery", zone: str = "Europe/London") -> int:
    with db.session() as s:
        ws = Workspace(name=name, timezone=zone, created_at=T0)
        s.add(ws)
        s.commit()
        return ws.id


def account(
    db: Database,
    workspace_id: int,
    platform: Platform,
    *,
    handle: str | None = None,
    status: AccountStatus = AccountStatus.ACTIVE,
) -> int:
    with db.session() as s:
        acc = Account(
            workspace_id=workspace_id,
            platform=platform,
            handle=handle or f"{platform.value.lower()}_shop",
            external_id=f"ext-{platform.value}-{handle or 'shop'}",
            status=status,
            settings={},
            created_at=T0,
        )
        s.add(acc)
        s.commit()
        return acc.id


def publish(
    db: Database,
    workspace_id: int,
    account_ids: Sequence[int] | int,
    when: datetime,
    *,
    text: str = "Fresh bread today",
    plan: bool = False,
    deleted: bool = False,
) -> tuple[int, list[int]]:
    """A post published at `when` on each account; returns (post id, target ids)."""
    ids = [account_ids] if isinstance(account_ids, int) else list(account_ids)
    with db.session() as s:
        post = Post(
            workspace_id=workspace_id,
            base_text=text,
            scheduled_at=when,
            scheduled_tz="UTC",
            status=PostStatus.PUBLISHED,
            created_at=when,
            updated_at=when,
            deleted_at=when if deleted else None,
        )
        s.add(post)
        s.flush()
        targets = []
        for acc_id in ids:
            t = Target(
                post_id=post.id,
                account_id=acc_id,
                status=TargetStatus.PUBLISHED,
                attempts=1,
                external_id=f"p{post.id}-a{acc_id}",
                published_at=when,
                updated_at=when,
            )
            s.add(t)
            s.flush()
            targets.append(t.id)
            if plan:
                plan_checkpoints(s, t.id, when)
        s.commit()
        return post.id, targets


def snapshot(
    db: Database,
    target_id: int,
    checkpoint: Checkpoint,
    *,
    likes: int = 0,
    shares: int = 0,
    comments: int = 0,
    impressions: int | None = 0,
    fetched_at: datetime = T0,
) -> None:
    with db.session() as s:
        s.add(
            AnalyticsSnapshot(
                target_id=target_id,
                checkpoint=checkpoint,
                likes=likes,
                shares=shares,
                comments=comments,
                impressions=impressions,
                fetched_at=fetched_at,
            )
        )
        s.commit()


def measured_post(
    db: Database,
    workspace_id: int,
    account_id: int,
    when: datetime,
    rate: float,
    impressions: int = 1000,
) -> int:
    """A post with a 24 h snapshot of the given engagement rate; returns the target id."""
    _post, (target,) = publish(db, workspace_id, account_id, when)
    engagement = round(rate * impressions)
    snapshot(
        db,
        target,
        Checkpoint.H24,
        likes=engagement,
        impressions=impressions,
        fetched_at=when + timedelta(hours=24),
    )
    return target


def bulk_measured(
    db: Database,
    workspace_id: int,
    account_id: int,
    rows: Sequence[tuple[datetime, float]],
    impressions: int = 1000,
) -> None:
    """Many (published_at, rate) posts at once (executemany), each with a 24 h snapshot."""
    with db.engine.begin() as conn:
        post_ids = []
        for when, _rate in rows:
            post_ids.append(
                conn.execute(
                    insert(Post)
                    .values(
                        workspace_id=workspace_id,
                        base_text="",
                        scheduled_at=when,
                        scheduled_tz="UTC",
                        status=PostStatus.PUBLISHED,
                        created_at=when,
                        updated_at=when,
                    )
                    .returning(Post.id)
                ).scalar_one()
            )
        target_ids = []
        for post_id, (when, _rate) in zip(post_ids, rows, strict=True):
            target_ids.append(
                conn.execute(
                    insert(Target)
                    .values(
                        post_id=post_id,
                        account_id=account_id,
                        status=TargetStatus.PUBLISHED,
                        attempts=1,
                        idempotency_key=f"k{post_id}",
                        external_id=f"p{post_id}",
                        published_at=when,
                        updated_at=when,
                    )
                    .returning(Target.id)
                ).scalar_one()
            )
        conn.execute(
            insert(AnalyticsSnapshot),
            [
                {
                    "target_id": t,
                    "checkpoint": Checkpoint.H24,
                    "likes": round(rate * impressions),
                    "shares": 0,
                    "comments": 0,
                    "impressions": impressions,
                    "fetched_at": when + timedelta(hours=24),
                }
                for t, (when, rate) in zip(target_ids, rows, strict=True)
            ],
        )


def ref(platform: Platform, handle: str = "shop") -> AccountRef:
    return AccountRef(
        platform=platform,
        external_id=f"ext-{handle}",
        handle=handle,
        credentials=Credentials(access_token="token-not-real"),
    )


@dataclass
class FakeAdapter:
    """fetch_metrics that records its calls; errors queued in `errors` are raised first."""

    platform: Platform = Platform.TWITTER
    metrics_batch_size: int = 100
    errors: list[Exception] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    calls: list[list[str]] = field(default_factory=list)
    value: Callable[[str, int], Metrics] | None = None

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        ids = list(external_ids)
        if len(ids) > self.metrics_batch_size:
            raise AssertionError(f"{len(ids)} ids in one call, limit {self.metrics_batch_size}")
        self.calls.append(ids)
        if self.errors:
            raise self.errors.pop(0)
        n = len(self.calls)
        make = self.value or (
            lambda i, call: Metrics(likes=call, shares=1, comments=1, impressions=100)
        )
        return {i: make(i, n) for i in ids if i not in self.gone}

    @property
    def fetched(self) -> list[str]:
        return [i for call in self.calls for i in call]
