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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app import bootstrap
from app.constants import Platform
from app.core.accounts import AccountInfo
from app.core.clock import FakeClock, SystemClock
from app.core.db import Database
from app.core.models import Account, AnalyticsSnapshot, Post, Target, TargetStatus
from app.core.timeutil import is_valid_zone
from app.core.vault import Vault
from app.demo.content import TextMaker, make_images
from app.demo.emulator import DemoError, connect_emulator_accounts, loopback_url

log = logging.getLogger(__name__)

DEFAULT_WORKSPACE = "Demo Bakery"
DEFAULT_ZONE = "America/New_York"
MAX_DAYS = 365
UPCOMING_DAYS = 7
#: posts fall on quarter hours, so their checkpoints share the clock's stops
GRID_MINUTES = 15
#: a bakery's posting day, 07:00-19:00 local: the first post of a pair goes out in one of these
#: hours (weight: how often), the second an hour later. Busiest before opening, at lunch and
#: before closing; the emulator's audience peaks (X 08/18, LinkedIn 08-09, Facebook 13-15,
#: Instagram 10-11) all fall inside, so the best times found from the history mean something.
FIRST_HOURS = {7: 3, 8: 3, 9: 2, 10: 2, 11: 2, 12: 2, 13: 2, 14: 1, 15: 1, 16: 2, 17: 2, 18: 1}
LAST_POST = wall_time(19, 0)
POSTS_PER_DAY = (2, 4)  # per platform, inclusive
#: the platforms post in the same few slots a day, two pairs an hour apart (fewer stops)
PAIRS_PER_DAY = 2
ZERO = timedelta(0)
#: how late a checkpoint may be measured when that saves a stop of the clocks
CHECKPOINT_SLACK = {
    timedelta(hours=1): timedelta(minutes=10),
    timedelta(hours=6): timedelta(minutes=75),
    timedelta(hours=24): timedelta(hours=3),
    timedelta(days=7): timedelta(hours=12),
}
COLLECT_LIMIT = 1000
#: real seconds the engine reuses an account's decrypted credentials (it still refreshes a
#: token that has expired on the fake clock first)
ACCOUNT_CACHE_S = 5.0
PHOTO_SHARE = {Platform.INSTAGRAM: 1.0, Platform.FACEBOOK: 0.3}
UPCOMING_TIMES = ((8, 30), (12, 0), (17, 30), (19, 15))

#: progress(what is happening, fraction done from 0.0 to 1.0); called on the seeding thread
Progress = Callable[[str, float], None]
#: the share of the work the history takes (the rest: the coming week, the best times)
HISTORY_SHARE = 0.95


class SeedCancelled(DemoError):
    """The caller's cancel event was set; what was written so far stays."""


@dataclass
class SeedReport:
    workspace_id: int
    workspace: str
    timezone: str
    days: int
    accounts: list[AccountInfo] = field(default_factory=list)
    posts: int = 0  # history posts written
    published: int = 0  # history targets the engine published
    failed: int = 0  # history targets that did not go out
    snapshots: int = 0
    upcoming: int = 0  # scheduled after the real now
    drafts: int = 0
    recommendations: int = 0  # platforms whose best times come from data
    seconds: float = 0.0

    def summary(self) -> list[str]:
        handles = ", ".join(f"{a.platform.label} {a.handle}" for a in self.accounts)
        return [
            f"workspace: {self.workspace} ({self.timezone}), {self.days} days of history "
            f"in {self.seconds:.1f} s",
            f"accounts: {len(self.accounts)} ({handles})",
            f"published: {self.published} posts, {self.failed} failed",
            f"snapshots: {self.snapshots}",
            f"upcoming: {self.upcoming} scheduled over the next {UPCOMING_DAYS} days, "
            f"{self.drafts} drafts",
            f"recommendations: best times for {self.recommendations} platforms",
        ]


