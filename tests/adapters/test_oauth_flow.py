"""The RFC 8252 loopback flow: listener behaviour, PKCE/state checks, timeouts, config."""

from __future__ import annotations

import socket
import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from app.adapters.config import AdapterConfig
from app.adapters.oauth import LoopbackListener, OAuthError, OAuthTimeout, authorize_url, connect
from app.adapters.registry import build_adapters, close_adapters
from app.core.ports import AppCredentials, PlatformAdapter
from app.platforms.names import Platform

APP = AppCredentials("cid", "secret")


def test_listener_serves_one_callback_then_closes():
    with LoopbackListener(0) as listener:
        base = f"http://127.0.0.1:{listener.port}"
        assert httpx.get(f"{base}/favicon.ico").status_code == 404  # does not count
        page = httpx.get(f"{base}/callback?code=abc&state=xyz")
        assert page.status_code == 200 and "close this tab" in page.text
        result = listener.wait(2)
        assert (result.code, result.state, result.error) == ("abc", "xyz", None)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/callback?code=again")


def test_listener_reports_error_and_escapes_it():
    with LoopbackListener(0) as listener:
        page = httpx.get(
            f"http://127.0.0.1:{listener.port}/callback",
            params={
                "error": "access_denied",
                "error_description": "<b>User said no</b>",
                "state": "s",
            },
        )
        assert "&lt;b&gt;User said no&lt;/b&gt;" in page.text
        assert listener.wait(2).error == "access_denied"


def test_listener_times_out_and_cancels():
    with LoopbackListener(0) as listener, pytest.raises(OAuthTimeout):
        listener.wait(0.3)
    cancel = threading.Event()
    cancel.set()
    with LoopbackListener(0) as listener, pytest.raises(OAuthError, match="cancelled"):
        listener.wait(5, cancel)


def test_busy_port_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(OAuthError, match="redirect port"):
            LoopbackListener(port)


def test_authorize_url_has_pkce_state_and_exact_redirect():
    cfg = AdapterConfig.real()
    url = authorize_url(
        Platform.TWITTER, APP, cfg, cfg.redirect_uri(Platform.TWITTER), "st", "ch", "alice"
    )
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://x.com/i/oauth2/authorize"
    assert q["redirect_uri"] == "http://127.0.0.1:8765/callback"
    assert q["code_challenge_method"] == "S256" and q["code_challenge"] == "ch"
    assert q["state"] == "st" and q["login_hint"] == "alice"
    assert "offline.access" in q["scope"].split(" ")
    assert cfg.redirect_uri(Platform.LINKEDIN) == "http://127.0.0.1:8766/callback"
    assert cfg.redirect_uri(Platform.FACEBOOK) == "http://127.0.0.1:8767/callback"
    assert cfg.redirect_uri(Platform.INSTAGRAM) == "http://127.0.0.1:8768/callback"
    fb = authorize_url(Platform.FACEBOOK, APP, cfg, "r", "s", "c")
    assert fb.startswith("https://www.facebook.com/v25.0/dialog/oauth?")


def _browser(answer):
    """A fake browser: reads the authorize URL and hits the redirect_uri with `answer(q)`."""

    def open_browser(url: str) -> bool:
        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        httpx.get(q["redirect_uri"], params=answer(q))
        return True

    return open_browser


def test_state_mismatch_is_refused():
    with pytest.raises(OAuthError, match="state"):
        connect(
            Platform.TWITTER,
            APP,
            AdapterConfig.real(),
            open_browser=_browser(lambda q: {"code": "c", "state": "forged"}),
            port=0,
            timeout=5,
        )


def test_denied_consent_is_reported():
    with pytest.raises(OAuthError, match="did not grant access: nope"):
        connect(
            Platform.LINKEDIN,
            APP,
            AdapterConfig.real(),
            open_browser=_browser(
                lambda q: {
                    "error": "user_cancelled_login",
                    "error_description": "nope",
                    "state": q["state"],
                }
            ),
            port=0,
            timeout=5,
        )


def test_pkce_challenge_matches_verifier_sent_to_token_endpoint(mock):
    seen = {}

    def token(request):
        form = dict(httpx.QueryParams(request.content.decode()))
        seen["verifier"] = form["code_verifier"]
        return httpx.Response(
            400, json={"error": "invalid_request", "error_description": "stop here"}
        )

    mock.post("https://api.x.com/2/oauth2/token").mock(side_effect=token)
    mock.route(host="127.0.0.1").pass_through()

    def answer(q):
        seen["challenge"] = q["code_challenge"]
        return {"code": "the-code", "state": q["state"]}

    with pytest.raises(OAuthError, match="stop here"):
        connect(
            Platform.TWITTER,
            APP,
            AdapterConfig.real(),
            open_browser=_browser(answer),
            port=0,
            timeout=5,
        )
    assert create_s256_code_challenge(seen["verifier"]) == seen["challenge"]
    assert 43 <= len(seen["verifier"]) <= 128


def test_browser_that_fails_is_an_oauth_error():
    def broken(url):
        raise RuntimeError("no display")

    with pytest.raises(OAuthError, match="browser"):
        connect(Platform.TWITTER, APP, AdapterConfig.real(), open_browser=broken, port=0, timeout=5)


def test_connect_times_out_when_nobody_comes_back():
    with pytest.raises(OAuthTimeout):
        connect(
            Platform.TWITTER,
            APP,
            AdapterConfig.real(),
            open_browser=lambda url: True,
            port=0,
            timeout=0.3,
        )


def test_config_for_emulator_and_registry(clock):
    cfg = AdapterConfig.for_emulator("http://127.0.0.1:9999/")
    assert cfg.x_api_base == "http://127.0.0.1:9999/x"
    assert cfg.ig_graph("/me") == "http://127.0.0.1:9999/instagram/v25.0/me"
    assert cfg.graph("/me/accounts") == "http://127.0.0.1:9999/facebook/v25.0/me/accounts"
    assert cfg.linkedin_version == "202601" and cfg.emulator
    real = AdapterConfig.real()
    assert (real.connect_timeout, real.read_timeout) == (5.0, 20.0)
    assert real.x_api_base == "https://api.x.com" and not real.emulator
    adapters = build_adapters(cfg, clock)
    try:
        assert set(adapters) == set(Platform)
        for platform, adapter in adapters.items():
            assert isinstance(adapter, PlatformAdapter)
            assert adapter.platform == platform
        assert adapters[Platform.TWITTER].metrics_batch_size == 100
        assert adapters[Platform.LINKEDIN].metrics_batch_size == 20
    finally:
        close_adapters(adapters)
