"""`seed_history`: weeks of published posts with their analytics, made the way real use makes
them, only faster.

Herald's clock (a FakeClock) and the emulator's clock start `days` ago and move together, from
one event to the next: a post falling due, a metric checkpoint, a new day. Posts are written
with the PostService, published by the PublishingEngine through the real adapters, measured
by the MetricsCollector at their checkpoints (1 h, 6 h, 24 h, 7 d); the daily maintenance
refreshes tokens. Then a week of posts is scheduled from the real now on, the best-time
recommendations are computed and the emulator's clock is set back to the real now.
"""

from __future__ import annotations

import contextlib
import logging
import random
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app import bootstrap
from app.core.accounts import AccountInfo
from app.core.clock import FakeClock, SystemClock
from app.core.db import Database
from app.core.models import Account
from app.core.timeutil import is_valid_zone
from app.core.vault import Vault
from app.demo.collecting import make_access, make_collector
from app.demo.content import TextMaker, make_images
from app.demo.emulator import DemoError, connect_emulator_accounts, loopback_url
from app.demo.posting import DemoPosting
from app.demo.report import SeedReport, count_snapshots, history_counts
from app.demo.timeline import DAY, METRIC, POST, ZERO, Timeline
from app.platforms.names import Platform

log = logging.getLogger(__name__)

DEFAULT_WORKSPACE = "Demo Bakery"
DEFAULT_ZONE = "America/New_York"
MAX_DAYS = 365
COLLECT_LIMIT = 1000
#: real seconds the engine reuses an account's decrypted credentials (it still refreshes a
#: token that has expired on the fake clock first)
ACCOUNT_CACHE_S = 5.0

#: progress(what is happening, fraction done from 0.0 to 1.0); called on the seeding thread
Progress = Callable[[str, float], None]
#: the share of the work the history takes (the rest: the coming week, the best times)
HISTORY_SHARE = 0.95


class SeedCancelled(DemoError):
    """The caller's cancel event was set; what was written so far stays."""


def seed_history(
    db: Database,
    emulator_url: str,
    *,
    workspace: str = DEFAULT_WORKSPACE,
    timezone: str = DEFAULT_ZONE,
    days: int = 90,
    set_emulator_clock: Callable[[datetime], object],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    rng_seed: int = 1,
    vault: Vault | None = None,
) -> SeedReport:
    """Seed `workspace` (created when missing) with `days` of history on the emulator at
    `emulator_url`, whose clock `set_emulator_clock` moves. Raises DemoError (one line) on bad
    input or when the emulator cannot be used, SeedCancelled when `cancel` is set."""
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise DemoError(f"days must be a whole number from 1 to {MAX_DAYS}")
    if not is_valid_zone(timezone):
        raise DemoError(f"unknown time zone {timezone!r}")
    url = loopback_url(emulator_url)
    check_database(db)
    began = time.monotonic()
    real_now = datetime.now(UTC).replace(second=0, microsecond=0)
    zone = ZoneInfo(timezone)
    first_day = real_now.astimezone(zone).date() - timedelta(days=days)
    clock = FakeClock(_midnight(first_day, zone))
    set_emulator_clock(clock.now())
    try:
        with tempfile.TemporaryDirectory(prefix="herald-demo-") as tmp:
            run = _Run(db, url, workspace, timezone, clock, set_emulator_clock, rng_seed, vault)
            run.images = make_images(Path(tmp), run.rng)
            report = run.history(first_day, real_now, days, progress, cancel)
            _say(progress, "Scheduling the coming week", HISTORY_SHARE)
            report.upcoming, report.drafts = run.upcoming(real_now)
    except BaseException:
        with contextlib.suppress(Exception):
            set_emulator_clock(datetime.now(UTC))
        raise
    set_emulator_clock(datetime.now(UTC))  # the emulator lives in the present again
    _say(progress, "Finding the best times to post", 0.98)
    from app.core import besttime

    profiles = besttime.recompute(db, report.workspace_id, clock=SystemClock())
    report.recommendations = sum(1 for p in profiles.values() if p.posts > 0)
    report.snapshots = count_snapshots(db, report.workspace_id)
    report.seconds = time.monotonic() - began
    _say(progress, "The demo is ready", 1.0)
    log.info("demo history seeded: %s", "; ".join(report.summary()))
    return report


# ------------------------------------------------------------------ the run


