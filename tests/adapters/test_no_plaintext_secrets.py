"""After connecting every platform and publishing through the emulator with DEBUG logging on,
no token the emulator issued appears in the SQLite file (WAL included) or in the log."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from app.adapters.media_server import LoopbackMediaHost
from app.adapters.oauth import connect, loopback_browser
from app.adapters.registry import build_adapters, close_adapters
from app.core import logsetup
from app.core.accounts import AccountService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.bluesky.connect import EMULATOR_HANDLE
from app.platforms.bluesky.connect import SIGN_IN as BLUESKY
from app.platforms.names import Platform
from tests.adapters.conftest import make_image
from tests.adapters.emu_support import APP, emulator_config


@pytest.fixture
def debug_log(tmp_path, monkeypatch):
    root = logging.getLogger()
    before_handlers = list(root.handlers)
    levels = {name: logging.getLogger(name).level for name in ("", "httpx", "httpcore")}
    monkeypatch.setattr(logsetup, "_configured", False)
    path = logsetup.setup_logging(logging.DEBUG, log_file=tmp_path / "herald.log")
    # Be harsher than production: let the HTTP libraries log everything too.
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    logging.getLogger("httpcore").setLevel(logging.DEBUG)
    yield path
    for handler in root.handlers[:]:
        if handler not in before_handlers:
            root.removeHandler(handler)
            handler.close()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _file_bytes(*paths: Path) -> bytes:
    return b"".join(p.read_bytes() for p in paths if p.exists())


def test_no_token_in_database_or_log(db, db_url, clock, emu, media_server, tmp_path, debug_log):
    cfg = emulator_config(emu, read_timeout=5.0)
    service = AccountService(db, Vault(db, environ={}), clock)
    ws = WorkspaceService(db, clock).create("Secrets", "UTC").id
    adapters = build_adapters(
        cfg, clock, media_host=LoopbackMediaHost(media_server), sleep=lambda s: None
    )
    try:
        for platform in Platform:
            if platform == Platform.BLUESKY:  # an app password: no developer app, no OAuth
                accounts = [BLUESKY.connect(cfg, None, EMULATOR_HANDLE, "app-pw-1", clock=clock)]
            else:
                service.set_app_credentials(platform, APP)
                accounts = connect(
                    platform,
                    APP,
                    cfg,
                    open_browser=loopback_browser,
                    port=0,
                    timeout=10,
                    clock=clock,
                )
            account_id = service.save_connected(ws, accounts[0])
            ref = service.account_ref(account_id)
            adapter = adapters[platform]
            media = [make_image(tmp_path, f"{platform.value}.jpg")]
            if platform != Platform.INSTAGRAM:
                adapter.publish(ref, f"text post on {platform.label}", [], f"{platform}-1")
            if platform != Platform.LINKEDIN:  # the emulator has no LinkedIn image upload
                adapter.publish(ref, f"media post on {platform.label}", media, f"{platform}-2")
            if platform in (Platform.TWITTER, Platform.BLUESKY):
                clock.advance(timedelta(hours=3))
                with db.session() as s:  # the rotated refresh token is saved with the caller
                    service.store_credentials(s, account_id, adapter.refresh(ref))
                    s.commit()
                adapter.publish(service.account_ref(account_id), "after refresh", [], "x-3")
            logging.getLogger("test").debug("credentials for %s: %r", platform, ref.credentials)
    finally:
        close_adapters(adapters)
    db.dispose()
    for handler in logging.getLogger().handlers:
        handler.flush()

    tokens = emu.issued_tokens()
    assert len(tokens) >= 8
    path = Path(db_url.removeprefix("sqlite:///"))
    stored = _file_bytes(path, Path(f"{path}-wal"))
    log_text = debug_log.read_bytes()
    assert b"HTTP Request" in log_text  # the log really has the HTTP traffic in it
    for token in tokens:
        assert token.encode() not in stored, token[:12]
        assert token.encode() not in log_text, token[:12]
    assert APP.client_secret.encode() not in stored
    assert b"app-pw-1" not in stored and b"app-pw-1" not in log_text