def seed_history(
    db: Database,
    emulator_url: str,
    *,
    workspace: str = DEFAULT_WORKSPACE,
    timezone: str = DEFAULT_ZONE,
    days: int = 90,
    set_emulator_clock: Callable[[datetime], None],
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
    report.snapshots = _count_snapshots(db, report.workspace_id)
    report.seconds = time.monotonic() - began
    _say(progress, "The demo is ready", 1.0)
    log.info("demo history seeded: %s", "; ".join(report.summary()))
    return report


# ------------------------------------------------------------------ the run


class _Run:
    def __init__(
        self,
        db: Database,
        url: str,
        workspace: str,
        timezone: str,
        clock: FakeClock,
        set_emulator_clock: Callable[[datetime], None],
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
        access = _CachedAccess(ctx)
        collector = _collector(ctx, access)
        timeline = _Timeline(real_now)
        slots: dict[int, list[datetime]] = {}
        for index in range(days + 1):
            day = first_day + timedelta(days=index)
            start = _midnight(day, self.zone)
            slots[index] = self._slots(day)
            # The day's posts are written (and tokens refreshed) before its first slot.
            first = min(slots[index], default=start)
            slack = max(ZERO, first - start - timedelta(minutes=1))
            timeline.add(start, _DAY, index, slack=slack)
        try:
            while (stop := timeline.next_stop()) is not None:
                self.move(stop)
                kinds = timeline.pop_due(stop)
                for index in sorted(kinds.get(_DAY, ())):
                    if cancel is not None and cancel.is_set():
                        raise SeedCancelled("seeding the demo was cancelled")
                    day = first_day + timedelta(days=index)
                    # the daily job: 60-day tokens stay alive
                    refreshed = refresh_expiring_tokens(ctx)
                    if refreshed.refreshed or refreshed.reauth or refreshed.failed:
                        access.forget()  # read again only what may have changed
                    report.posts += self.write_day(slots.pop(index), timeline)
                    done = HISTORY_SHARE * min(index + 1, days) / days
                    _say(progress, f"Publishing the history: {day:%a %d %b}", done)
                if _POST in kinds:
                    self._publish(engine, settings.batch_limit, timeline)
                if _METRIC in kinds:
                    self._measure(collector, timeline)
            engine.run_until_idle()  # anything a retry left for the very end
            collector.run_until_idle()
        finally:
            engine.close()
            self.context.close_adapters()
        report.published, report.failed = _history_counts(self.db, ws.id, real_now)
        return report

    def _publish(self, engine: Any, batch: int, timeline: _Timeline) -> None:
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
            timeline.retry(next_wakeup(self.db, self.clock.now()), _POST, self.clock.now())

    def _measure(self, collector: Any, timeline: _Timeline) -> None:
        while True:
            result = collector.run_once(COLLECT_LIMIT)
            if result.claimed < COLLECT_LIMIT:
                break
        if result.retried or result.deferred:
            timeline.retry(collector.next_due_at(), _METRIC, self.clock.now())

    def write_day(self, slots: list[datetime], timeline: _Timeline) -> int:
        """The day's posts, each platform posting in 2-4 of its slots, written in one
        transaction; their publish times and checkpoints go on the timeline."""
        from app.core.posts import PostService

        service = PostService(self.db, self.clock)
        now = self.clock.now()
        slots = [t for t in slots if now < t < timeline.end]
        plan = []
        for platform, account in self.by_platform.items():
            count = min(len(slots), self.rng.randint(*POSTS_PER_DAY))
            plan += [(when, platform, account.id) for when in self.rng.sample(slots, count)]
        plan.sort()
        with self.db.session() as s:
            for when, platform, account_id in plan:
                service.create_in(
                    s,
                    self.workspace.id,
                    self.texts.text(platform),
                    [account_id],
                    media_paths=self._photos(platform),
                    scheduled_local=when,
                    action="schedule",
                )
            s.commit()
        for when in {when for when, _, _ in plan}:
            timeline.add(when, _POST)
            for delay, slack in CHECKPOINT_SLACK.items():
                timeline.add(when + delay, _METRIC, slack=slack)
        return len(plan)

    def _slots(self, day: date) -> list[datetime]:
        """The day's posting times: pairs an hour apart at varied hours of the bakery's day
        (07:00-19:00 local), so an hour-old post is measured when the next one goes out."""
        slots = set()
        for _ in range(PAIRS_PER_DAY):
            hour = self.rng.choices(list(FIRST_HOURS), weights=list(FIRST_HOURS.values()))[0]
            minute = self.rng.randrange(0, 60, GRID_MINUTES)
            if hour + 1 >= LAST_POST.hour:
                minute = 0  # the pair's second post at 19:00 at the latest
            local = datetime.combine(day, wall_time(hour, minute), tzinfo=self.zone)
            first = local.astimezone(UTC)
            slots.update((first, first + timedelta(hours=1)))
        return sorted(slots)

    def _photos(self, platform: Platform) -> list[Path]:
        if self.rng.random() < PHOTO_SHARE.get(platform, 0.0):
            return [self.rng.choice(self.images)]
        return []

    # -------------------------------------------------------- the coming week

    def upcoming(self, real_now: datetime) -> tuple[int, int]:
        """Posts scheduled from the real now on (the scheduler publishes them when due), some
        for every network with per-network edits, and two drafts."""
        from app.core.posts import PostService

        service = PostService(self.db, SystemClock())
        acc = self.by_platform
        everywhere = [acc[p].id for p in Platform]
        today = real_now.astimezone(self.zone).date()
        earliest = datetime.now(UTC) + timedelta(minutes=10)
        count = 0
        with self.db.session() as s:
            for offset in range(UPCOMING_DAYS + 1):
                day = today + timedelta(days=offset)
                picks = self.rng.sample(UPCOMING_TIMES, 2)
                for n, (hour, minute) in enumerate(sorted(picks)):
                    local = datetime.combine(day, wall_time(hour, minute), tzinfo=self.zone)
                    when = local.astimezone(UTC)
                    if when < earliest or (offset == UPCOMING_DAYS and n > 0):
                        continue  # past already; the last day gets one post
                    if (offset + n) % 2 == 0:
                        service.create_in(
                            s,
                            self.workspace.id,
                            self.texts.text(Platform.FACEBOOK),
                            everywhere,
                            overrides={
                                acc[Platform.TWITTER].id: self.texts.text(Platform.TWITTER),
                                acc[Platform.INSTAGRAM].id: self.texts.text(Platform.INSTAGRAM),
                            },
                            media_paths=[self.rng.choice(self.images)],
                            scheduled_local=when,
                            action="schedule",
                        )
                    else:
                        platform = self.rng.choice((Platform.TWITTER, Platform.LINKEDIN))
                        service.create_in(
                            s,
                            self.workspace.id,
                            self.texts.text(platform),
                            [acc[platform].id],
                            scheduled_local=when,
                            action="schedule",
                        )
                    count += 1
            for platform in (Platform.LINKEDIN, Platform.TWITTER):
                service.create_in(
                    s, self.workspace.id, self.texts.text(platform), [acc[platform].id]
                )
            s.commit()
        return count, 2


def _no_wait(_seconds: float) -> None:
    return None


class _CachedAccess:
    """The collector's account look-up (app.core.analytics.jobs.AccountAccess), remembered
    while the token is good: the simulation measures thousands of posts in seconds, and
    reading and decrypting each account's credentials for every batch would dominate."""

    def __init__(self, ctx: Any) -> None:
        from app.core.analytics.jobs import REFRESH_MARGIN, AccountAccess

        self._access = AccountAccess(ctx)
        self._clock = ctx.clock
        self._margin = REFRESH_MARGIN
        self._known: dict[int, Any] = {}

    def lookup(self, account_id: int) -> Any:
        found = self._known.get(account_id)
        if found is not None:
            expires = found[1].credentials.expires_at
            if expires is None or expires > self._clock.now() + self._margin:
                return found
        found = self._known[account_id] = self._access.lookup(account_id)
        return found

    def on_auth_error(self, account_id: int, exc: Any) -> bool:
        self._known.pop(account_id, None)
        return self._access.on_auth_error(account_id, exc)

    def forget(self) -> None:
        """Tokens were refreshed: read them again."""
        self._known.clear()


def _collector(ctx: Any, access: _CachedAccess) -> Any:
    from app.core.analytics.collector import MetricsCollector

    return MetricsCollector(
        ctx.db, ctx.clock, access.lookup, ctx.events, auth_handler=access.on_auth_error
    )


_DAY, _POST, _METRIC = "day", "post", "metric"


class _Timeline:
    """The instants the clocks stop at. Every event has a due time and a slack: the clocks
    stop at the earliest due time + slack among pending events, and everything due by then
    happens there. Posts and new days have no slack (a post goes out on its minute); a
    checkpoint is measured a little late when that spares a stop (as it is when Herald was
    closed at the time), the later checkpoints more so."""

    def __init__(self, end: datetime) -> None:
        self.end = end
        self._events: list[tuple[datetime, datetime, str, int]] = []  # deadline, due, kind, n

    def add(self, due: datetime, kind: str, n: int = 0, *, slack: timedelta = ZERO) -> None:
        if due < self.end:
            self._events.append((min(due + slack, self.end), due, kind, n))

    def retry(self, due: datetime | None, kind: str, now: datetime) -> None:
        """Something was not done (a retry, a rate limit): stop again when it is due."""
        if due is not None:
            self.add(max(due, now + timedelta(minutes=1)), kind)

    def next_stop(self) -> datetime | None:
        return min((e[0] for e in self._events), default=None)

    def pop_due(self, stop: datetime) -> dict[str, list[int]]:
        """The events due by `stop`, by kind. Checkpoints wait while they can: they are
        measured together when the first of them cannot wait any longer."""
        measure = any(e[2] == _METRIC and e[0] <= stop for e in self._events)
        kinds: dict[str, list[int]] = {}
        keep = []
        for event in self._events:
            if event[1] <= stop and (measure or event[2] != _METRIC):
                kinds.setdefault(event[2], []).append(event[3])
            else:
                keep.append(event)
        self._events = keep
        return kinds


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


def _history_counts(db: Database, workspace_id: int, before: datetime) -> tuple[int, int]:
    with db.session() as s:
        rows = s.execute(
            select(Target.status, func.count(Target.id))
            .join(Post, Post.id == Target.post_id)
            .where(Post.workspace_id == workspace_id, Post.scheduled_at < before)
            .group_by(Target.status)
        ).all()
    counts = {TargetStatus(status): int(n) for status, n in rows}
    published = counts.pop(TargetStatus.PUBLISHED, 0)
    return published, sum(counts.values())


def _count_snapshots(db: Database, workspace_id: int) -> int:
    with db.session() as s:
        return int(
            s.scalar(
                select(func.count(AnalyticsSnapshot.id))
                .join(Target, Target.id == AnalyticsSnapshot.target_id)
                .join(Post, Post.id == Target.post_id)
                .where(Post.workspace_id == workspace_id)
            )
            or 0
        )
