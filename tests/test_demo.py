"""The demo: history seeded through the real adapters on the emulator, the `demo-seed` command,
and `prepare_demo` (what `main.py --demo` runs on)."""

from __future__ import annotations

import json
import os
import re
import stat
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from zoneinfo import ZoneInfo

import keyring
import keyring.backends.fail
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from app.cli import main as cli_main
from app.core import besttime
from app.core.db import open_database
from app.core.models import (
    Account,
    AccountStatus,
    AnalyticsSnapshot,
    Checkpoint,
    Post,
    PostStatus,
    RecommendationCache,
    Target,
    TargetStatus,
)
from app.demo import DemoAdapters, DemoError, SeedCancelled, SeedReport, prepare_demo, seed_history
from app.demo.environment import KEY_FILE, MARKER_FILE
from app.platforms.names import Platform

DAYS = 7
ZONE = "America/New_York"


@dataclass
class Seeded:
    db_url: str
    base_url: str
    report: SeedReport
    published: list[dict]
    emulator_clock_after: datetime
    progress: list[tuple[str, float]]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Seeded:
    """A week of demo history, seeded once for the module (the emulator is stopped after)."""
    from app.core.vault import ENV_KEY, Vault
    from app.emulator import EmulatorServer

    tmp = tmp_path_factory.mktemp("demo-history")
    url = f"sqlite:///{tmp / 'demo.db'}"
    steps: list[tuple[str, float]] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HERALD_DATA_DIR", str(tmp / "data"))
        srv = EmulatorServer(port=0, seed=7).start()
        base_url = srv.base_url
        db = open_database(url)
        try:
            vault = Vault(db, environ={ENV_KEY: Fernet.generate_key().decode()})
            report = seed_history(
                db,
                srv.base_url,
                days=DAYS,
                timezone=ZONE,
                set_emulator_clock=srv.set_clock,
                progress=lambda *step: steps.append(step),
                vault=vault,
            )
            published = srv.published()
            after = srv.now()
        finally:
            db.dispose()
            srv.stop()
    return Seeded(url, base_url, report, published, after, steps)


@pytest.fixture
def seeded_db(seeded):
    db = open_database(seeded.db_url)
    yield db
    db.dispose()


def test_one_account_per_platform_is_connected_on_the_emulator(seeded, seeded_db):
    assert [a.platform for a in seeded.report.accounts] == list(Platform)
    with seeded_db.session() as s:
        accounts = s.scalars(select(Account)).all()
    assert len(accounts) == len(Platform)  # Bluesky through its app-password sign-in
    assert all(a.status == AccountStatus.ACTIVE for a in accounts)
    assert {a.settings["api_base"] for a in accounts} == {seeded.base_url}


def test_history_went_out_through_the_adapters_exactly_as_recorded(seeded, seeded_db):
    with seeded_db.session() as s:
        rows = s.execute(
            select(Account.platform, Target.external_id, Post.base_text, Target.published_at)
            .join(Target, Target.account_id == Account.id)
            .join(Post, Post.id == Target.post_id)
            .where(Target.status == TargetStatus.PUBLISHED)
        ).all()
    # LinkedIn's commentary escapes its reserved characters: "(" arrives as "\\(".
    on_emulator = {
        (p["platform"], p["external_id"], re.sub(r"\\(.)", r"\1", p["text"]))
        for p in seeded.published
    }
    in_db = {(str(platform), ext, text) for platform, ext, text, _ in rows}
    assert in_db == on_emulator
    assert len(rows) == len(seeded.published) == seeded.report.published > 0
    assert seeded.report.failed == 0
    oldest = min(when for *_, when in rows).replace(tzinfo=UTC)
    assert timedelta(days=DAYS - 1) < datetime.now(UTC) - oldest <= timedelta(days=DAYS + 1)


