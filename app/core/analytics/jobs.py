"""Analytics work for the maintenance scheduler (app.core.engine.maintenance).

Call `register()` before a `Maintenance` is created (the GUI's scheduler thread and the
headless worker) and it runs:
- "analytics-collect" every minute: the metric checkpoints that fell due, caught up after a
  restart (one cheap indexed claim when nothing is due);
- "besttime-recompute" every 6 hours: the best-time cache of every workspace.

`collector_for(ctx)` builds a MetricsCollector on the same accounts and adapters the engine
uses; tokens about to expire are refreshed first, and an auth failure gets one refresh.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta

from app.core import besttime
from app.core.analytics.collector import CollectResult, MetricsCollector
from app.core.engine.maintenance import MaintenanceContext, MaintenanceJob, register_job
from app.core.ports import AccountRef, AuthError, PlatformAdapter

REFRESH_MARGIN = timedelta(minutes=5)
_refresh_lock = threading.Lock()  # X refresh tokens are single-use: one refresh at a time


class AccountAccess:
    """Adapters and fresh credentials for an account, from a MaintenanceContext.

    One instance serves one collector (`collector_for`: one maintenance run): an account's
    adapter and decrypted credentials are remembered while its token stays clear of the
    refresh margin, so a run that measures many batches reads and decrypts them once per
    account, not once per batch. An auth failure forgets the account; a refresh always
    re-reads the stored credentials first (refresh tokens are single-use)."""

    def __init__(self, ctx: MaintenanceContext) -> None:
        self.ctx = ctx
        self._known: dict[int, tuple[PlatformAdapter, AccountRef]] = {}

    def lookup(self, account_id: int) -> tuple[PlatformAdapter, AccountRef]:
        known = self._known.get(account_id)
        if known is not None:
            if not self._expiring(known[1]):
                return known
            # Expiring: the stored credentials are read once, under the refresh lock (the
            # engine may have refreshed them meanwhile), and refreshed when still the same.
            adapter, stale = known
            ref = self._refresh(account_id, adapter, stale)
        else:
            info = self.ctx.accounts.get(account_id)
            adapter = self.ctx.adapters.adapter(info)
            app = self.ctx.adapters.app_credentials(info)
            ref = self.ctx.accounts.account_ref(account_id, app, info=info)
            if self._expiring(ref):
                ref = self._refresh(account_id, adapter, ref)
        self._known[account_id] = (adapter, ref)
        return adapter, ref

    def forget(self, account_ids: Iterable[int] | None = None) -> None:
        """Credentials changed elsewhere (a refresh job, a reconnect): read them again (those
        of `account_ids`, or all)."""
        if account_ids is None:
            self._known.clear()
        for account_id in account_ids or ():
            self._known.pop(account_id, None)

    def _expiring(self, ref: AccountRef) -> bool:
        expires = ref.credentials.expires_at
        return expires is not None and expires < self.ctx.clock.now() + REFRESH_MARGIN

    def _refresh(self, account_id: int, adapter: PlatformAdapter, stale: AccountRef) -> AccountRef:
        with _refresh_lock:
            info = self.ctx.accounts.get(account_id)
            current = self.ctx.accounts.account_ref(
                account_id, self.ctx.adapters.app_credentials(info), info=info
            )
            if current.credentials != stale.credentials and not self._expiring(current):
                return current  # someone (the engine) refreshed meanwhile
            creds = adapter.refresh(current)
            self.ctx.accounts.save_credentials(account_id, creds)
            return replace(current, credentials=creds)

    def on_auth_error(self, account_id: int, _exc: AuthError) -> bool:
        """One refresh; raises AuthError when the platform refuses it (reauth needed)."""
        self._known.pop(account_id, None)
        info = self.ctx.accounts.get(account_id)
        adapter = self.ctx.adapters.adapter(info)
        app = self.ctx.adapters.app_credentials(info)
        stale = self.ctx.accounts.account_ref(account_id, app, info=info)
        self._refresh(account_id, adapter, stale)
        return True


def collector_for(ctx: MaintenanceContext) -> MetricsCollector:
    access = AccountAccess(ctx)
    return MetricsCollector(
        ctx.db, ctx.clock, access.lookup, ctx.events, auth_handler=access.on_auth_error
    )


def collect_metrics(ctx: MaintenanceContext) -> CollectResult:
    return collector_for(ctx).run_until_idle()


def recompute_recommendations(ctx: MaintenanceContext) -> int:
    return len(besttime.recompute(ctx.db, clock=ctx.clock))


JOBS = (
    MaintenanceJob(
        "analytics-collect",
        collect_metrics,
        interval=timedelta(minutes=1),
        first_delay=timedelta(seconds=30),
    ),
    MaintenanceJob(
        "besttime-recompute",
        recompute_recommendations,
        interval=timedelta(hours=6),
        first_delay=timedelta(minutes=3),
    ),
)


def register() -> None:
    from app.core.account_limits import JOB as ACCOUNT_LIMITS_JOB

    for job in (*JOBS, ACCOUNT_LIMITS_JOB):  # and each account's own server limits
        register_job(job)
