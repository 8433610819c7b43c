from __future__ import annotations

import hashlib
import io
from pathlib import Path

import httpx
import pytest
import respx

from app.adapters.config import AdapterConfig
from app.core.ports import AccountRef, MediaItem
from app.platforms.names import Platform
from tests.adapters.emu_support import ADAPTERS, connect_account, emulator_config


def jpeg_bytes(size: tuple[int, int] = (1080, 1080)) -> bytes:
    """A real JPEG (the emulator may check dimensions the way Instagram does)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, "JPEG", quality=70)
    return buf.getvalue()


@pytest.fixture
def config() -> AdapterConfig:
    return AdapterConfig.real()


@pytest.fixture
def mock():
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def client():
    with httpx.Client(timeout=5.0) as c:
        yield c


@pytest.fixture
def image(tmp_path) -> MediaItem:
    return make_image(tmp_path, "photo.jpg")


def make_image(tmp_path: Path, name: str) -> MediaItem:
    data = jpeg_bytes()
    path = tmp_path / name
    path.write_bytes(data)
    return MediaItem(
        str(path), "image/jpeg", len(data), hashlib.sha256(data).hexdigest(), 1080, 1080
    )


@pytest.fixture
def emu(clock):
    from app.emulator import EmulatorServer

    with EmulatorServer(port=0, seed=0, now=clock.now, timeout_delay_s=1.0) as srv:
        yield srv


# The emulator tests' shared fixtures: each such module names its own `platform` fixture.
@pytest.fixture
def cfg(emu) -> AdapterConfig:
    return emulator_config(emu)


@pytest.fixture
def account(platform: Platform, cfg, clock) -> AccountRef:
    return connect_account(platform, cfg, clock)


@pytest.fixture
def adapter(platform, cfg, clock):
    with ADAPTERS[platform](cfg, clock) as a:
        yield a


@pytest.fixture
def media_server():
    from app.adapters.media_server import MediaServer

    with MediaServer() as server:
        yield server