def test_each_platform_posts_two_to_four_times_a_day_at_varied_hours(seeded, seeded_db):
    zone = ZoneInfo(ZONE)
    with seeded_db.session() as s:
        rows = s.execute(
            select(Account.platform, Post.scheduled_at)
            .join(Target, Target.account_id == Account.id)
            .join(Post, Post.id == Target.post_id)
            .where(Post.status == PostStatus.PUBLISHED)
        ).all()
    local = [(p, when.replace(tzinfo=UTC).astimezone(zone)) for p, when in rows]
    last = max(when.date() for _, when in local)  # the seeding's "today": a partial day
    per_day = Counter((p, when.date()) for p, when in local if when.date() < last)
    assert per_day and all(2 <= n <= 4 for n in per_day.values()), per_day
    assert len({when.hour for _, when in local}) >= 8
    # A bakery's hours (issue 21 point 9): nothing in the night, nothing after 19:00.
    assert all(wall_time(7) <= when.time() <= wall_time(19) for _, when in local), sorted(
        {when.strftime("%H:%M") for _, when in local}
    )
    texts = Counter((p["platform"], p["text"]) for p in seeded.published)
    assert max(texts.values()) == 1  # X and Facebook refuse duplicates


def test_analytics_were_collected_at_the_checkpoints(seeded, seeded_db):
    with seeded_db.session() as s:
        snapshots = s.execute(select(AnalyticsSnapshot.checkpoint, AnalyticsSnapshot.impressions))
        by_checkpoint = Counter(c for c, _ in snapshots)
    assert seeded.report.snapshots == sum(by_checkpoint.values()) > 0
    assert by_checkpoint[Checkpoint.H1] and by_checkpoint[Checkpoint.H24]


def test_every_network_has_measured_history_in_the_demo(seeded, seeded_db):
    """Threads (the newest network) too: published posts with numbers, for Analytics and the
    best-time heatmaps."""
    with seeded_db.session() as s:
        measured = Counter(
            str(platform)
            for (platform,) in s.execute(
                select(Account.platform)
                .join(Target, Target.account_id == Account.id)
                .join(AnalyticsSnapshot, AnalyticsSnapshot.target_id == Target.id)
            )
        )
    assert set(measured) == {p.value for p in Platform}
    assert measured["THREADS"] > 0


def test_a_week_is_scheduled_ahead_and_best_times_are_ready(seeded, seeded_db):
    now = datetime.now(UTC)
    with seeded_db.session() as s:
        upcoming = s.scalars(select(Post).where(Post.status == PostStatus.SCHEDULED)).all()
        drafts = s.scalars(select(Post).where(Post.status == PostStatus.DRAFT)).all()
        cached = s.scalars(select(RecommendationCache.platform)).all()
        widest = max(len(p.targets) for p in upcoming)
    assert len(upcoming) == seeded.report.upcoming >= 10
    assert all(p.scheduled_at.replace(tzinfo=UTC) > now for p in upcoming)
    assert max(p.scheduled_at for p in upcoming).replace(tzinfo=UTC) > now + timedelta(days=5)
    assert widest == len(Platform)  # some go to every network, tailored per network
    assert len(drafts) == seeded.report.drafts == 2
    assert set(cached) == set(Platform)
    assert seeded.report.recommendations == len(Platform)
    ws = seeded.report.workspace_id
    for platform in Platform:
        assert len(besttime.recommend(seeded_db, ws, platform, k=3)) == 3


def test_the_demo_schedules_a_thread_and_a_first_comment(seeded, seeded_db):
    """Issue 19: one 4-part thread for X, Bluesky, Mastodon and Threads, and one post with a
    first comment (LinkedIn, Facebook), scheduled so the calendar and composer show them."""
    from app.core import chains
    from app.demo.formats import CHAIN, COMMENT

    ws = seeded.report.workspace_id
    with seeded_db.session() as s:
        ids = s.scalars(
            select(Post.id).where(Post.workspace_id == ws, Post.status == PostStatus.SCHEDULED)
        ).all()
    found = {pid: chains.parts_of(seeded_db, pid) for pid in ids}
    threads = {pid: p for pid, p in found.items() if any(x.kind == chains.PART for x in p)}
    comments = {pid: p for pid, p in found.items() if any(x.kind == chains.COMMENT for x in p)}
    assert len(threads) == 1 and len(comments) == 1
    (parts,) = threads.values()
    assert {p.platform.value for p in parts} == {"TWITTER", "BLUESKY", "MASTODON", "THREADS"}
    assert sorted({p.text for p in parts}) == sorted(CHAIN[1:])
    (noted,) = comments.values()
    assert {p.platform.value for p in noted} == {"LINKEDIN", "FACEBOOK"}
    assert {p.text for p in noted} == {COMMENT}