class _Run(DemoPosting):
    def __init__(
        self,
        db: Database,
        url: str,
        workspace: str,
        timezone: str,
        clock: FakeClock,
        set_emulator_clock: Callable[[datetime], object],
        rng_seed: int,
        vault: Vault | None,
    ) -> None:
        from app.core.workspaces import WorkspaceError, WorkspaceService

        self.db = db
        self.url = url
        self.clock = clock
        self.set_emulator_clock = set_emulator_clock
        self.rng = random.Random(rng_seed)
        self.texts = TextMaker(self.rng)
        self.images: list[Path] = []
        self.vault = vault or Vault(db)
        self.vault.unlock()  # a locked vault says so now, in one line
        # Herald as it runs, on the simulated days: the fake clock is the database's time
        # too (on PostgreSQL as well: without it the engine would judge leases by the
        # server's real clock and refuse to claim); every account goes to the emulator, and
        # Instagram's container polls do not sleep on the wall clock (the emulator counts
        # polls, and simulated hours must not cost real ones).
        self.context = bootstrap.compose(
            db,
            clock=clock,
            db_clock=clock,
            emulator_url=url,
            demo=True,
            vault=self.vault,
            adapter_sleep=_no_wait,
        )
        self.accounts = self.context.accounts
        workspaces = WorkspaceService(db, clock)
        try:
            self.workspace = workspaces.by_name(workspace)
        except WorkspaceError:
            try:
                self.workspace = workspaces.create(workspace, timezone)
            except WorkspaceError as exc:
                raise DemoError(str(exc)) from None
        # Post at local hours of the workspace (an existing one keeps its own zone).
        self.zone = ZoneInfo(self.workspace.timezone)
        self.by_platform: dict[Platform, AccountInfo] = {}

    def move(self, instant: datetime) -> None:
        if instant > self.clock.now():
            self.clock.set(instant)
            self.set_emulator_clock(instant)

    # -------------------------------------------------------- history

    def history(
        self,
        first_day: date,
        real_now: datetime,
        days: int,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> SeedReport:
        from app.core.engine import EngineSettings
        from app.core.engine.maintenance import refresh_expiring_tokens

        ws = self.workspace
        report = SeedReport(ws.id, ws.name, ws.timezone, days)
        _say(progress, "Connecting the demo accounts", 0.0)
        connected = connect_emulator_accounts(self.accounts, ws.id, self.url, clock=self.clock)
        report.accounts = connected
        self.by_platform = {a.platform: a for a in connected}
        # The engine re-reads credentials that expire (on the fake clock) before using them.
        settings = EngineSettings(account_cache_s=ACCOUNT_CACHE_S, owner="demo-seed")
        engine = self.context.publishing_engine(settings)
        ctx = self.context.maintenance_context()
        access = make_access(ctx)
        collector = make_collector(ctx, access)
        timeline = Timeline(real_now)
        slots: dict[int, list[datetime]] = {}
        for index in range(days + 1):
            day = first_day + timedelta(days=index)
            start = _midnight(day, self.zone)
            slots[index] = self._slots(day)
            # The day's posts are written (and tokens refreshed) before its first slot.
            first = min(slots[index], default=start)
            slack = max(ZERO, first - start - timedelta(minutes=1))
            timeline.add(start, DAY, index, slack=slack)
        try:
            while (stop := timeline.next_stop()) is not None:
                self.move(stop)
                kinds = timeline.pop_due(stop)
                for index in sorted(kinds.get(DAY, ())):
                    if cancel is not None and cancel.is_set():
                        raise SeedCancelled("seeding the demo was cancelled")
                    day = first_day + timedelta(days=index)
                    # the daily job: 60-day tokens stay alive
                    refreshed = refresh_expiring_tokens(ctx)
                    # read again only what may have changed
                    access.forget([*refreshed.refreshed, *refreshed.reauth, *refreshed.failed])
                    report.posts += self.write_day(slots.pop(index), timeline)
                    done = HISTORY_SHARE * min(index + 1, days) / days
                    _say(progress, f"Publishing the history: {day:%a %d %b}", done)
                if POST in kinds:
                    self._publish(engine, settings.batch_limit, timeline)
                if METRIC in kinds:
                    self._measure(collector, timeline)
            engine.run_until_idle()  # anything a retry left for the very end
            collector.run_until_idle()
        finally:
            engine.close()
            self.context.close_adapters()
        report.published, report.failed = history_counts(self.db, ws.id, real_now)
        return report

    def _publish(self, engine: Any, batch: int, timeline: Timeline) -> None:
        from app.core.engine import Outcome
        from app.core.engine.claim import next_wakeup

        incomplete = False
        while True:
            result = engine.run_once()
            incomplete |= result.count(Outcome.PUBLISHED) < result.claimed + result.reconciled
            if result.claimed < batch:
                break
        if incomplete:  # a retry or a rate limit: stop again when it falls due
            log.info("demo history at %s: %s", self.clock.now(), dict(result.outcomes))
            timeline.retry(next_wakeup(self.db, self.clock.now()), POST, self.clock.now())

    def _measure(self, collector: Any, timeline: Timeline) -> None:
        while True:
            result = collector.run_once(COLLECT_LIMIT)
            if result.claimed < COLLECT_LIMIT:
                break
        if result.retried or result.deferred:
            timeline.retry(collector.next_due_at(), METRIC, self.clock.now())


def _no_wait(_seconds: float) -> None:
    return None


# ------------------------------------------------------------------ helpers


def _say(progress: Progress | None, text: str, fraction: float) -> None:
    if progress is not None:
        progress(text, fraction)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, wall_time(0, 0), tzinfo=zone).astimezone(UTC)


def check_database(db: Database) -> None:
    """DemoError unless every account in the database is on an emulator: seeding runs the
    engine and the collector over the whole database, and must never reach a platform."""
    from app.adapters.source import API_BASE

    with db.session() as s:
        settings: Sequence[dict | None] = s.scalars(select(Account.settings)).all()
    real = [x for x in settings if not (x or {}).get(API_BASE)]
    if real:
        raise DemoError(
            f"this database has {len(real)} account(s) on real platforms; "
            "seed demo history into a database of its own"
        )
