"""Threads through the whole engine over a loopback emulator: a text post, an image, a carousel
and a video are scheduled with PostService, published by the PublishingEngine through the
registry's adapters, each exactly once, including one whose publish answer is lost."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.adapters.config import AdapterConfig
from app.adapters.media_server import LoopbackMediaHost
from app.adapters.oauth import connect, loopback_browser
from app.adapters.registry import build_adapters, close_adapters
from app.core.accounts import AccountInfo, AccountService
from app.core.engine import EngineSettings, PublishingEngine
from app.core.events import EventHub
from app.core.models import Target, TargetStatus
from app.core.ports import AppCredentials, PlatformAdapter
from app.core.posts import PostService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.adapters.conftest import jpeg_bytes
from tests.adapters.emu_support import APP
from tests.core.test_media import make_mp4


class Source:
    def __init__(self, adapters: dict[Platform, PlatformAdapter]) -> None:
        self.adapters = adapters

    def adapter(self, account: AccountInfo) -> PlatformAdapter:
        return self.adapters[account.platform]

    def app_credentials(self, account: AccountInfo) -> AppCredentials | None:
        return APP


def test_four_formats_publish_exactly_once_with_a_lost_answer(
    db, clock, emu, media_server, tmp_path
):
    config = AdapterConfig.for_emulator(emu.base_url)
    adapters = build_adapters(
        config, clock, media_host=LoopbackMediaHost(media_server), sleep=lambda s: None
    )
    accounts = AccountService(db, Vault(db, environ={}), clock)
    ws = WorkspaceService(db, clock).create("Bakery", "UTC").id
    [found] = connect(
        Platform.THREADS,
        APP,
        config,
        open_browser=loopback_browser,
        port=0,
        timeout=10,
        clock=clock,
    )
    account_id = accounts.save_connected(ws, found)

    def image(name: str, width: int = 1080) -> str:
        path = tmp_path / name
        path.write_bytes(jpeg_bytes((width, 1080)))  # distinct files: media are kept by hash
        return str(path)

    video = make_mp4(tmp_path / "clip.mp4")
    posts = PostService(db, clock)
    due = (clock.now() + timedelta(minutes=5)).replace(tzinfo=None)
    texts = {
        "Fresh sourdough today 🍞": [],
        "Our rye, close up": [image("rye.jpg")],
        "Three loaves": [image(f"l{i}.jpg", 1000 + i) for i in range(3)],
        "Kneading, 8 seconds": [str(video)],
    }
    for text, media in texts.items():
        posts.create(
            ws, text, [account_id], media_paths=media, scheduled_local=due, action="schedule"
        )
    lost = emu.add_fault("threads", "publish", "lost", count=1)  # an answer never arrives

    engine = PublishingEngine(
        db, clock, Source(adapters), EventHub(), accounts, EngineSettings(owner="threads"), clock
    )
    try:
        clock.advance(timedelta(minutes=6))
        for _ in range(6):  # the lost one is looked up (found) on a later run
            engine.run_once()
            clock.advance(timedelta(minutes=16))
    finally:
        engine.close()
        close_adapters(adapters)

    assert lost.count == 0  # the fault fired: one publish reached Threads unanswered
    published = [p for p in emu.published() if p["platform"] == "THREADS"]
    assert sorted(p["text"] for p in published) == sorted(texts)  # each exactly once
    by_text = {p["text"]: p for p in published}
    assert by_text["Three loaves"]["extra"]["media_type"] == "CAROUSEL_ALBUM"
    assert by_text["Kneading, 8 seconds"]["extra"]["media_type"] == "VIDEO"
    with db.session() as s:
        targets = s.scalars(select(Target)).all()
        assert {t.status for t in targets} == {TargetStatus.PUBLISHED}
        assert {t.external_id for t in targets} == {p["external_id"] for p in published}
        assert max(t.attempts for t in targets) >= 1


def test_the_daily_maintenance_refreshes_a_threads_token_before_it_runs_out(db, clock, emu):
    """The 60-day token is refreshed by the same job as the other networks' (30 days ahead),
    through th_refresh_token on the emulator; the new token replaces the old in the vault."""
    from app.core.engine.maintenance import MaintenanceContext, refresh_expiring_tokens

    config = AdapterConfig.for_emulator(emu.base_url)
    adapters = build_adapters(config, clock, sleep=lambda s: None)
    accounts = AccountService(db, Vault(db, environ={}), clock)
    ws = WorkspaceService(db, clock).create("Bakery", "UTC").id
    [found] = connect(
        Platform.THREADS,
        APP,
        config,
        open_browser=loopback_browser,
        port=0,
        timeout=10,
        clock=clock,
    )
    account_id = accounts.save_connected(ws, found)
    context = MaintenanceContext(db, clock, accounts, Source(adapters), EventHub())
    try:
        assert refresh_expiring_tokens(context).refreshed == []  # 60 days left: nothing to do
        clock.advance(timedelta(days=31))
        report = refresh_expiring_tokens(context)
    finally:
        close_adapters(adapters)
    assert report.refreshed == [account_id] and report.reauth == []
    creds = accounts.credentials(account_id)
    assert creds.access_token != found.credentials.access_token
    assert creds.expires_at is not None and creds.expires_at > clock.now() + timedelta(days=59)