def test_the_emulator_is_back_in_the_present_and_progress_was_told(seeded):
    assert abs(seeded.emulator_clock_after - datetime.now(UTC)) < timedelta(minutes=2)
    assert seeded.progress[0] == ("Connecting the demo accounts", 0.0)
    assert seeded.progress[-1] == ("The demo is ready", 1.0)
    fractions = [f for _, f in seeded.progress]
    assert fractions == sorted(fractions)
    assert any(text.startswith("Publishing the history: ") for text, _ in seeded.progress)


def test_demo_adapters_send_every_account_to_the_emulator(seeded, clock):
    from app.adapters.source import EMULATOR_APP
    from app.core.accounts import AccountInfo

    real = AccountInfo(
        id=1,
        workspace_id=1,
        platform=Platform.TWITTER,
        handle="@shop",
        external_id="1",
        status=AccountStatus.ACTIVE,
        status_reason=None,
        token_expires_at=None,
        settings={},
    )
    adapters = DemoAdapters(clock, seeded.base_url)
    try:
        adapter = adapters.adapter(real)
        assert adapter.config.x_api_base == f"{seeded.base_url}/x"
        assert adapters.app_credentials(real) == EMULATOR_APP
    finally:
        adapters.close()
    with pytest.raises(DemoError):
        DemoAdapters(clock, "https://api.x.com")


# ------------------------------------------------------------------ seed_history's guards


@pytest.fixture
def emulator():
    from app.emulator import EmulatorServer

    srv = EmulatorServer(port=0, seed=7).start()
    yield srv
    srv.stop()


def test_bad_input_is_refused_before_anything_is_written(db, emulator):
    calls = []
    for kwargs, message in (
        ({"days": 0}, "days must be"),
        ({"days": 400}, "days must be"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
    ):
        with pytest.raises(DemoError, match=message):
            seed_history(db, emulator.base_url, set_emulator_clock=calls.append, **kwargs)
    with pytest.raises(DemoError, match="loopback"):
        seed_history(db, "https://api.x.com", set_emulator_clock=calls.append)
    assert calls == []


def add_real_account(db, clock, platform=Platform.TWITTER) -> None:
    from app.core.models import Workspace

    with db.session() as s:
        ws = Workspace(name="Shop", timezone="UTC", created_at=clock.now())
        s.add(ws)
        s.flush()
        s.add(
            Account(
                workspace_id=ws.id,
                platform=platform,
                handle="@shop",
                external_id="1",
                status=AccountStatus.ACTIVE,
                settings={},
                created_at=clock.now(),
            )
        )
        s.commit()


def test_a_database_with_real_accounts_is_refused(db, emulator, clock):
    add_real_account(db, clock)
    with pytest.raises(DemoError, match="real platforms"):
        seed_history(db, emulator.base_url, set_emulator_clock=emulator.set_clock)
    assert emulator.published() == []


def test_cancel_stops_seeding_and_puts_the_emulator_back(db, emulator):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SeedCancelled):
        seed_history(
            db, emulator.base_url, days=3, set_emulator_clock=emulator.set_clock, cancel=cancel
        )
    assert abs(emulator.now() - datetime.now(UTC)) < timedelta(minutes=1)


# ------------------------------------------------------------------ demo-seed


