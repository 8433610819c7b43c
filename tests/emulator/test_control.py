"""The /_emulator control API, the in-process API and state files."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.emulator import EmulatorServer
from tests.emulator.conftest import START, TLS
from tests.emulator.helpers import bearer, fb_login, ig_login, li_login, x_login


def test_published_matches_in_process_view(emu: EmulatorServer, client: httpx.Client) -> None:
    headers = bearer(x_login(client)["access_token"])
    client.post("/x/2/tweets", json={"text": "one"}, headers={**headers, "Idempotency-Key": "k"})
    over_http = client.get("/_emulator/published").json()
    assert over_http == emu.published()
    assert set(over_http[0]) >= {
        "platform",
        "account",
        "external_id",
        "text",
        "media",
        "idempotency_key",
        "created_at",
    }


def test_every_issued_token_is_listed(emu: EmulatorServer, client: httpx.Client) -> None:
    x = x_login(client)
    ig, _ = ig_login(client)
    li, _ = li_login(client)
    fb = fb_login(client)
    listed = client.get("/_emulator/tokens").json()
    assert listed == emu.issued_tokens()
    for token in (
        x["access_token"],
        x["refresh_token"],
        ig,
        li["access_token"],
        li["refresh_token"],
        fb.user_token,
        fb.page_token,
    ):
        assert token in listed
    assert len(listed) == len(set(listed))
    assert all(t.startswith("emu-") for t in listed)


def test_users(emu: EmulatorServer, client: httpx.Client) -> None:
    defaults = client.get("/_emulator/users", params={"default": 1}).json()
    assert defaults == emu.users
    assert defaults["twitter"]["handle"] == "herald_demo"
    assert defaults["instagram"]["handle"] == "herald.demo"
    assert defaults["linkedin"]["name"] == "Herald Demo"
    assert defaults["facebook"]["page_name"] == "Herald Demo Page"
    assert defaults["threads"]["handle"] == "herald.demo"
    assert len(client.get("/_emulator/users").json()) == len(defaults)  # one per network


def test_clock_control(emu: EmulatorServer, client: httpx.Client) -> None:
    assert client.get("/_emulator/clock").json() == {"now": "2026-01-05T14:00:00.000Z"}
    moved = client.post("/_emulator/clock", json={"advance_seconds": 90})
    assert moved.json() == {"now": "2026-01-05T14:01:30.000Z"}
    assert emu.now() == START + timedelta(seconds=90)
    set_to = client.post("/_emulator/clock", json={"now": "2026-03-01T08:00:00+01:00"})
    assert set_to.json() == {"now": "2026-03-01T07:00:00.000Z"}
    assert client.post("/_emulator/clock", json={"now": "yesterday"}).status_code == 400
    assert client.post("/_emulator/clock", json={}).status_code == 400
    assert client.post("/_emulator/clock", content=b"{").status_code == 400
    emu.set_clock(datetime(2026, 2, 1, tzinfo=UTC))
    assert client.get("/_emulator/clock").json()["now"] == "2026-02-01T00:00:00.000Z"
    with pytest.raises(ValueError):
        emu.set_clock(datetime(2026, 2, 1))


def test_shared_external_clock() -> None:
    class Clock:
        def __init__(self) -> None:
            self.value = START
            self.lock = threading.Lock()

        def now(self) -> datetime:
            with self.lock:
                return self.value

    clock = Clock()
    with (
        EmulatorServer(now=clock.now) as srv,
        httpx.Client(base_url=srv.base_url, verify=TLS) as client,
    ):
        token = bearer(x_login(client)["access_token"])
        assert client.get("/x/2/users/me", headers=token).status_code == 200
        clock.value = START + timedelta(hours=2)
        assert srv.now() == clock.value
        assert client.get("/x/2/users/me", headers=token).status_code == 401


def test_own_clock_follows_real_time_plus_offset() -> None:
    with EmulatorServer() as srv:
        before = datetime.now(UTC)
        srv.advance(3600)
        assert srv.now() - before >= timedelta(hours=1)
        srv.set_clock(START)
        assert abs((srv.now() - START).total_seconds()) < 5


def test_reset(emu: EmulatorServer, client: httpx.Client) -> None:
    headers = bearer(x_login(client)["access_token"])
    client.post("/x/2/tweets", json={"text": "gone"}, headers=headers)
    emu.add_fault("twitter", "publish", "503")
    emu.advance(60)
    assert client.post("/_emulator/reset").json() == {"reset": True}
    assert emu.published() == []
    assert emu.issued_tokens() == []
    assert client.get("/_emulator/faults").json() == {"rules": []}
    assert emu.now() == START + timedelta(seconds=60)
    assert client.get("/x/2/users/me", headers=headers).status_code == 401
    assert emu.users["twitter"]["handle"] == "herald_demo"


def test_revoke_over_http(client: httpx.Client) -> None:
    tokens, _ = li_login(client)
    resp = client.post("/_emulator/revoke", json={"platform": "linkedin"})
    assert resp.json() == {"revoked": 2}
    info = client.get("/linkedin/v2/userinfo", headers=bearer(tokens["access_token"]))
    assert info.json()["serviceErrorCode"] == 65601
    assert client.post("/_emulator/revoke", json={"platform": "myspace"}).status_code == 400


def test_config(client: httpx.Client) -> None:
    config = client.get("/_emulator/config").json()
    assert config["x_posts_limit"] == 300
    assert config["linkedin_posts_per_day"] == 100
    assert config["instagram_publishes_per_24h"] == 50
    changed = client.post("/_emulator/config", json={"x_posts_limit": 5}).json()
    assert changed["x_posts_limit"] == 5
    assert client.post("/_emulator/config", json={"nope": 1}).status_code == 400
    with pytest.raises(ValueError):
        EmulatorServer(nope=1)


def test_unknown_paths(client: httpx.Client) -> None:
    assert client.get("/_emulator/nothing").status_code == 404
    assert client.get("/myspace/api").status_code == 404
    assert client.get("/x/2/nothing").status_code == 404
    assert client.get("/linkedin/rest/nothing").status_code == 404
    assert client.get("/facebook/v25.0/a/b/c").json()["error"]["code"] == 2500


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state" / "emulator.json"
    with (
        EmulatorServer(now=lambda: START, state_file=path) as srv,
        httpx.Client(base_url=srv.base_url, verify=TLS) as client,
    ):
        tokens = x_login(client)
        client.post("/x/2/tweets", json={"text": "kept"}, headers=bearer(tokens["access_token"]))
        srv.advance(120)
        saved = json.loads(path.read_text())
        assert saved["posts"][0]["text"] == "kept"
    assert [p.name for p in path.parent.iterdir()] == ["emulator.json"]  # no temp files left
    with (
        EmulatorServer(now=lambda: START, state_file=path) as srv,
        httpx.Client(base_url=srv.base_url, verify=TLS) as client,
    ):
        assert [p["text"] for p in srv.published()] == ["kept"]
        assert srv.now() == START + timedelta(seconds=120)
        me = client.get("/x/2/users/me", headers=bearer(tokens["access_token"]))
        assert me.status_code == 200
        assert tokens["refresh_token"] in srv.issued_tokens()
        dup = client.post(
            "/x/2/tweets", json={"text": "kept"}, headers=bearer(tokens["access_token"])
        )
        assert dup.status_code == 403


def test_bad_state_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"format": 99}))
    with pytest.raises(ValueError):
        EmulatorServer(state_file=path)


def test_revoking_a_facebook_page_revokes_its_owners_tokens(
    emu: EmulatorServer, client: httpx.Client
) -> None:
    fb = fb_login(client)
    assert emu.revoke_tokens("facebook", emu.users["facebook"]["page_id"]) == 3
    resp = client.get("/facebook/v25.0/me", params={"access_token": fb.page_token})
    assert resp.json()["error"]["code"] == 190
