"""A crash between making a media container and publishing it (issue 19): the container is
stored against the target (table publish_containers) before it is published, so the
restarted engine asks it instead of searching the account's posts:
- FINISHED (never published): that very container is published, once;
- PUBLISHED (the publish went out, the answer died with the worker): its post is adopted,
  nothing is sent again;
- EXPIRED (the worker stayed down for more than a day): a new container, one post.
Threads and Instagram, over the loopback emulator, through the whole engine. The "crash" is
a BaseException raised inside the worker's publish: the engine writes nothing back, the
target stays IN_FLIGHT under its lease, exactly as after SIGKILL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.adapters.config import AdapterConfig
from app.adapters.media_server import LoopbackMediaHost
from app.adapters.oauth import connect, loopback_browser
from app.adapters.registry import build_adapters, close_adapters
from app.core.accounts import AccountService
from app.core.containers import DbContainers, PublishContainer
from app.core.engine import EngineSettings, PublishingEngine
from app.core.events import EventHub
from app.core.models import Target, TargetStatus
from app.core.posts import PostService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.instagram.adapter import InstagramAdapter
from app.platforms.names import Platform
from app.platforms.threads.adapter import ThreadsAdapter
from app.testing import advance
from tests.adapters.conftest import jpeg_bytes
from tests.adapters.emu_support import APP
from tests.platforms.threads.test_engine import Source

TEXT = "Fresh sourdough, out of the oven"


class Crash(BaseException):
    """The worker dies: no exception handler of the engine runs."""


def _publish_step(platform: Platform):
    """(class, name of its publish call, how the crash is placed around it)."""
    if platform == Platform.THREADS:
        return ThreadsAdapter, "_publish_container"
    return InstagramAdapter, "_call"


def _crashing(platform: Platform, monkeypatch, after: bool) -> None:
    cls, name = _publish_step(platform)
    real = getattr(cls, name)

    def step(self, *args, **kwargs):
        publishing = name == "_publish_container" or "media_publish" in str(args[1])
        if not publishing:
            return real(self, *args, **kwargs)
        if after:
            real(self, *args, **kwargs)  # it went out; the answer dies with the worker
        raise Crash()

    monkeypatch.setattr(cls, name, step)


def _engine(db, clock, emu, media_server, accounts):
    config = AdapterConfig.for_emulator(emu.base_url)
    adapters = build_adapters(
        config,
        clock,
        media_host=LoopbackMediaHost(media_server),
        sleep=lambda s: advance(clock, emu, s),
        containers=DbContainers(db, clock),  # a new process: nothing in memory
    )
    settings = EngineSettings(owner="crash-test")
    engine = PublishingEngine(db, clock, Source(adapters), EventHub(), accounts, settings, clock)
    return engine, adapters


@pytest.mark.parametrize("platform", [Platform.THREADS, Platform.INSTAGRAM])
@pytest.mark.parametrize("when", ["before_publish", "after_publish", "expired"])
def test_a_crash_between_container_and_publish_leaves_one_post(
    db, clock, emu, media_server, tmp_path, monkeypatch, platform, when
):
    accounts = AccountService(db, Vault(db, environ={}), clock)
    ws = WorkspaceService(db, clock).create("Bakery", "UTC").id
    config = AdapterConfig.for_emulator(emu.base_url)
    [found] = connect(
        platform, APP, config, open_browser=loopback_browser, port=0, timeout=10, clock=clock
    )
    account_id = accounts.save_connected(ws, found)
    photo = tmp_path / "loaf.jpg"
    photo.write_bytes(jpeg_bytes((1080, 1080)))
    due = (clock.now() + timedelta(minutes=5)).replace(tzinfo=None)
    PostService(db, clock).create(
        ws, TEXT, [account_id], media_paths=[str(photo)], scheduled_local=due, action="schedule"
    )
    clock.advance(timedelta(minutes=6))

    with monkeypatch.context() as patch:
        _crashing(platform, patch, after=when == "after_publish")
        engine, adapters = _engine(db, clock, emu, media_server, accounts)
        try:
            with pytest.raises(Crash):
                engine.run_once()
        finally:  # its threads stop; nothing of the dead worker touches the target again
            engine.close()
            close_adapters(adapters)
    with db.session() as s:
        target = s.scalars(select(Target)).one()
        assert target.status == TargetStatus.IN_FLIGHT  # under its lease, nothing written back
        stored = s.scalars(select(PublishContainer)).one()
        assert stored.target_id == target.id
        assert stored.idempotency_key == target.idempotency_key
    first_container = stored.container_id
    made_before = len(emu.emulator.state.containers)

    advance(clock, emu, 25 * 3600 if when == "expired" else 600)  # past the lease
    engine, adapters = _engine(db, clock, emu, media_server, accounts)
    try:
        for _ in range(4):
            engine.run_once()
            clock.advance(timedelta(minutes=16))
    finally:
        engine.close()
        close_adapters(adapters)

    posts = [p for p in emu.published() if p["platform"] == platform.value]
    assert [p["text"] for p in posts] == [TEXT]  # exactly once
    made = len(emu.emulator.state.containers) - made_before
    if when == "expired":
        assert posts[0]["extra"]["container_id"] != first_container
        assert made >= 1  # a new container
    else:
        assert posts[0]["extra"]["container_id"] == first_container  # that very one
        assert made == 0  # no new container was made
    with db.session() as s:
        target = s.scalars(select(Target)).one()
        assert target.status == TargetStatus.PUBLISHED
        assert target.external_id == posts[0]["external_id"]
        assert s.scalars(select(PublishContainer)).all() == []  # settled: forgotten
