"""Fault injection: each kind in each envelope, next-N, probability, SPEC, control API."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from app.emulator import EmulatorServer, parse_spec
from tests.emulator.conftest import START, TLS
from tests.emulator.helpers import (
    MediaServer,
    bearer,
    fb_login,
    ig_login,
    jpeg,
    li_body,
    li_headers,
    li_login,
    x_login,
)

Publish = Callable[[str], httpx.Response]


@pytest.fixture
def publish(emu: EmulatorServer, client: httpx.Client, media: MediaServer) -> dict[str, Publish]:
    """One 'publish' call per platform (Instagram's is media_publish of a ready container)."""
    x_tok = x_login(client)["access_token"]
    ig_tok, ig_uid = ig_login(client)
    li_tokens, li_sub = li_login(client)
    li_tok = li_tokens["access_token"]
    fb = fb_login(client)
    image = media.url("i.jpg", jpeg(500, 500))
    g = "/instagram/v25.0"

    def ig_publish(text: str) -> httpx.Response:
        created = client.post(
            f"{g}/{ig_uid}/media",
            data={"image_url": image, "caption": text, "access_token": ig_tok},
        )
        cid = created.json()["id"]
        for _ in range(2):
            client.get(f"{g}/{cid}", params={"fields": "status_code", "access_token": ig_tok})
        return client.post(
            f"{g}/{ig_uid}/media_publish", data={"creation_id": cid, "access_token": ig_tok}
        )

    return {
        "twitter": lambda t: client.post("/x/2/tweets", json={"text": t}, headers=bearer(x_tok)),
        "instagram": ig_publish,
        "linkedin": lambda t: client.post(
            "/linkedin/rest/posts", json=li_body(li_sub, t), headers=li_headers(li_tok)
        ),
        "facebook": lambda t: client.post(
            f"/facebook/v25.0/{fb.page_id}/feed", data={"message": t, "access_token": fb.page_token}
        ),
    }


PLATFORMS = ["twitter", "instagram", "linkedin", "facebook"]


def _texts(emu: EmulatorServer, platform: str) -> list[str]:
    return [p["text"] for p in emu.published() if p["platform"] == platform.upper()]


# ---------------------------------------------------------------------- 5xx
@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("status", ["500", "502", "503"])
def test_server_errors_use_each_platforms_envelope(
    emu: EmulatorServer, publish: dict[str, Publish], platform: str, status: str
) -> None:
    emu.add_fault(platform, "publish", status, count=1)
    resp = publish[platform]("five hundred")
    assert resp.status_code == int(status)
    body = resp.json()
    if platform == "twitter":
        assert body["status"] == int(status) and "title" in body and "detail" in body
        assert "x-rate-limit-remaining" in resp.headers
    elif platform == "linkedin":
        assert body["status"] == int(status) and "message" in body
    else:
        assert body["error"]["is_transient"] is True
        assert body["error"]["code"] in (1, 2)
    assert _texts(emu, platform) == []
    assert publish[platform]("five hundred").status_code in (200, 201)  # next=1 is spent


# ---------------------------------------------------------------------- timeout
def test_timeout_holds_longer_than_the_client_waits(media: MediaServer) -> None:
    with (
        EmulatorServer(now=lambda: START, timeout_delay_s=0.5) as srv,
        httpx.Client(base_url=srv.base_url, timeout=0.2, verify=TLS) as client,
    ):
        token = x_login(client)["access_token"]
        srv.add_fault("twitter", "publish", "timeout", count=1)
        with pytest.raises(httpx.ReadTimeout):
            client.post("/x/2/tweets", json={"text": "slow"}, headers=bearer(token))
        assert srv.published() == []
        resp = client.post("/x/2/tweets", json={"text": "fast"}, headers=bearer(token))
        assert resp.status_code == 201


def test_timeout_with_process_creates_the_post_after_the_client_gave_up() -> None:
    with (
        EmulatorServer(now=lambda: START, timeout_delay_s=0.3) as srv,
        httpx.Client(base_url=srv.base_url, timeout=0.1, verify=TLS) as client,
    ):
        token = x_login(client)["access_token"]
        srv.add_fault("twitter", "publish", "timeout", count=1, process=1)
        with pytest.raises(httpx.ReadTimeout):
            client.post("/x/2/tweets", json={"text": "late"}, headers=bearer(token))
        deadline = time.monotonic() + 5
        while not srv.published() and time.monotonic() < deadline:
            time.sleep(0.02)  # waiting for the server thread, not for emulated time
        assert [p["text"] for p in srv.published()] == ["late"]


def test_stop_does_not_wait_for_sleeping_handlers() -> None:
    srv = EmulatorServer(now=lambda: START, timeout_delay_s=30).start()
    errors: list[BaseException] = []

    def call() -> None:
        with httpx.Client(base_url=srv.base_url, timeout=10, verify=TLS) as client:
            try:
                client.get("/x/2/users/me", headers=bearer("whatever"))
            except httpx.HTTPError as exc:
                errors.append(exc)

    srv.add_fault("twitter", "*", "timeout")
    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.2)  # let the request reach the sleeping handler
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 2
    caller.join(5)
    assert not caller.is_alive()
    assert len(errors) == 1


