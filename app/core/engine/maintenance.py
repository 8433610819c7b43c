"""Daily upkeep on an APScheduler 3 BackgroundScheduler: refresh tokens that expire within 30
days (Instagram/Facebook long-lived tokens, LinkedIn's 60-day ones), back up the SQLite file,
and whatever other features register (analytics, recommendations).

X's access tokens last two hours and are refreshed right before use (publishing, analytics);
its refresh tokens are single-use, so a needless refresh whose answer is lost (or a process
killed before storing it) disconnects the account. The daily job leaves them alone unless an
account has been idle for a month.

BackgroundScheduler, not QtScheduler: the latter is broken with PySide6 (its timers are never
cancelled), and jobs must never run on the GUI thread anyway. `shutdown()` joins the
scheduler's threads, so nothing leaks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import or_, select

from app import platforms
from app.core import events as ev
from app.core.accounts import AccountService
from app.core.clock import Clock
from app.core.db import Database, backup_sqlite, sqlite_path
from app.core.engine import store
from app.core.engine.runner import AdapterSource
from app.core.engine.txn import write_session
from app.core.models import Account, AccountStatus
from app.core.ports import AccountRef, AuthError, PublishError

log = logging.getLogger(__name__)

TOKEN_HORIZON = timedelta(days=30)
#: how long an account whose tokens are refreshed on demand (its descriptor's
#: auth.short_lived_tokens) may stay unused before the daily job refreshes it anyway
#: (keeps the refresh token itself in use)
IDLE_REFRESH = timedelta(days=30)
BACKUPS_KEPT = 7
BACKUP_REASON = "daily"


@dataclass
class MaintenanceContext:
    db: Database
    clock: Clock
    accounts: AccountService
    adapters: AdapterSource
    events: ev.EventHub


@dataclass(frozen=True)
class MaintenanceJob:
    """A job other features add with `register_job` (e.g. the analytics fetch)."""

    id: str
    func: Callable[[MaintenanceContext], Any]
    interval: timedelta = timedelta(days=1)
    #: the first run comes this long after start (so start-up stays quick)
    first_delay: timedelta = timedelta(minutes=2)


_registry: list[MaintenanceJob] = []
_registry_lock = threading.Lock()


def register_job(job: MaintenanceJob) -> None:
    """Add a job to every Maintenance started from now on (same id: replaced)."""
    with _registry_lock:
        _registry[:] = [j for j in _registry if j.id != job.id]
        _registry.append(job)


def registered_jobs() -> list[MaintenanceJob]:
    with _registry_lock:
        return list(_registry)


# ---------------------------------------------------------------- built-in jobs


@dataclass
class RefreshReport:
    refreshed: list[int] = field(default_factory=list)
    reauth: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def refresh_expiring_tokens(ctx: MaintenanceContext) -> RefreshReport:
    """Refresh every ACTIVE account whose token expires within 30 days."""
    report = RefreshReport()
    now = ctx.clock.now()
    on_demand = Account.platform.in_(
        sorted(d.name for d in platforms.all_platforms() if d.auth.short_lived_tokens)
    )
    with ctx.db.session() as s:
        ids = list(
            s.scalars(
                select(Account.id).where(
                    Account.status == AccountStatus.ACTIVE,
                    Account.token_expires_at.is_not(None),
                    or_(
                        ~on_demand & (Account.token_expires_at < now + TOKEN_HORIZON),
                        on_demand & (Account.token_expires_at < now - IDLE_REFRESH),
                    ),
                )
            )
        )
    for account_id in ids:
        info = ctx.accounts.get(account_id)
        try:
            adapter = ctx.adapters.adapter(info)
            ref = ctx.accounts.account_ref(account_id, ctx.adapters.app_credentials(info))
            creds = adapter.refresh(ref)
            with write_session(ctx.db) as s:  # at once: a rotated refresh token is single-use
                ctx.accounts.store_credentials(s, account_id, creds)
            report.refreshed.append(account_id)
        except AuthError as exc:
            if _rotated_elsewhere(ctx, account_id, ref):
                # Another Herald process on this database refreshed first (X refresh tokens
                # are single-use): the stored credentials are newer and valid.
                report.refreshed.append(account_id)
                continue
            report.reauth.append(account_id)
            if store.require_reauth(ctx.db, account_id, exc.message):
                ctx.events.publish(
                    ev.NEEDS_REAUTH,
                    account_id=account_id,
                    handle=info.handle,
                    platform=info.platform.value,
                    reason=exc.message,
                )
        except PublishError as exc:  # offline or the platform is down: tomorrow again
            report.failed.append(account_id)
            log.warning("token refresh for account %s failed: %s", account_id, exc.message)
        except Exception:
            report.failed.append(account_id)
            log.exception("token refresh for account %s failed", account_id)
    return report


def _rotated_elsewhere(ctx: MaintenanceContext, account_id: int, used: AccountRef) -> bool:
    try:
        stored = ctx.accounts.credentials(account_id)
    except Exception:  # noqa: BLE001 unreadable credentials: nothing to compare
        return False
    return (stored.access_token, stored.refresh_token) != (
        used.credentials.access_token,
        used.credentials.refresh_token,
    )


def backup_database(ctx: MaintenanceContext) -> Path | None:
    """A consistent copy of the SQLite file; keeps the newest few daily copies."""
    path = sqlite_path(ctx.db.url)
    if path is None:
        return None  # PostgreSQL: its own backups are the operator's business
    made = backup_sqlite(path, BACKUP_REASON)
    if made is not None:
        old = sorted(made.parent.glob(f"{path.stem}-*-{BACKUP_REASON}.db"))[:-BACKUPS_KEPT]
        for stale in old:
            stale.unlink(missing_ok=True)
    return made


BUILTIN_JOBS = (
    MaintenanceJob("refresh-tokens", refresh_expiring_tokens),
    MaintenanceJob("backup-database", backup_database),
)


# ---------------------------------------------------------------- the scheduler


class Maintenance:
    def __init__(self, ctx: MaintenanceContext, jobs: list[MaintenanceJob] | None = None) -> None:
        self.ctx = ctx
        self.jobs = list(BUILTIN_JOBS) + registered_jobs() if jobs is None else list(jobs)
        self._scheduler: BackgroundScheduler | None = None

    def start(self) -> None:
        if self._scheduler is not None:
            return
        scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )

        now = datetime.now(UTC)  # APScheduler runs on wall time, not the injectable clock
        for job in self.jobs:
            scheduler.add_job(
                self._run,
                "interval",
                args=[job],
                id=job.id,
                seconds=job.interval.total_seconds(),
                next_run_time=now + job.first_delay,
            )
        scheduler.start()
        self._scheduler = scheduler

    def _run(self, job: MaintenanceJob) -> Any:
        try:
            return job.func(self.ctx)
        except Exception:
            log.exception("maintenance job %s failed", job.id)
            return None

    def run_all_now(self) -> dict[str, Any]:
        """Every job once, on this thread (tests, and "run maintenance now")."""
        return {job.id: self._run(job) for job in self.jobs}

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def shutdown(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=True)
