"""Manual "refresh now" for one post or a whole range: progress, cancellable, MANUAL snapshots.

It spends the same per-account budget as the scheduled checkpoints and never touches the
planned MetricTasks. Runs on a worker thread (the UI's QThreadPool); `progress(done, total)`
is called from that thread after every batch, and `cancel` is checked before each one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.core.analytics import budget, store
from app.core.analytics.collector import chunked
from app.core.db import write_transaction
from app.core.events import METRICS_UPDATED
from app.core.models import Account, AccountStatus, Checkpoint, Post, Target, TargetStatus
from app.core.ports import AuthError, NetworkUnavailableError, PublishError, RateLimitedError
from app.platforms.names import Platform

if TYPE_CHECKING:
    from app.core.analytics.collector import MetricsCollector
    from app.core.db import Database


@dataclass
class RefreshResult:
    total: int = 0  # targets asked for that can be refreshed
    done: int = 0  # processed (stored, or given up for this run)
    stored: int = 0
    skipped: int = 0  # not published, deleted, or the account needs attention
    cancelled: bool = False
    errors: list[str] = field(default_factory=list)
    target_ids: list[int] = field(default_factory=list)


def _fetchable(db: Database, target_ids: Sequence[int]) -> list[tuple[int, str, int]]:
    """(target id, external id, account id) of the given targets that can be fetched now."""
    out: list[tuple[int, str, int]] = []
    ids = list(dict.fromkeys(target_ids))
    with db.session() as s:
        for i in range(0, len(ids), 900):
            out.extend(
                (r[0], str(r[1]), r[2])
                for r in s.execute(
                    select(Target.id, Target.external_id, Target.account_id)
                    .join(Account, Account.id == Target.account_id)
                    .join(Post, Post.id == Target.post_id)
                    .where(
                        Target.id.in_(ids[i : i + 900]),
                        Target.status == TargetStatus.PUBLISHED,
                        Target.external_id.is_not(None),
                        Post.deleted_at.is_(None),
                        Account.status == AccountStatus.ACTIVE,
                    )
                    .order_by(Target.account_id, Target.id)
                )
            )
    return out


def targets_in_range(
    db: Database,
    workspace_id: int,
    start: datetime,
    end: datetime,
    platforms: Sequence[Platform] | None = None,
) -> list[int]:
    """Published targets of a workspace whose publish time is in [start, end)."""
    q = (
        select(Target.id)
        .join(Account, Account.id == Target.account_id)
        .join(Post, Post.id == Target.post_id)
        .where(
            Account.workspace_id == workspace_id,
            Target.status == TargetStatus.PUBLISHED,
            Target.published_at >= start,
            Target.published_at < end,
            Post.deleted_at.is_(None),
        )
        .order_by(Target.published_at)
    )
    if platforms:
        q = q.where(Account.platform.in_([Platform(p) for p in platforms]))
    with db.session() as s:
        return list(s.scalars(q))


def refresh_now(
    collector: MetricsCollector,
    target_ids: Sequence[int],
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> RefreshResult:
    rows = _fetchable(collector.db, target_ids)
    result = RefreshResult(total=len(rows), skipped=len(set(target_ids)) - len(rows))
    report = progress or (lambda _done, _total: None)
    report(0, result.total)
    by_account: dict[int, dict[str, list[int]]] = {}
    for target_id, external_id, account_id in rows:
        by_account.setdefault(account_id, {}).setdefault(external_id, []).append(target_id)
    for account_id, by_external in by_account.items():
        _refresh_account(collector, account_id, by_external, result, report, cancel)
        if result.cancelled:
            break
    if result.target_ids and collector.events is not None:
        collector.events.publish(METRICS_UPDATED, target_ids=sorted(set(result.target_ids)))
    return result


def _refresh_account(
    collector: MetricsCollector,
    account_id: int,
    by_external: dict[str, list[int]],
    result: RefreshResult,
    report: Callable[[int, int], None],
    cancel: threading.Event | None,
) -> None:
    db, clock = collector.db, collector.clock
    left = sum(len(v) for v in by_external.values())

    def give_up(message: str) -> None:
        result.errors.append(message)
        result.done += left
        report(result.done, result.total)

    try:
        adapter, ref = collector.adapter_for_account(account_id)
    except Exception as exc:  # noqa: BLE001 any failure to build the adapter ends this account only
        give_up(f"account {account_id}: {exc}")
        return
    name = f"{Platform(ref.platform).label} @{ref.handle}"
    for chunk in chunked(list(by_external), adapter.metrics_batch_size):
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            return
        count = sum(len(by_external[e]) for e in chunk)
        with write_transaction(db.engine) as conn:
            platform = Platform(ref.platform)
            cost = budget.call_cost(platform, len(chunk))
            granted, reset_at = budget.reserve(conn, account_id, platform, clock.now(), [cost])
        if not granted:
            give_up(f"{name}: rate limit reached; try again after {reset_at:%H:%M} UTC")
            return
        try:
            metrics = adapter.fetch_metrics(ref, chunk)
        except AuthError as exc:
            collector.mark_needs_reauth(account_id, exc.message)
            give_up(f"{name}: {exc.message} (reconnect the account)")
            return
        except RateLimitedError as exc:
            with write_transaction(db.engine) as conn:
                reset = budget.record_rate_limited(
                    conn,
                    account_id,
                    Platform(ref.platform),
                    clock.now(),
                    exc.reset_at,
                    exc.rate_limit,
                )
            give_up(f"{name}: rate limited; try again after {reset:%H:%M} UTC")
            return
        except NetworkUnavailableError as exc:
            give_up(f"{name}: {exc.message}")
            return
        except PublishError as exc:  # transient or permanent: this batch only
            result.errors.append(f"{name}: {exc.message}")
        else:
            stored = [
                (target_id, Checkpoint.MANUAL, metrics[e])
                for e in chunk
                if e in metrics
                for target_id in by_external[e]
            ]
            with write_transaction(db.engine) as conn:
                store.insert_snapshots(conn, store.snapshot_rows(stored, clock.now()))
            result.stored += len(stored)
            result.target_ids.extend(t for t, _c, _m in stored)
        left -= count
        result.done += count
        report(result.done, result.total)