# ---------------------------------------------------------------------- lost, malformed, truncated
@pytest.mark.parametrize("platform", PLATFORMS)
def test_lost_response_creates_the_post_then_drops_the_connection(
    emu: EmulatorServer, publish: dict[str, Publish], platform: str
) -> None:
    emu.add_fault(platform, "publish", "lost", count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        publish[platform]("lost but real")
    assert _texts(emu, platform) == ["lost but real"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_malformed_body(emu: EmulatorServer, publish: dict[str, Publish], platform: str) -> None:
    emu.add_fault(platform, "publish", "malformed", count=1)
    resp = publish[platform]("garbled")
    assert resp.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        resp.json()
    assert _texts(emu, platform) == []


def test_malformed_with_process_keeps_the_post(
    emu: EmulatorServer, publish: dict[str, Publish]
) -> None:
    emu.add_fault("linkedin", "publish", "malformed", count=1, process=1)
    resp = publish["linkedin"]("made it")
    assert resp.status_code == 201
    assert "x-restli-id" not in resp.headers
    assert _texts(emu, "linkedin") == ["made it"]


@pytest.mark.parametrize("process", [0, 1])
def test_truncated_body(emu: EmulatorServer, publish: dict[str, Publish], process: int) -> None:
    emu.add_fault("twitter", "publish", "truncated", count=1, process=process)
    with pytest.raises(httpx.RemoteProtocolError):
        publish["twitter"]("cut short")
    assert _texts(emu, "twitter") == (["cut short"] if process else [])


# ---------------------------------------------------------------------- auth faults
def test_invalid_token_per_platform(emu: EmulatorServer, publish: dict[str, Publish]) -> None:
    emu.add_fault("*", "publish", "invalid_token", count=4)
    x, ig, li, fb = (publish[p]("t") for p in PLATFORMS)
    assert x.status_code == 401
    assert ig.json()["error"]["code"] == 190
    assert li.status_code == 401 and li.json()["serviceErrorCode"] == 65602
    assert fb.json()["error"]["code"] == 190
    assert emu.published() == []
    assert publish["twitter"]("t").status_code == 201  # the tokens themselves are still fine


def test_revoked_refresh_token_on_x(emu: EmulatorServer, client: httpx.Client) -> None:
    tokens = x_login(client)
    emu.add_fault("twitter", "token", "revoked_refresh", count=1)
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": "herald-x",
    }
    resp = client.post("/x/2/oauth2/token", data=form)
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_request"
    # revocation is real: the refresh token and the access token stay refused
    assert client.post("/x/2/oauth2/token", data=form).status_code == 400
    assert client.get("/x/2/users/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_revoked_refresh_on_linkedin_and_instagram(
    emu: EmulatorServer, client: httpx.Client
) -> None:
    tokens, _ = li_login(client)
    emu.add_fault("linkedin", "token", "revoked_refresh", count=1)
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": "herald-li",
        "client_secret": "s",
    }
    resp = client.post("/linkedin/oauth/v2/accessToken", data=form)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"
    ig_token, _ = ig_login(client)
    emu.advance(86400)
    emu.add_fault("instagram", "token", "revoked_refresh", count=1)
    refresh = client.get(
        "/instagram/refresh_access_token",
        params={"grant_type": "ig_refresh_token", "access_token": ig_token},
    )
    assert refresh.json()["error"]["code"] == 190
    assert refresh.json()["error"]["error_subcode"] == 460


# ---------------------------------------------------------------------- duplicate, 429
def test_duplicate_per_platform(emu: EmulatorServer, publish: dict[str, Publish]) -> None:
    emu.add_fault("*", "publish", "duplicate", count=4)
    x, ig, li, fb = (publish[p]("d") for p in PLATFORMS)
    assert x.status_code == 403 and "duplicate content" in x.json()["detail"]
    assert ig.json()["error"]["code"] == 506
    assert li.status_code == 422 and "duplicate" in li.json()["message"]
    assert fb.json()["error"]["code"] == 506
    assert emu.published() == []


