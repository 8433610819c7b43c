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

No network I/O happens inside a transaction: claim -> commit -> reserve every account's budget ->
fetch -> one short update for the whole run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select, update

from app.core.analytics import budget, store
from app.core.analytics.claims import DEFAULT_LEASE, claim_due, new_owner, next_due_at
from app.core.analytics.refusals import remember_refused
from app.core.analytics.store import Fetched, Job
from app.core.clock import Clock
from app.core.db import Database, write_transaction
from app.core.events import METRICS_UPDATED, NEEDS_REAUTH, EventHub
from app.core.models import Account, AccountStatus, MetricTask, Target
from app.core.ports import (
    AccountRef,
    AuthError,
    NetworkUnavailableError,
    PermanentError,
    PlatformAdapter,
    RateLimitedError,
    TransientError,
)
from app.platforms.names import Platform

if TYPE_CHECKING:
    from app.core.analytics.refresh import RefreshResult

log = logging.getLogger(__name__)

#: account id -> (adapter, account with usable credentials). Raising means "cannot now".
AdapterLookup = Callable[[int], tuple[PlatformAdapter, AccountRef]]
#: called on an AuthError; returns True when it refreshed the credentials (try once more).
AuthHandler = Callable[[int, AuthError], bool]

OFFLINE_WAIT = timedelta(minutes=1)

#: the claimed tasks with what fetching them needs, built once
_JOBS = (
    select(
        MetricTask.id,
        MetricTask.target_id,
        MetricTask.checkpoint,
        MetricTask.attempts,
        Target.external_id,
        Target.account_id,
    )
    .join(Target, Target.id == MetricTask.target_id)
    .where(MetricTask.id.in_(bindparam("task_ids", expanding=True)))
    .order_by(MetricTask.due_at, MetricTask.id)
)


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


@dataclass
class _Plan:
    """One account's share of a run: how to reach it and the batches it may fetch."""

    account_id: int
    adapter: PlatformAdapter
    ref: AccountRef
    by_external: dict[str, list[Job]]
    chunks: list[list[str]]

    def jobs_of(self, chunk: list[str]) -> list[Job]:
        return [j for e in chunk for j in self.by_external[e]]

    def ids(self) -> list[str]:
        return [e for chunk in self.chunks for e in chunk]


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
            # Three short transactions for the whole run, whatever the number of accounts:
            # budgets reserved together, fetches (no transaction), answers stored together.
            plans = self._plan(by_account, now, result)
            fetched: list[Fetched] = []
            try:
                for plan in plans:
                    self._fetch_account(plan, result, fetched)
            finally:
                self._store(fetched, result)  # what was fetched is kept, even after an error
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
    ) -> RefreshResult:
        """Manual "refresh now" (see app.core.analytics.refresh)."""
        from app.core.analytics.refresh import refresh_now

        return refresh_now(self, target_ids, progress, cancel)

    # ------------------------------------------------------------------ internals

    def _load_jobs(self, ids: list[int]) -> list[Job]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(_JOBS, {"task_ids": ids}).all()
        return [Job(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def _plan(
        self, by_account: dict[int, list[Job]], now: datetime, result: CollectResult
    ) -> list[_Plan]:
        """Each account's adapter and credentials (a refresh is network I/O: before the
        transaction), then one transaction: jobs without a platform id FAILED, every
        account's read budget reserved, the batches beyond it back in the queue."""
        no_id: list[Job] = []
        ready: list[_Plan] = []
        for account_id, account_jobs in by_account.items():
            no_id += [j for j in account_jobs if not j.external_id]
            usable = [j for j in account_jobs if j.external_id]
            if not usable:
                continue
            try:
                adapter, ref = self.adapter_for_account(account_id)
            except Exception as exc:  # noqa: BLE001 — classified below
                self._on_error(account_id, exc, usable, result)
                continue
            by_external: dict[str, list[Job]] = {}
            for job in usable:
                by_external.setdefault(str(job.external_id), []).append(job)
            chunks = chunked(list(by_external), adapter.metrics_batch_size)
            ready.append(_Plan(account_id, adapter, ref, by_external, chunks))
        if not no_id and not ready:
            return []
        with write_transaction(self.db.engine) as conn:
            if no_id:
                result.failed += len(
                    store.fail(conn, self.owner, no_id, "the post has no id on the platform", now)
                )
            # Every account's budget in one read and one write (was two statements each).
            units_of: dict[int, list[list[str]]] = {}
            wanted: dict[int, tuple[Platform, list[int]]] = {}
            for plan in ready:
                platform = Platform(plan.ref.platform)
                # Where the platform counts each post (Graph), the budget is taken post by
                # post, the oldest first, and the granted ones batched again: a batch that
                # does not fit whole never lets newer posts go first after it.
                units = plan.chunks if budget.per_call(platform) else chunked(plan.ids(), 1)
                units_of[plan.account_id] = units
                wanted[plan.account_id] = (
                    platform,
                    [budget.call_cost(platform, len(u)) for u in units],
                )
            granted_of = budget.reserve_many(conn, wanted, now)
            for plan in ready:
                units = units_of[plan.account_id]
                granted, reset_at = granted_of[plan.account_id]
                later = [j for unit in units[granted:] for j in plan.jobs_of(unit)]
                result.deferred += store.release(
                    conn, self.owner, later, reset_at, "waiting for the platform's rate-limit reset"
                )
                size = plan.adapter.metrics_batch_size
                plan.chunks = chunked([e for unit in units[:granted] for e in unit], size)
        return ready

    def _fetch_account(self, plan: _Plan, result: CollectResult, fetched: list[Fetched]) -> None:
        """Fetch the account's granted batches; answers go to `fetched`, errors are applied."""
        account_id, adapter, ref = plan.account_id, plan.adapter, plan.ref
        refreshed = False
        pending = plan.chunks
        while pending:
            chunk_jobs = plan.jobs_of(pending[0])
            rest = [j for c in pending[1:] for j in plan.jobs_of(c)]
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
                    except Exception as refresh_exc:  # noqa: BLE001 — classified below
                        self._on_error(account_id, refresh_exc, chunk_jobs + rest, result)
                        break
                self._on_error(account_id, exc, chunk_jobs + rest, result)
                break
            except (RateLimitedError, NetworkUnavailableError) as exc:
                self._on_error(account_id, exc, chunk_jobs + rest, result, ref.platform)
                break
            except Exception as exc:  # noqa: BLE001 — transient, permanent, or an adapter bug
                self._on_error(account_id, exc, chunk_jobs, result, ref.platform)
            else:
                fetched.append(Fetched(chunk_jobs, metrics, self.clock.now()))
            pending = pending[1:]

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

    def _store(self, fetched: list[Fetched], result: CollectResult) -> None:
        if not fetched:
            return
        now = self.clock.now()
        with write_transaction(self.db.engine) as conn:
            stored, failed = store.complete_many(conn, self.owner, fetched, now)
            for batch in fetched:
                refused = {name for m in batch.metrics.values() for name in m.refused_metrics}
                if refused and batch.jobs:
                    remember_refused(conn, batch.jobs[0].account_id, refused, batch.fetched_at)
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
