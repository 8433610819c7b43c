"""90 days of history published and measured through the real adapters against the emulator,
on a fake clock shared by Herald and the emulator.

The simulation runs once for the module (it is the expensive part); the tests read what it
left in the database.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.core import besttime
from app.core.analytics.history import HistoryPost, HistoryResult, publish_history
from app.core.clock import FakeClock
from app.core.db import Database, open_database
from app.core.metric_plan import CHECKPOINT_DELAYS
from app.core.models import (
    Account,
    AnalyticsSnapshot,
    Checkpoint,
    MetricTask,
    Target,
    TaskStatus,
    Workspace,
)
from app.core.ports import MediaItem
from app.platforms.names import Platform

#: the simulation (~2 min on an idle machine) counts against its first test's timeout, and under
#: `make test` it shares the 2 cores with the other test process
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

VAULT_KEY = "qvFSFfF1M4kDMPspTffT3utL6MAqjaI4Jkya1RzfkEs="  # a Fernet key (tests only)
START = datetime(2026, 1, 5, 5, tzinfo=UTC)  # Monday 00:00 in New York; spans March's DST
DAYS = 90
POSTS_PER_BUCKET = 3
EMULATOR_LIMITS = {
    "x_read_limit": 1_000_000,
    "facebook_calls_per_hour": 1_000_000,
    "instagram_publishes_per_24h": 1_000,
    "container_polls": 0,
}


@dataclass
class Simulation:
    db_url: str
    zone: str
    model: dict
    result: HistoryResult
    x_batches: list[int]
    posts: int


def _schedule(zone: str, accounts: dict[Platform, int], media: dict[Platform, list[MediaItem]]):
    """POSTS_PER_BUCKET posts per platform in each of the 168 hours of the week, in different
    weeks, at hh:00 local time (the platforms' texts differ, so no duplicate-content refusals)."""
    tz = ZoneInfo(zone)
    weeks = DAYS // 7
    first_monday = START.astimezone(tz).replace(tzinfo=None)
    out = []
    for platform in Platform:
        for bucket in range(168):
            for j in range(POSTS_PER_BUCKET):
                # Every platform posts at the same instants: a quarter of the clock steps
                # (publishing and each checkpoint) for the same coverage of the 168 hours.
                week = (bucket * 5 + j * (weeks // POSTS_PER_BUCKET)) % weeks
                wall = first_monday + timedelta(days=7 * week + bucket // 24, hours=bucket % 24)
                when = wall.replace(tzinfo=tz)
                if when.astimezone(tz).replace(tzinfo=None) != wall:
                    continue  # skipped by the spring-forward gap
                out.append(
                    HistoryPost(
                        when.astimezone(UTC),
                        accounts[platform],
                        f"{platform.label} post {bucket}-{j}",
                        media[platform],
                    )
                )
    return out


@pytest.fixture(scope="module")
def simulation(tmp_path_factory) -> Simulation:
    from PIL import Image

    from app.adapters.source import EmulatorAdapters
    from app.core.accounts import AccountService
    from app.core.analytics import jobs
    from app.core.engine.maintenance import MaintenanceContext, refresh_expiring_tokens
    from app.core.events import EventHub
    from app.core.vault import Vault
    from app.emulator import EmulatorServer

    tmp = tmp_path_factory.mktemp("emulator-history")
    url = f"sqlite:///{tmp / 'herald.db'}"
    clock = FakeClock(START)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HERALD_VAULT_KEY", VAULT_KEY)
        mp.setenv("HERALD_DATA_DIR", str(tmp / "data"))
        srv = EmulatorServer(port=0, seed=0, now=clock.now, **EMULATOR_LIMITS).start()
        adapters = EmulatorAdapters(clock, srv.base_url)
        db = open_database(url)
        try:
            model = srv_model(srv.base_url)
            zone = model["audience_timezone"]
            ws, accounts = _connect(db, srv.base_url, zone, clock)
            picture = tmp / "bread.jpg"
            Image.new("RGB", (1080, 1080), (200, 140, 60)).save(picture, quality=80)
            data = picture.read_bytes()
            item = MediaItem(
                path=str(picture),
                mime="image/jpeg",
                bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                width=1080,
                height=1080,
            )
            media = {p: [item] if p == Platform.INSTAGRAM else [] for p in Platform}
            service = AccountService(db, Vault(db), clock)
            ctx = MaintenanceContext(db, clock, service, adapters, EventHub())
            access = jobs.AccountAccess(ctx)
            x_batches: list[int] = []

            def lookup(account_id: int):
                adapter, ref = access.lookup(account_id)
                if ref.platform == Platform.TWITTER:
                    return _Recording(adapter, x_batches), ref
                return adapter, ref

            collector = jobs.MetricsCollector(
                db, clock, lookup, ctx.events, auth_handler=access.on_auth_error
            )
            posts = _schedule(zone, accounts, media)
            last = max(p.when for p in posts)
            result = publish_history(
                db,
                clock,
                ws,
                posts,
                lookup,
                collector,
                last + timedelta(days=1),
                daily=lambda: refresh_expiring_tokens(ctx),  # the maintenance job's work
            )
        finally:
            db.dispose()
            adapters.close()
            srv.stop()
    return Simulation(url, zone, model, result, x_batches, len(posts))


def _connect(db: Database, base_url: str, zone: str, clock: FakeClock):
    """What `accounts add-emulator` does (the real OAuth flow), on the shared fake clock so
    token expiry times are the emulator's."""
    from dataclasses import replace

    from app.adapters.config import AdapterConfig
    from app.adapters.oauth import connect, loopback_browser
    from app.adapters.source import API_BASE, EMULATOR_APP
    from app.core.accounts import AccountService
    from app.core.vault import Vault
    from app.core.workspaces import WorkspaceService

    ws = WorkspaceService(db, clock).create("Demo", zone)
    service = AccountService(db, Vault(db), clock)
    config = AdapterConfig.for_emulator(base_url)
    accounts = {}
    for platform in Platform:
        found = connect(
            platform, EMULATOR_APP, config, open_browser=loopback_browser, port=0, clock=clock
        )
        account = replace(found[0], settings={**dict(found[0].settings), API_BASE: base_url})
        accounts[platform] = service.save_connected(ws.id, account)
    return ws.id, accounts


def srv_model(base_url: str) -> dict:
    import httpx

    return httpx.get(f"{base_url}/_emulator/model", timeout=10).json()


class _Recording:
    """The X adapter, recording how many ids each metrics look-up asks for."""

    def __init__(self, adapter, sizes: list[int]) -> None:
        self._adapter = adapter
        self._sizes = sizes

    def fetch_metrics(self, account, external_ids):
        self._sizes.append(len(external_ids))
        return self._adapter.fetch_metrics(account, external_ids)

    def __getattr__(self, name):
        return getattr(self._adapter, name)


@pytest.fixture
def sim_db(simulation):
    db = open_database(simulation.db_url)
    yield db
    db.dispose()


def _buckets(db: Database, zone: str) -> dict[Platform, dict[int, list[int]]]:
    """24 h reach per platform and hour of the week, computed in Python (not Herald's SQL):
    impressions, or engagement where the platform reports no impressions (LinkedIn members)."""
    tz = ZoneInfo(zone)
    out: dict[Platform, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    with db.session() as s:
        rows = s.execute(
            select(
                Account.platform,
                Target.published_at,
                AnalyticsSnapshot.impressions,
                AnalyticsSnapshot.likes + AnalyticsSnapshot.shares + AnalyticsSnapshot.comments,
            )
            .join(Target, Target.account_id == Account.id)
            .join(AnalyticsSnapshot, AnalyticsSnapshot.target_id == Target.id)
            .where(AnalyticsSnapshot.checkpoint == Checkpoint.H24)
        ).all()
    for platform, published, impressions, engagement in rows:
        local = published.astimezone(tz)
        value = impressions or engagement
        out[Platform(platform)][local.weekday() * 24 + local.hour].append(value)
    return out


def test_history_is_published_and_measured_at_the_checkpoints(simulation, sim_db):
    result = simulation.result
    assert result.failed == []
    assert result.published == simulation.posts > 4 * 168 * 2
    with sim_db.session() as s:
        snaps = s.execute(
            select(
                AnalyticsSnapshot.checkpoint,
                AnalyticsSnapshot.fetched_at,
                Target.published_at,
            ).join(Target, Target.id == AnalyticsSnapshot.target_id)
        ).all()
        pending = s.scalars(
            select(MetricTask.checkpoint).where(MetricTask.status != TaskStatus.DONE)
        ).all()
    by_checkpoint = defaultdict(int)
    for checkpoint, fetched, published in snaps:
        by_checkpoint[checkpoint] += 1
        # the clock stopped at each checkpoint: fetched exactly on time
        assert fetched - published == CHECKPOINT_DELAYS[Checkpoint(checkpoint)]
    for cp in (Checkpoint.H1, Checkpoint.H6, Checkpoint.H24):
        assert by_checkpoint[cp] == result.published
    assert set(pending) <= {Checkpoint.D7}  # the last week's 7-day checkpoints are still ahead
    assert by_checkpoint[Checkpoint.D7] + len(pending) == result.published


def test_x_lookups_are_batched_up_to_100_ids(simulation):
    sizes = simulation.x_batches
    assert sizes and max(sizes) <= 100
    x_posts = simulation.posts // len(Platform)  # each network posts as many
    assert sum(sizes) >= 3 * x_posts  # most X posts are measured at three checkpoints or more


def test_reach_by_hour_follows_the_emulator_model(simulation, sim_db):
    """The pipeline (publish time -> workspace zone -> bucket; 24 h snapshot) is right: the
    hours with the most impressions are the model's peaks."""
    buckets = _buckets(sim_db, simulation.zone)
    for platform in Platform:
        means = {b: sum(v) / len(v) for b, v in buckets[platform].items()}
        top = sorted(means, key=lambda b: -means[b])[:3]
        expected = [d * 24 + h for d, h in simulation.model["platforms"][platform.value]["top"]]
        assert sorted(top) == sorted(expected), platform


def _rate_follows_hours(platform: Platform) -> bool:
    """Whether the emulator's engagement per impression depends on the hour of the week (its
    peak cells must show in the engagement *rate*, which is what Herald ranks by)."""
    from app.emulator.engagement import PROFILES, EngagementModel

    model = EngagementModel()
    tz = ZoneInfo(model.audience_tz)
    weights = PROFILES[platform]
    best = max(range(168), key=lambda b: weights[b])
    worst = min(range(168), key=lambda b: weights[b])

    def rate(bucket: int) -> float:
        when = datetime(2026, 1, 5 + bucket // 24, bucket % 24, tzinfo=tz)
        total = 0.0
        for i in range(50):
            f = model.final(platform, f"probe{i}", when)
            total += (f["likes"] + f["shares"] + f["comments"]) / f["impressions"]
        return total / 50

    return rate(best) >= 1.1 * rate(worst)


def _expectation(platform: Platform):
    # The emulator's LinkedIn, like LinkedIn's member API, reports no impressions: Herald
    # ranks those posts by engagement, which follows the emulator's hours already.
    if platform == Platform.LINKEDIN or _rate_follows_hours(platform):
        return pytest.param(platform)
    return pytest.param(
        platform,
        marks=pytest.mark.xfail(
            reason=(
                "the emulator's engagement per impression does not depend on the hour of the "
                "week (only reach does), so an engagement-rate ranking cannot find its peaks"
            ),
            strict=True,
        ),
    )


@pytest.mark.parametrize("platform", [_expectation(p) for p in Platform], ids=lambda p: p.value)
def test_top_3_matches_the_emulator_model(simulation, sim_db, platform):
    clock = FakeClock(START + timedelta(days=DAYS + 1))
    with sim_db.session() as s:
        ws = s.scalar(select(Workspace.id))
    slots = besttime.recommend(sim_db, ws, platform, clock=clock)
    expected = simulation.model["platforms"][platform.value]["top"]
    assert sorted([s.weekday, s.hour] for s in slots) == sorted(expected)