def test_demo_seed_prints_a_summary_and_exits_0(db_url, emulator, monkeypatch, capsys):
    monkeypatch.setenv("HERALD_VAULT_KEY", Fernet.generate_key().decode())
    args = ["demo-seed", "--db", db_url, "--emulator", emulator.base_url, "--days", "1"]
    assert cli_main([*args, "--workspace", "Bench Bakery"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Demo history seeded through the emulator at {emulator.base_url}\n")
    assert "workspace: Bench Bakery (America/New_York), 1 days of history" in out
    assert f"accounts: {len(Platform)} (X @herald_demo, Instagram @herald.demo" in out
    assert "Bluesky herald-demo.bsky.social" in out
    assert "Threads @herald.demo" in out
    for key in ("published:", "snapshots:", "upcoming:", "recommendations:"):
        assert f"\n{key} " in out
    assert len(emulator.published()) > 0
    assert abs(emulator.now() - datetime.now(UTC)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--emulator", "http://198.51.100.7:8700"], "must run on this computer"),
        (["--emulator", "http://127.0.0.1:9/x"], "base URL only"),
        (["--emulator", "http://127.0.0.1:1"], "cannot reach the emulator at http://127.0.0.1:1"),
        (["--emulator", "EMU", "--days", "0"], "--days must be a whole number from 1 to 365"),
        (["--emulator", "EMU", "--days", "ninety"], "--days must be a whole number"),
        (["--emulator", "EMU", "--timezone", "Mars/Olympus"], "unknown time zone"),
    ],
)
def test_demo_seed_bad_input_is_one_line_and_exit_2(db_url, emulator, capsys, extra, message):
    extra = [emulator.base_url if a == "EMU" else a for a in extra]
    assert cli_main(["demo-seed", "--db", db_url, *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("herald demo-seed: ") and message in captured.err
    assert emulator.published() == []


def test_demo_seed_refuses_a_database_with_real_accounts(db_url, db, emulator, capsys, clock):
    add_real_account(db, clock, Platform.LINKEDIN)
    assert cli_main(["demo-seed", "--db", db_url, "--emulator", emulator.base_url]) == 2
    assert "real platforms" in capsys.readouterr().err
    assert emulator.published() == []


# ------------------------------------------------------------------ prepare_demo


def test_prepare_demo_seeds_once_then_reuses_without_a_keychain(tmp_path):
    keyring.set_keyring(keyring.backends.fail.Keyring())  # demo mode needs no keychain
    folder = tmp_path / "demo"
    first = prepare_demo(folder, days=2)
    try:
        assert first.report is not None and first.report.published > 0
        assert first.db_url == f"sqlite:///{folder / 'demo.db'}"
        published = len(first.emulator.published())
        workspace_id = first.workspace_id
    finally:
        first.close()
    key_file = folder / KEY_FILE
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert first.vault_key not in repr(first)

    second = prepare_demo(folder, days=2)
    try:
        assert second.report is None  # reused, not seeded again
        assert second.workspace_id == workspace_id
        assert len(second.emulator.published()) == published  # the emulator kept its history
        db = open_database(second.db_url)
        try:
            from app.core.accounts import AccountService

            accounts = AccountService(db, second.vault(db))
            infos = accounts.list(workspace_id)
            assert {i.settings["api_base"] for i in infos} == {second.emulator.base_url}
            assert accounts.credentials(infos[0].id).access_token  # the demo key opens them
            with db.session() as s:
                count = len(
                    s.scalars(select(Target).where(Target.status == TargetStatus.PUBLISHED)).all()
                )
            assert count == published
        finally:
            db.dispose()
    finally:
        second.close()


def test_prepare_demo_seeds_again_when_the_demo_is_stale(tmp_path):
    folder = tmp_path / "demo"
    prepare_demo(folder, days=1).close()
    marker = json.loads((folder / MARKER_FILE).read_text())
    marker["seeded_at"] = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    (folder / MARKER_FILE).write_text(json.dumps(marker))
    again = prepare_demo(folder, days=1)
    try:
        assert again.report is not None
        db = open_database(again.db_url)
        try:
            with db.session() as s:
                # a fresh demo, not a second
                assert len(s.scalars(select(Account)).all()) == len(Platform)
        finally:
            db.dispose()
    finally:
        again.close()
