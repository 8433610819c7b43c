"""Threads adapter against respx: containers, polling, quota, errors, recovery, insights,
tokens. No network."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from app.adapters.http import OUTCOME_UNKNOWN
from app.core.ports import (
    AccountRef,
    AuthError,
    Credentials,
    DuplicatePostError,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from app.platforms.names import Platform
from app.platforms.threads.adapter import ThreadsAdapter
from tests.adapters.conftest import make_image
from tests.adapters.graph_batch_mock import serve_batch

G = "https://graph.threads.net/v1.0"
UID = "25000000000000001"
TOKEN = "th-long-lived-token-abcdef"
RECORDED = Path(__file__).parents[2] / "contract" / "recorded" / "threads"


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


@pytest.fixture
def account(clock) -> AccountRef:
    issued = (clock.now() - timedelta(days=2)).isoformat()
    return AccountRef(
        Platform.THREADS,
        UID,
        "@herald",
        Credentials(TOKEN, None, None, {"token_issued_at": issued}),
    )


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def adapter(config, clock, sleeps):
    with httpx.Client(timeout=5.0) as client:
        yield ThreadsAdapter(config, clock, client, sleep=sleeps.append)


def graph(code, message="msg", subcode=None):
    err = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"}
    if subcode is not None:
        err["error_subcode"] = subcode
    return {"error": err}


def quota(mock, usage=4):
    body = recorded("documented_publishing_limit.json")
    body["data"][0]["quota_usage"] = usage
    return mock.get(f"{G}/{UID}/threads_publishing_limit").respond(200, json=body)


def statuses(mock, container, *answers):
    return mock.get(f"{G}/{container}").mock(
        side_effect=[httpx.Response(200, json={"id": container, **a}) for a in answers]
    )


def test_text_post_creates_a_container_waits_and_publishes(mock, adapter, account, sleeps):
    quota(mock)
    create = mock.post(f"{G}/{UID}/threads").respond(200, json={"id": "c1"})
    statuses(mock, "c1", {"status": "IN_PROGRESS"}, {"status": "FINISHED"})
    publish = mock.post(f"{G}/{UID}/threads_publish").respond(200, json={"id": "m1"})
    result = adapter.publish(account, "Hello Threads", [], "k1")
    assert result.external_id == "m1"
    assert result.rate_limit is not None and result.rate_limit.remaining == 246
    form = dict(httpx.QueryParams(create.calls[0].request.content.decode()))
    assert form == {"media_type": "TEXT", "text": "Hello Threads"}
    assert publish.calls[0].request.url.params["creation_id"] == "c1"
    assert publish.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sleeps == [1.0]  # polled once IN_PROGRESS, through the injected sleep


def test_image_video_and_carousel_containers(mock, adapter, account, tmp_path):
    quota(mock)
    img = replace(make_image(tmp_path, "a.jpg"), public_url="https://cdn.example/a.jpg")
    vid = replace(img, mime="video/mp4", public_url="https://cdn.example/v.mp4")
    ids = iter(["i1", "v1", "car"])
    create = mock.post(f"{G}/{UID}/threads").mock(
        side_effect=lambda req: httpx.Response(200, json={"id": next(ids)})
    )
    for c in ("i1", "v1", "car"):
        mock.get(f"{G}/{c}").respond(200, json={"status": "FINISHED"})
    mock.post(f"{G}/{UID}/threads_publish").respond(200, json={"id": "m9"})
    assert adapter.publish(account, "two things", [img, vid], "k").external_id == "m9"
    forms = [dict(httpx.QueryParams(c.request.content.decode())) for c in create.calls]
    assert forms[0] == {
        "media_type": "IMAGE",
        "image_url": "https://cdn.example/a.jpg",
        "is_carousel_item": "true",
    }
    assert forms[1]["media_type"] == "VIDEO" and forms[1]["video_url"].endswith("v.mp4")
    assert forms[2] == {"media_type": "CAROUSEL", "children": "i1,v1", "text": "two things"}


def test_media_without_public_address_is_refused_before_any_call(mock, adapter, account, tmp_path):
    quota(mock)
    create = mock.post(f"{G}/{UID}/threads")
    with pytest.raises(PermanentError) as err:
        adapter.publish(account, "pic", [make_image(tmp_path, "a.jpg")], "k")
    assert err.value.code == "no_media_hosting" and not create.called


def test_polling_is_bounded(mock, config, clock, account, sleeps):
    cfg = replace(config, ig_poll_delays=(1.0, 2.0))
    with httpx.Client() as client:
        adapter = ThreadsAdapter(cfg, clock, client, sleep=sleeps.append)
        quota(mock)
        mock.post(f"{G}/{UID}/threads").respond(200, json={"id": "c1"})
        status = mock.get(f"{G}/c1").respond(200, json={"status": "IN_PROGRESS"})
        publish = mock.post(f"{G}/{UID}/threads_publish")
        with pytest.raises(TransientError) as err:
            adapter.publish(account, "slow", [], "k")
    assert err.value.code == "container_timeout"
    assert status.call_count == 3 and sleeps == [1.0, 2.0] and not publish.called


def test_container_error_message_is_a_clear_permanent_error(mock, adapter, account):
    quota(mock)
    mock.post(f"{G}/{UID}/threads").respond(200, json={"id": "17889615691921648"})
    mock.get(f"{G}/17889615691921648").respond(
        200, json=recorded("documented_container_error.json")
    )
    with pytest.raises(PermanentError) as err:
        adapter.publish(account, "video", [], "k")
    assert err.value.code == "container_error"
    assert err.value.message == "Threads could not download the video from its public address."


def test_expired_container_is_transient(mock, adapter, account):
    quota(mock)
    mock.post(f"{G}/{UID}/threads").respond(200, json={"id": "c1"})
    mock.get(f"{G}/c1").respond(200, json={"status": "EXPIRED"})
    with pytest.raises(TransientError, match="expired"):
        adapter.publish(account, "late", [], "k")


def test_spent_quota_is_a_rate_limit_and_creates_nothing(mock, adapter, account, clock):
    quota(mock, usage=250)
    create = mock.post(f"{G}/{UID}/threads")
    with pytest.raises(RateLimitedError) as err:
        adapter.publish(account, "one too many", [], "k")
    assert err.value.reset_at == clock.now() + timedelta(hours=1)
    assert err.value.rate_limit is not None and err.value.rate_limit.remaining == 0
    assert "250 of 250" in err.value.message and not create.called


@pytest.mark.parametrize(
    ("code", "kind", "expected_code"),
    [
        (1, TransientError, "graph_1"),
        (2, TransientError, "graph_2"),
        (4, RateLimitedError, "graph_4"),
        (17, RateLimitedError, "graph_17"),
        (341, RateLimitedError, "graph_341"),
        (613, RateLimitedError, "graph_613"),
        (190, AuthError, "graph_190"),
        (200, AuthError, "graph_200"),
        (10, PermanentError, "graph_10"),
        (368, PermanentError, "policy_block"),
    ],
)
def test_graph_errors_are_classified(mock, adapter, account, code, kind, expected_code):
    quota(mock)
    mock.post(f"{G}/{UID}/threads").respond(400, json=graph(code, "refused"))
    with pytest.raises(kind) as err:
        adapter.publish(account, "x", [], "k")
    assert type(err.value) is kind and err.value.code == expected_code


def _ready(mock, container="c1"):
    quota(mock)
    mock.post(f"{G}/{UID}/threads").respond(200, json={"id": container})
    mock.get(f"{G}/{container}").respond(200, json={"status": "FINISHED"})


def test_duplicate_names_the_existing_thread(mock, adapter, account, clock):
    _ready(mock)
    mock.post(f"{G}/{UID}/threads_publish").respond(400, json=graph(506, "Duplicate post"))
    stamp = clock.now().strftime("%Y-%m-%dT%H:%M:%S+0000")
    mock.get(f"{G}/{UID}/threads").respond(
        200, json={"data": [{"id": "old1", "text": "same words", "timestamp": stamp}]}
    )
    with pytest.raises(DuplicatePostError) as err:
        adapter.publish(account, "same words", [], "k")
    assert err.value.existing_id == "old1"


def test_duplicate_without_a_match_stays_a_permanent_error(mock, adapter, account):
    _ready(mock)
    mock.post(f"{G}/{UID}/threads_publish").respond(400, json=graph(506, "Duplicate post"))
    mock.get(f"{G}/{UID}/threads").respond(200, json={"data": []})
    with pytest.raises(PermanentError) as err:
        adapter.publish(account, "same words", [], "k")
    assert not isinstance(err.value, DuplicatePostError) and err.value.code == "duplicate"


def test_lost_publish_answer_then_recovery_by_container_and_listing(mock, adapter, account, clock):
    _ready(mock)
    mock.post(f"{G}/{UID}/threads_publish").mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(TransientError) as err:
        adapter.publish(account, "did it go?", [], "k-lost")
    assert err.value.code == OUTCOME_UNKNOWN
    # The container says PUBLISHED: the media id is found in the user's threads by text.
    mock.get(f"{G}/c1").respond(200, json={"status": "PUBLISHED"})
    stamp = clock.now().strftime("%Y-%m-%dT%H:%M:%S+0000")
    listing = mock.get(f"{G}/{UID}/threads").respond(
        200,
        json={
            "data": [
                {"id": "m2", "text": "another", "timestamp": stamp},
                {"id": "m1", "text": "did it go?", "timestamp": stamp},
            ]
        },
    )
    assert adapter.find_existing(account, "k-lost", "did it go?", clock.now()) == "m1"
    params = listing.calls[0].request.url.params
    assert params["fields"] == "id,timestamp,text" and "since" in params


def test_container_not_published_means_absent_without_listing(mock, adapter, account, clock):
    _ready(mock)
    mock.post(f"{G}/{UID}/threads_publish").mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(TransientError):
        adapter.publish(account, "did it go?", [], "k-lost")
    listing = mock.get(f"{G}/{UID}/threads")
    assert adapter.find_existing(account, "k-lost", "did it go?", clock.now()) is None
    assert not listing.called  # FINISHED, never PUBLISHED: the container alone decides


def test_reply_sets_reply_to_id(mock, adapter, account):
    _ready(mock)
    create = mock.routes[1]
    mock.post(f"{G}/{UID}/threads_publish").respond(200, json={"id": "r1"})
    assert adapter.reply(account, "part 2", "m1", "k2").external_id == "r1"
    form = dict(httpx.QueryParams(create.calls[0].request.content.decode()))
    assert form == {"media_type": "TEXT", "text": "part 2", "reply_to_id": "m1"}


def test_insights_map_and_missing_views_is_none(mock, adapter, account):
    full = {
        "data": [
            {"name": n, "period": "lifetime", "values": [{"value": v}]}
            for n, v in (
                ("views", 900),
                ("likes", 40),
                ("replies", 7),
                ("reposts", 3),
                ("quotes", 2),
            )
        ]
    }
    mock.get(f"{G}/m1/insights").respond(200, json=full)
    mock.get(f"{G}/m2/insights").respond(
        200, json=recorded("documented_insights_without_views.json")
    )
    batch = serve_batch(mock, G)
    got = adapter.fetch_metrics(account, ["m1", "m2"])
    assert batch.call_count == 1  # both in one Graph batch request
    assert (got["m1"].impressions, got["m1"].likes, got["m1"].comments, got["m1"].shares) == (
        900,
        40,
        7,
        5,
    )
    assert got["m2"].impressions is None  # views not given: "not reported", never 0
    assert (got["m2"].likes, got["m2"].comments) == (100, 10)


def test_refresh_uses_th_refresh_token(mock, adapter, account, clock):
    route = mock.get("https://graph.threads.net/refresh_access_token").respond(
        200, json=recorded("long_lived_token.json")
    )
    creds = adapter.refresh(account)
    assert creds.access_token == "THQVJ..."
    assert creds.expires_at == clock.now() + timedelta(seconds=5183944)
    assert creds.extra["token_issued_at"] == clock.now().isoformat()
    assert route.calls[0].request.url.params["grant_type"] == "th_refresh_token"


def test_refresh_of_a_token_under_a_day_old_asks_nothing(mock, adapter, account, clock):
    young = replace(
        account,
        credentials=Credentials(TOKEN, None, None, {"token_issued_at": clock.now().isoformat()}),
    )
    route = mock.get("https://graph.threads.net/refresh_access_token")
    with pytest.raises(TransientError, match="a day old"):
        adapter.refresh(young)
    assert not route.called


def test_token_never_in_error_messages(mock, adapter, account):
    quota(mock)
    mock.post(f"{G}/{UID}/threads").respond(400, json=graph(190, "Invalid OAuth access token"))
    with pytest.raises(AuthError) as err:
        adapter.publish(account, "x", [], "k")
    assert TOKEN not in str(err.value) and TOKEN not in repr(err.value.__dict__)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"mime": "image/gif"}, "media_type"),
        ({"bytes": 8 * 1024 * 1024 + 1}, "media_too_large"),
        ({"mime": "video/webm"}, "media_type"),
        ({"mime": "video/mp4", "duration_s": 301.0}, "video_too_long"),
        ({"mime": "video/mp4", "bytes": 1024**3 + 1}, "media_too_large"),
    ],
)
def test_media_outside_threads_rules_is_refused_before_any_container(
    mock, adapter, account, tmp_path, change, code
):
    quota(mock)
    create = mock.post(f"{G}/{UID}/threads")
    item = replace(make_image(tmp_path, "a.jpg"), public_url="https://cdn.example/a", **change)
    with pytest.raises(PermanentError) as err:
        adapter.publish(account, "x", [item], "k")
    assert err.value.code == code and "Threads" in err.value.message
    assert not create.called
