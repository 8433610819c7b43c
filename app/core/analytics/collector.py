"""Collect metrics at the planned checkpoints (1 h, 6 h, 24 h, 7 d after publishing).

`MetricsCollector.run_once()` claims due MetricTasks (leases, like publishing work), groups
them by account, batches each account's posts by the adapter's `metrics_batch_size` (X: 100
ids per call), spends the account's rate-limit budget, fetches, and stores one
AnalyticsSnapshot per task with `fetched_at` = the real time of the fetch. A checkpoint
missed while Herald was closed is simply due; it is fetched on the next run and stored with
that run's time. Several checkpoints of one post that are due together share one look-up.

Failures follow the engine's policy: transient -> retry after 1/5/15 min, then FAILED;
rate limited -> wait for the reset, no attempt burned; auth -> the account needs reauth and
its tasks wait in the queue; no network -> wait, no attempt burned.

No network I/O happens inside a transaction: claim -> commit -> fetch -> short update.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.constants import Platform
from app.core.analytics import budget, store
from app.core.analytics.claims import DEFAULT_LEASE, claim_due, new_owner, next_due_at
from app.core.analytics.refusals import remember_refused
from app.core.analytics.store import Job
from app.core.clock import Clock
from app.core.db import Database, write_transaction
from app.core.events import METRICS_UPDATED, NEEDS_REAUTH, EventHub
from app.core.models import Account, AccountStatus, MetricTask, Target
from app.core.ports import (
    AccountRef,
    AuthError,
    Metrics,
    NetworkUnavailableError,
    PermanentError,
    PlatformAdapter,
    RateLimitedError,
    TransientError,
)

log = logging.getLogger(__name__)

#: account id -> (adapter, account with usable credentials). Raising means "cannot now".
AdapterLookup = Callable[[int], tuple[PlatformAdapter, AccountRef]]
#: called on an AuthError; returns True when it refreshed the credentials (try once more).
AuthHandler = Callable[[int, AuthError], bool]

OFFLINE_WAIT = timedelta(minutes=1)


@dataclass
class CollectResult:
    claimed: int = 0
    stored: int = 0  # snapshots written
    retried: int = 0
    failed: int = 0
    deferred: int = 0  # back in the queue without an attempt (rate limit, reauth, offline)
    calls: int = 0  # fetch_metrics calls made
    target_ids: list[int] = field(default_factory=list)
    offline: bool = False

    def add(self, other: CollectResult) -> None:
        for name in ("claimed", "stored", "retried", "failed", "deferred", "calls"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.target_ids.extend(other.target_ids)
        self.offline = self.offline or other.offline


def chunked(items: Sequence[str], size: int) -> list[list[str]]:
    size = max(1, int(size))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class MetricsCollector:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        adapter_for_account: AdapterLookup,
        events: EventHub | None = None,
        *,
        auth_handler: AuthHandler | None = None,
        owner: str | None = None,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self.db = db
        self.clock = clock
        self.adapter_for_account = adapter_for_account
        self.events = events
        self.auth_handler = auth_handler
        self.owner = owner or new_owner()
        self.lease = lease
        self._lock = threading.Lock()  # one run at a time per collector

    # ------------------------------------------------------------------ public

    def next_due_at(self) -> datetime | None:
        return next_due_at(self.db)

    def run_once(self, limit: int = 500) -> CollectResult:
        """Claim and fetch what is due now (at most `limit` tasks)."""
        with self._lock:
            now = self.clock.now()
            ids = claim_due(self.db, now, self.owner, limit, self.lease)
            result = CollectResult(claimed=len(ids))
            if not ids:
                return result
            jobs = self._load_jobs(ids)
            by_account: dict[int, list[Job]] = {}
            for job in jobs:
                by_account.setdefault(job.account_id, []).append(job)
            for account_id, account_jobs in by_account.items():
                result.add(self._collect_account(account_id, account_jobs))
            if result.target_ids and self.events is not None:
                self.events.publish(METRICS_UPDATED, target_ids=sorted(set(result.target_ids)))
            return result

    def run_until_idle(self, limit: int = 500, max_rounds: int = 1000) -> CollectResult:
        """run_once until nothing due is left (or the network is gone)."""
        total = CollectResult()
        for _ in range(max_rounds):
            result = self.run_once(limit)
            total.add(result)
            if result.claimed == 0 or result.offline:
                break
        return total

    def refresh_now(
        self,
        target_ids: Sequence[int],
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ):  # type: ignore[no-untyped-def]
        """Manual "refresh now" (see app.core.analytics.refresh)."""
        from app.core.analytics.refresh import refresh_now

        return refresh_now(self, target_ids, progress, cancel)

    # ------------------------------------------------------------------ internals

    def _load_jobs(self, ids: list[int]) -> list[Job]:
        with self.db.session() as s:
            rows = s.execute(
                select(
                    MetricTask.id,
                    MetricTask.target_id,
                    MetricTask.checkpoint,
                    MetricTask.attempts,
                    Target.external_id,
                    Target.account_id,
                )
                .join(Target, Target.id == MetricTask.target_id)
                .where(MetricTask.id.in_(ids))
                .order_by(MetricTask.due_at, MetricTask.id)
            ).all()
        return [Job(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def _collect_account(self, account_id: int, jobs: list[Job]) -> CollectResult:
        result = CollectResult()
        now = self.clock.now()
        no_id = [j for j in jobs if not j.external_id]
        if no_id:
            with write_transaction(self.db.engine) as conn:
                result.failed += len(
                    store.fail(conn, self.owner, no_id, "the post has no id on the platform", now)
                )
        jobs = [j for j in jobs if j.external_id]
        if not jobs:
            return result
        try:
            adapter, ref = self.adapter_for_account(account_id)
        except Exception as exc:  # classified below
            self._on_error(account_id, exc, jobs, result)
            return result

        by_external: dict[str, list[Job]] = {}
        for job in jobs:
            by_external.setdefault(str(job.external_id), []).append(job)
        chunks = chunked(list(by_external), adapter.metrics_batch_size)
        with write_transaction(self.db.engine) as conn:
            granted, reset_at = budget.reserve(
                conn, account_id, Platform(ref.platform), now, len(chunks)
            )
            later = [j for chunk in chunks[granted:] for e in chunk for j in by_external[e]]
            result.deferred += store.release(
                conn, self.owner, later, reset_at, "waiting for the platform's rate-limit reset"
            )
        refreshed = False
        pending = chunks[:granted]
        while pending:
            chunk_jobs = [j for e in pending[0] for j in by_external[e]]
            rest = [j for c in pending[1:] for e in c for j in by_external[e]]
            try:
                result.calls += 1
                metrics = adapter.fetch_metrics(ref, pending[0])
            except AuthError as exc:
                if not refreshed and self.auth_handler is not None:
                    refreshed = True
                    try:
                        if self.auth_handler(account_id, exc):
                            adapter, ref = self.adapter_for_account(account_id)
                            continue  # the same batch once more, with the new credentials
                    except Exception as refresh_exc:  # classified below
                        self._on_error(account_id, refresh_exc, chunk_jobs + rest, result)
                        break
                self._on_error(account_id, exc, chunk_jobs + rest, result)
                break
            except (RateLimitedError, NetworkUnavailableError) as exc:
                self._on_error(account_id, exc, chunk_jobs + rest, result, ref.platform)
                break
            except Exception as exc:  # transient, permanent, or an adapter bug
                self._on_error(account_id, exc, chunk_jobs, result, ref.platform)
            else:
                self._store(chunk_jobs, metrics, result)
            pending = pending[1:]
        return result

    def _on_error(
        self,
        account_id: int,
        exc: BaseException,
        jobs: list[Job],
        result: CollectResult,
        platform: Platform | None = None,
    ) -> None:
        """Apply the retry policy to `jobs` after `exc` (from a look-up or a refresh too)."""
        now = self.clock.now()
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        if isinstance(exc, AuthError):
            with write_transaction(self.db.engine) as conn:
                result.deferred += store.release(conn, self.owner, jobs, None, message)
            self.mark_needs_reauth(account_id, message)
            return
        if isinstance(exc, RateLimitedError) and platform is not None:
            with write_transaction(self.db.engine) as conn:
                reset = budget.record_rate_limited(
                    conn, account_id, Platform(platform), now, exc.reset_at, exc.rate_limit
                )
                result.deferred += store.release(
                    conn, self.owner, jobs, reset, f"rate limited until {reset:%Y-%m-%d %H:%M} UTC"
                )
            return
        if isinstance(exc, NetworkUnavailableError):
            with write_transaction(self.db.engine) as conn:
                result.deferred += store.release(
                    conn, self.owner, jobs, now + OFFLINE_WAIT, message
                )
            result.offline = True
            return
        with write_transaction(self.db.engine) as conn:
            if isinstance(exc, PermanentError):
                result.failed += len(store.fail(conn, self.owner, jobs, message, now))
                return
            if not isinstance(exc, TransientError):
                log.warning("metrics: account %s: %s: %s", account_id, type(exc).__name__, message)
            retried, failed = store.retry_or_fail(conn, self.owner, jobs, message, now)
        result.retried += retried
        result.failed += failed

    def _store(self, jobs: list[Job], metrics: dict[str, Metrics], result: CollectResult) -> None:
        fetched_at = self.clock.now()
        refused = {name for m in metrics.values() for name in m.refused_metrics}
        with write_transaction(self.db.engine) as conn:
            stored, failed = store.complete(conn, self.owner, jobs, metrics, fetched_at)
            if refused and jobs:
                remember_refused(conn, jobs[0].account_id, refused, fetched_at)
        result.stored += len(stored)
        result.failed += len(failed)
        result.target_ids.extend(stored)

    def mark_needs_reauth(self, account_id: int, reason: str) -> None:
        """ACTIVE -> REQUIRES_REAUTH (its tasks stay queued until reconnected), and say so."""
        with write_transaction(self.db.engine) as conn:
            changed = conn.execute(
                update(Account)
                .where(Account.id == account_id, Account.status == AccountStatus.ACTIVE)
                .values(status=AccountStatus.REQUIRES_REAUTH, status_reason=reason[:2000])
            ).rowcount
            row = conn.execute(
                select(Account.handle, Account.platform).where(Account.id == account_id)
            ).first()
        if changed and row is not None and self.events is not None:
            self.events.publish(
                NEEDS_REAUTH,
                account_id=account_id,
                handle=row[0],
                platform=Platform(row[1]).value,
                reason=reason,
            )