def test_rate_limit_fault_per_platform(emu: EmulatorServer, publish: dict[str, Publish]) -> None:
    emu.add_fault("*", "publish", "429", count=4, reset_in=120)
    x, ig, li, fb = (publish[p]("r") for p in PLATFORMS)
    assert x.status_code == 429
    assert x.headers["x-rate-limit-remaining"] == "0"
    assert int(x.headers["x-rate-limit-reset"]) == int(START.timestamp()) + 120
    assert ig.json()["error"]["code"] == 4
    assert li.status_code == 429
    assert fb.json()["error"]["code"] == 32
    buc = json.loads(fb.headers["x-business-use-case-usage"])
    assert next(iter(buc.values()))[0]["estimated_time_to_regain_access"] == 2
    emu.add_fault("facebook", "publish", "429", count=1, code=613)
    assert publish["facebook"]("r").json()["error"]["code"] == 613


def test_container_error(emu: EmulatorServer, client: httpx.Client, media: MediaServer) -> None:
    token, uid = ig_login(client)
    g = "/instagram/v25.0"
    image = media.url("e.jpg", jpeg(400, 400))
    cid = client.post(f"{g}/{uid}/media", data={"image_url": image, "access_token": token}).json()[
        "id"
    ]
    emu.add_fault("instagram", "container_status", "error", count=1)
    status = client.get(
        f"{g}/{cid}", params={"fields": "status_code,status", "access_token": token}
    )
    assert status.json()["status_code"] == "ERROR"
    assert status.json()["status"].startswith("Error:")


# ---------------------------------------------------------------------- rule semantics
def test_next_n_then_stops(emu: EmulatorServer, publish: dict[str, Publish]) -> None:
    emu.add_fault("twitter", "publish", "503", count=2)
    codes = [publish["twitter"](f"n{i}").status_code for i in range(4)]
    assert codes == [503, 503, 201, 201]


def test_endpoint_filter(emu: EmulatorServer, publish: dict[str, Publish]) -> None:
    emu.add_fault("twitter", "metrics", "503")
    assert publish["twitter"]("fine").status_code == 201
    assert emu.published()
    emu.clear_faults()


def _outcomes(seed: int) -> list[int]:
    with (
        EmulatorServer(now=lambda: START, seed=seed) as srv,
        httpx.Client(base_url=srv.base_url, verify=TLS) as client,
    ):
        token = x_login(client)["access_token"]
        srv.add_fault("twitter", "publish", "503", probability=0.5)
        return [
            client.post("/x/2/tweets", json={"text": f"p{i}"}, headers=bearer(token)).status_code
            for i in range(60)
        ]


def test_probability_is_seeded() -> None:
    first, again, other = _outcomes(7), _outcomes(7), _outcomes(8)
    assert first == again
    assert first != other
    assert 15 <= first.count(503) <= 45


def test_spec_grammar() -> None:
    rules = parse_spec(
        "twitter:publish:503:0.2, instagram:*:timeout:next=3,"
        "linkedin:publish:429:next=1:reset_in=120,"
        "x:token:revoked_refresh:p=1"
    )
    assert [(r.platform, r.endpoint, r.kind, r.probability, r.count) for r in rules] == [
        ("twitter", "publish", "503", 0.2, None),
        ("instagram", "*", "timeout", None, 3),
        ("linkedin", "publish", "429", None, 1),
        ("twitter", "token", "revoked_refresh", 1.0, None),
    ]
    assert rules[2].params == {"reset_in": 120}


@pytest.mark.parametrize(
    "spec",
    [
        "myspace:publish:503",
        "twitter:post:503",
        "twitter:publish:418",
        "twitter:publish",
        "x:publish:503:p=2",
        "x:publish:503:next=0",
        "x:publish:503:zz",
    ],
)
def test_spec_errors(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_spec(spec)


def test_faults_from_constructor_and_control_api() -> None:
    with (
        EmulatorServer(now=lambda: START, faults="twitter:publish:502:next=1") as srv,
        httpx.Client(base_url=srv.base_url, verify=TLS) as c,
    ):
        token = bearer(x_login(c)["access_token"])
        assert c.post("/x/2/tweets", json={"text": "a"}, headers=token).status_code == 502
        added = c.post("/_emulator/faults", json={"spec": "twitter:publish:500:next=1"})
        assert added.json()["added"][0]["kind"] == "500"
        c.post(
            "/_emulator/faults",
            json={"platform": "twitter", "endpoint": "publish", "kind": "503", "count": 1},
        )
        rules = c.get("/_emulator/faults").json()["rules"]
        assert [r["kind"] for r in rules] == ["500", "503"]
        assert c.post("/x/2/tweets", json={"text": "a"}, headers=token).status_code == 500
        assert c.delete("/_emulator/faults").json() == {"rules": []}
        assert c.post("/x/2/tweets", json={"text": "a"}, headers=token).status_code == 201
        bad = c.post("/_emulator/faults", json={"platform": "nope", "endpoint": "*", "kind": "500"})
        assert bad.status_code == 400
        assert c.post("/_emulator/faults", json={"kind": "500"}).status_code == 400
        assert c.post("/_emulator/faults", json={"spec": "x:publish"}).status_code == 400
