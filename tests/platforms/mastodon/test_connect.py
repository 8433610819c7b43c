"""Connecting a Mastodon account (respx for the instance, a real loopback listener for the
redirect): self-registration with the exact redirect port, PKCE S256, the client secret kept,
re-registration on invalid_client, a pasted token, and secrets only in the credentials."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import urllib.request
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from app.adapters.config import AdapterConfig
from app.adapters.oauth import OAuthError
from app.core.clock import FakeClock
from app.core.ports import AppCredentials
from app.platforms.mastodon.connect import connect_mastodon, connect_with_token
from app.platforms.mastodon.wire import instance_url
from tests.platforms.mastodon.support import INSTANCE, recorded


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Browser:
    """Approves at once: redirects to the loopback listener with a code and the state."""

    def __init__(self) -> None:
        self.url = ""

    def __call__(self, url: str) -> bool:
        self.url = url
        q = parse_qs(urlsplit(url).query)
        target = f"{q['redirect_uri'][0]}?code=the-code&state={q['state'][0]}"
        urllib.request.urlopen(target, timeout=5).read()
        return True

    @property
    def params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.url).query).items()}


def instance_routes(max_characters: int = 5000) -> dict[str, respx.Route]:
    body = recorded("instance_v2.json")
    body["configuration"]["statuses"]["max_characters"] = max_characters
    return {
        "apps": respx.post(f"{INSTANCE}/api/v1/apps").mock(
            return_value=httpx.Response(200, json=recorded("app_register.json"))
        ),
        "discovery": respx.get(f"{INSTANCE}/.well-known/oauth-authorization-server").mock(
            return_value=httpx.Response(200, json=recorded("oauth_authorization_server.json"))
        ),
        "token": respx.post(f"{INSTANCE}/oauth/token").mock(
            return_value=httpx.Response(200, json=recorded("oauth_token.json"))
        ),
        "me": respx.get(f"{INSTANCE}/api/v1/accounts/verify_credentials").mock(
            return_value=httpx.Response(200, json=recorded("verify_credentials.json"))
        ),
        "instance": respx.get(f"{INSTANCE}/api/v2/instance").mock(
            return_value=httpx.Response(200, json=body)
        ),
    }


@respx.mock
def test_registers_itself_and_signs_in_with_pkce():
    respx.route(host="127.0.0.1").pass_through()
    routes = instance_routes()
    port, browser = free_port(), Browser()
    account = connect_mastodon(
        "social.example",
        AdapterConfig.real(),
        open_browser=browser,
        port=port,
        timeout=10,
        clock=FakeClock(),
    )
    registered = json.loads(routes["apps"].calls.last.request.content)
    assert registered == {
        "client_name": "Herald",
        "redirect_uris": f"http://127.0.0.1:{port}/callback",
        "scopes": "read:statuses write:statuses write:media",
        "website": registered["website"],
    }
    app = recorded("app_register.json")
    assert browser.url.startswith(f"{INSTANCE}/oauth/authorize?")
    assert browser.params["client_id"] == app["client_id"]
    assert browser.params["code_challenge_method"] == "S256"
    assert browser.params["scope"] == "read:statuses write:statuses write:media"
    form = parse_qs(routes["token"].calls.last.request.content.decode())
    verifier = form["code_verifier"][0]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert digest.decode() == browser.params["code_challenge"]
    assert form["client_secret"] == [app["client_secret"]]  # kept for servers before 4.3
    assert account.handle == "@mastodonpy_test@localhost:3000"
    assert account.external_id == "117020565966271181"
    assert account.settings["instance"] == INSTANCE
    assert account.settings["text_limits"]["max_length"] == 5000
    assert account.settings["pkce"] is True
    assert account.credentials.access_token == recorded("oauth_token.json")["access_token"]
    assert account.credentials.extra["client_secret"] == app["client_secret"]
    flat = json.dumps(dict(account.settings))
    assert app["client_secret"] not in flat and account.credentials.access_token not in flat


@respx.mock
def test_a_known_app_is_checked_and_registered_anew_on_invalid_client():
    respx.route(host="127.0.0.1").pass_through()
    routes = instance_routes()
    routes["token"].mock(
        side_effect=[
            httpx.Response(401, json={"error": "invalid_client", "error_description": "unknown"}),
            httpx.Response(200, json=recorded("oauth_token.json")),
        ]
    )
    port = free_port()
    connect_mastodon(
        INSTANCE,
        AdapterConfig.real(),
        known_app=AppCredentials("vacuumed", "old-secret"),
        known_redirect=f"http://127.0.0.1:{port}/callback",
        open_browser=Browser(),
        port=port,
        timeout=10,
        clock=FakeClock(),
    )
    first = parse_qs(routes["token"].calls[0].request.content.decode())
    assert first["grant_type"] == ["client_credentials"] and first["client_id"] == ["vacuumed"]
    assert routes["apps"].call_count == 1


@respx.mock
def test_a_known_app_still_valid_is_reused():
    respx.route(host="127.0.0.1").pass_through()
    routes = instance_routes()
    browser, port = Browser(), free_port()
    connect_mastodon(
        INSTANCE,
        AdapterConfig.real(),
        known_app=AppCredentials("kept", "secret"),
        known_redirect=f"http://127.0.0.1:{port}/callback",
        open_browser=browser,
        port=port,
        timeout=10,
        clock=FakeClock(),
    )
    assert routes["apps"].call_count == 0 and browser.params["client_id"] == "kept"


@respx.mock
def test_a_known_app_registered_for_another_port_is_registered_again():
    respx.route(host="127.0.0.1").pass_through()
    routes = instance_routes()
    connect_mastodon(
        INSTANCE,
        AdapterConfig.real(),
        known_app=AppCredentials("kept", "secret"),
        known_redirect="http://127.0.0.1:1/callback",
        open_browser=Browser(),
        port=free_port(),
        timeout=10,
        clock=FakeClock(),
    )
    assert routes["apps"].call_count == 1


@respx.mock
def test_an_older_server_without_discovery_still_connects():
    respx.route(host="127.0.0.1").pass_through()
    routes = instance_routes()
    routes["discovery"].mock(return_value=httpx.Response(404, json={"error": "Record not found"}))
    account = connect_mastodon(
        INSTANCE,
        AdapterConfig.real(),
        open_browser=Browser(),
        port=free_port(),
        timeout=10,
        clock=FakeClock(),
    )
    assert account.settings["pkce"] is False


@respx.mock
def test_a_pasted_token_connects_without_the_browser():
    routes = instance_routes(max_characters=500)
    account = connect_with_token("@me@social.example", " tok-1 ", AdapterConfig.real())
    assert routes["me"].calls.last.request.headers["Authorization"] == "Bearer tok-1"
    assert account.credentials.access_token == "tok-1"
    assert account.settings["text_limits"]["max_length"] == 500


@respx.mock
def test_a_refused_token_is_one_clear_error():
    respx.get(f"{INSTANCE}/api/v1/accounts/verify_credentials").mock(
        return_value=httpx.Response(401, json=recorded("error_401.json"))
    )
    with pytest.raises(OAuthError, match="The access token is invalid") as err:
        connect_with_token(INSTANCE, "bad-token", AdapterConfig.real())
    assert "bad-token" not in str(err.value)


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("mastodon.social", "https://mastodon.social"),
        ("https://mastodon.social/", "https://mastodon.social"),
        ("@me@fosstodon.org", "https://fosstodon.org"),
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
    ],
)
def test_instance_addresses(typed, url):
    assert instance_url(typed) == url


@pytest.mark.parametrize("typed", ["", "not an address", "ftp://x.org", "https://"])
def test_bad_instance_addresses(typed):
    with pytest.raises(ValueError, match="instance address"):
        instance_url(typed)
