"""Publish a history of posts through real adapters on a movable clock, and measure it.

For demo data (the emulator) and for tests that need weeks of realistic analytics: the clock
is moved from one event to the next (a post's publish time, a metric checkpoint), posts are
published with the platform adapter at their time, and the MetricsCollector fetches every
checkpoint when it falls due, exactly as in real use, only faster.

The clock must be settable (`set(instant)`, like FakeClock) and the platform must see the
same time (the emulator takes a `now` callable, or its control API can be driven by a clock
wrapper). Adapters come in through `adapter_for_account`: core never imports app.adapters.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from app.core.analytics.collector import AdapterLookup, AuthHandler, MetricsCollector
from app.core.db import Database, write_transaction
from app.core.metric_plan import plan_checkpoints
from app.core.models import Post, PostMedia, PostStatus, Target, TargetStatus
from app.core.ports import AuthError, MediaItem, PublishError


class SettableClock(Protocol):
    def now(self) -> datetime: ...

    def set(self, instant: datetime) -> None: ...


@dataclass(frozen=True)
class HistoryPost:
    when: datetime  # UTC publish time
    account_id: int
    text: str
    media: Sequence[MediaItem] = ()
    media_ids: Sequence[int] = ()  # Media rows to link to the post (its thumbnails in Herald)


@dataclass
class HistoryResult:
    published: int = 0
    failed: list[str] = field(default_factory=list)  # "when account: reason"
    snapshots: int = 0
    steps: int = 0
    post_ids: list[int] = field(default_factory=list)


def publish_history(
    db: Database,
    clock: SettableClock,
    workspace_id: int,
    posts: Sequence[HistoryPost],
    adapter_for_account: AdapterLookup,
    collector: MetricsCollector,
    until: datetime,
    progress: Callable[[int, int], None] | None = None,
    daily: Callable[[], object] | None = None,
) -> HistoryResult:
    """Publish `posts` at their times and collect their checkpoints up to `until`.

    Each post becomes a PUBLISHED Post with one PUBLISHED Target (external id, published_at =
    the clock at publishing) and its planned metric checkpoints. A post the platform refuses
    is listed in `failed` and skipped; an auth failure gets the collector's `auth_handler`
    (one refresh) first. `daily()` runs once per simulated day, at midnight UTC: what the
    maintenance job does in real use (refreshing long-lived tokens before they expire).
    Returns counts; `progress(done, total)` after each post."""
    queue = sorted(posts, key=lambda p: p.when)
    result = HistoryResult()
    i = 0
    next_day = _next_midnight(clock.now()) if daily is not None else None
    while True:
        next_post = queue[i].when if i < len(queue) else None
        next_metric = collector.next_due_at()
        candidates = [t for t in (next_post, next_metric, next_day) if t is not None and t <= until]
        if not candidates:
            break
        step = min(candidates)
        if step > clock.now():
            clock.set(step)
        result.steps += 1
        if daily is not None and next_day is not None and clock.now() >= next_day:
            daily()
            next_day = _next_midnight(clock.now())
        while i < len(queue) and queue[i].when <= clock.now():
            _publish_one(
                db,
                clock,
                workspace_id,
                queue[i],
                adapter_for_account,
                collector.auth_handler,
                result,
            )
            i += 1
            if progress is not None:
                progress(i, len(queue))
        result.snapshots += collector.run_until_idle().stored
    if until > clock.now():
        clock.set(until)
    result.snapshots += collector.run_until_idle().stored
    return result


def _next_midnight(instant: datetime) -> datetime:
    day = instant.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(days=1)


def _publish_one(
    db: Database,
    clock: SettableClock,
    workspace_id: int,
    post: HistoryPost,
    adapter_for_account: AdapterLookup,
    auth_handler: AuthHandler | None,
    result: HistoryResult,
) -> None:
    key = uuid.uuid4().hex
    try:
        try:
            adapter, ref = adapter_for_account(post.account_id)
            published = adapter.publish(ref, post.text, list(post.media), key)
        except AuthError as exc:  # one refresh, as the engine does
            if auth_handler is None or not auth_handler(post.account_id, exc):
                raise
            adapter, ref = adapter_for_account(post.account_id)
            published = adapter.publish(ref, post.text, list(post.media), key)
    except PublishError as exc:
        result.failed.append(f"{post.when:%Y-%m-%d %H:%M} account {post.account_id}: {exc.message}")
        return
    now = clock.now()
    with write_transaction(db.engine) as conn, Session(bind=conn) as s:
        row = Post(
            workspace_id=workspace_id,
            base_text=post.text,
            scheduled_at=post.when,
            scheduled_tz="UTC",
            status=PostStatus.PUBLISHED,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        s.flush()
        for position, media_id in enumerate(post.media_ids):
            s.add(PostMedia(post_id=row.id, media_id=media_id, position=position))
        target = Target(
            post_id=row.id,
            account_id=post.account_id,
            status=TargetStatus.PUBLISHED,
            attempts=1,
            idempotency_key=key,
            external_id=published.external_id,
            external_url=published.url,
            published_at=now,
            updated_at=now,
        )
        s.add(target)
        s.flush()
        plan_checkpoints(s, target.id, now)
        s.flush()
        result.post_ids.append(row.id)
    result.published += 1
