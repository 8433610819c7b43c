from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.adapters.media_server import (
    MEDIA_HOSTING_HELP,
    HostingRouter,
    LoopbackMediaHost,
    MediaHosting,
    MediaServer,
)
from app.core.ports import AccountRef, Credentials, PermanentError
from app.platforms.names import Platform


def test_serves_only_registered_files(media_server, image, tmp_path):
    url = media_server.register(image.path, image.mime)
    assert url.startswith("http://127.0.0.1:") and "/m/" in url
    resp = httpx.get(url)
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "image/jpeg"
    assert resp.content == Path(image.path).read_bytes()
    assert httpx.head(url).status_code == 200
    # Unregistered paths, guessed tokens and other files are not served.
    secret = tmp_path / "secret.txt"
    secret.write_text("nope")
    base = media_server.base_url
    for path in ("/", "/m/", f"/m/guess/{secret.name}", "/../secret.txt", str(secret)):
        assert httpx.get(base + path).status_code == 404
    media_server.unregister(url)
    assert httpx.get(url).status_code == 404


def test_tokens_are_unguessable_and_unique(media_server, image):
    urls = {media_server.register(image.path) for _ in range(20)}
    assert len(urls) == 20
    assert all(len(u.split("/m/")[1].split("/")[0]) >= 32 for u in urls)


def test_start_stop_idempotent_and_no_threads_left():
    server = MediaServer().start()
    server.start()
    assert httpx.get(server.base_url + "/x").status_code == 404
    server.stop()
    server.stop()
    with pytest.raises(RuntimeError):
        _ = server.base_url


def test_hosting_settings_round_trip():
    hosting = MediaHosting("facebook_page_photo", page_id="123")
    assert MediaHosting.from_dict(hosting.to_dict()) == hosting
    assert MediaHosting.from_dict({"kind": "ftp"}) is None
    assert MediaHosting.from_dict(None) is None
    assert set(MEDIA_HOSTING_HELP) == {"loopback", "facebook_page_photo", "s3"}


def test_router_uses_account_setting_or_default(media_server, image):
    router = HostingRouter({"loopback": LoopbackMediaHost(media_server)}, default="loopback")
    plain = AccountRef(Platform.INSTAGRAM, "1", "@a", Credentials("t"))
    assert router.url_for(plain, image).startswith(media_server.base_url)
    s3 = AccountRef(
        Platform.INSTAGRAM, "1", "@a", Credentials("t"), settings={"media_hosting": {"kind": "s3"}}
    )
    with pytest.raises(PermanentError, match="not available"):
        router.url_for(s3, image)
    with pytest.raises(PermanentError, match="media hosting"):
        HostingRouter({}).url_for(plain, image)
