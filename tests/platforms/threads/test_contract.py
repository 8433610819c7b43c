"""Threads' recorded and documented answers (tests/contract/recorded/threads/SOURCES.md):
the sign-in parses the recorded token bodies; the emulator answers in the same shapes."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import httpx
import pytest

from app.adapters.config import AdapterConfig
from app.adapters.oauth import connect
from app.core.ports import AppCredentials
from app.platforms.names import Platform
from tests.adapters.emu_support import APP, connect_account

RECORDED = Path(__file__).parents[2] / "contract" / "recorded" / "threads"
G = "https://graph.threads.net"


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def shape(value: object) -> object:
    """Keys and value types, recursively (lists by their first item)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def test_sign_in_reads_the_recorded_token_answers(mock, clock):
    config = AdapterConfig.real()
    mock.post(f"{G}/oauth/access_token").respond(200, json=recorded("user_token.json"))
    exchange = mock.get(f"{G}/access_token").respond(200, json=recorded("long_lived_token.json"))
    mock.get(f"{G}/v1.0/me").respond(200, json={"id": "12345678", "username": "bakery"})

    def browser(url: str) -> bool:
        q = parse_qs(urlsplit(url).query)
        assert urlsplit(url).netloc == "threads.com" and urlsplit(url).path == "/oauth/authorize"
        assert q["scope"] == [",".join(config.scopes(Platform.THREADS))]
        redirect = f"{q['redirect_uri'][0]}?code=abc&state={q['state'][0]}"
        threading.Thread(target=urlopen, args=(redirect,), kwargs={"timeout": 5}).start()
        return True

    [account] = connect(
        Platform.THREADS,
        AppCredentials("app-id", "app-secret"),
        config,
        open_browser=browser,
        port=0,
        timeout=10,
        clock=clock,
    )
    assert account.external_id == "12345678" and account.handle == "@bakery"
    assert account.credentials.access_token == "THQVJ..."
    assert (account.credentials.expires_at - clock.now()).total_seconds() == 5183944
    params = exchange.calls[0].request.url.params
    assert params["grant_type"] == "th_exchange_token" and params["client_secret"] == "app-secret"


@pytest.fixture
def emu_account(emu, clock):
    return connect_account(Platform.THREADS, AdapterConfig.for_emulator(emu.base_url), clock)


def test_emulator_token_bodies_have_the_recorded_shape(emu, emu_account):
    base = f"{emu.base_url}/threads"
    redirect = "http://127.0.0.1:8769/callback"
    page = httpx.get(
        f"{base}/oauth/authorize",
        params={"client_id": APP.client_id, "redirect_uri": redirect, "response_type": "code"},
    )
    code = parse_qs(urlsplit(page.headers["location"]).query)["code"][0]
    short = httpx.post(
        f"{base}/oauth/access_token",
        data={
            "client_id": APP.client_id,
            "client_secret": "s",
            "grant_type": "authorization_code",
            "redirect_uri": redirect,
            "code": code,
        },
    ).json()
    assert shape(short) == shape(recorded("user_token.json"))
    got = httpx.get(
        f"{base}/access_token",
        params={
            "grant_type": "th_exchange_token",
            "client_secret": "s",
            "access_token": short["access_token"],
        },
    ).json()
    assert shape(got) == shape(recorded("long_lived_token.json"))


def test_emulator_limit_status_and_insights_have_the_documented_shape(emu, emu_account, clock):
    base = f"{emu.base_url}/threads/v1.0"
    auth = {"Authorization": f"Bearer {emu_account.credentials.access_token}"}
    uid = emu_account.external_id
    limit = httpx.get(
        f"{base}/{uid}/threads_publishing_limit",
        params={"fields": "quota_usage,config"},
        headers=auth,
    ).json()
    assert shape(limit) == shape(recorded("documented_publishing_limit.json"))

    container = httpx.post(
        f"{base}/{uid}/threads",
        data={"media_type": "VIDEO", "video_url": "http://127.0.0.1:9/nothing.mp4"},
        headers=auth,
    ).json()["id"]
    status = httpx.get(
        f"{base}/{container}", params={"fields": "status,error_message"}, headers=auth
    ).json()
    documented = recorded("documented_container_error.json")
    assert shape(status) == shape(documented)
    assert status["status"] == "ERROR" and status["error_message"] == "FAILED_DOWNLOADING_VIDEO"

    text = httpx.post(
        f"{base}/{uid}/threads", data={"media_type": "TEXT", "text": "hi"}, headers=auth
    ).json()["id"]
    httpx.get(f"{base}/{text}", params={"fields": "status"}, headers=auth)
    httpx.get(f"{base}/{text}", params={"fields": "status"}, headers=auth)
    media = httpx.post(
        f"{base}/{uid}/threads_publish", params={"creation_id": text}, headers=auth
    ).json()["id"]
    emu.configure(threads_views_reported=0)
    insights = httpx.get(
        f"{base}/{media}/insights", params={"metric": "likes,replies"}, headers=auth
    ).json()
    assert shape(insights) == shape(recorded("documented_insights_without_views.json"))
