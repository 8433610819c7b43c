"""Herald against a real Bluesky PDS (@atproto/pds 0.5.35 with a local PLC directory, both on
127.0.0.1, started by tools/bluesky_pds/start.sh): accounts are created on it, then Herald's
real sign-in, adapter and publishing engine write posts that are read back with
com.atproto.repo.getRecord. Metrics need an AppView, which a lone PDS lacks: they are tested
on the emulator (tests/emulator/test_bluesky_emulator.py).

Skips with the reason when the PDS is not installed here; fails in CI (`CI` set)."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from app.adapters.config import AdapterConfig
from app.adapters.registry import build_adapters, close_adapters
from app.core.accounts import AccountInfo, AccountService
from app.core.engine import EngineSettings, PublishingEngine
from app.core.events import EventHub
from app.core.models import Target, TargetStatus
from app.core.ports import AccountRef, AppCredentials, AuthError, MediaItem, PlatformAdapter
from app.core.posts import PostService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.bluesky import tid
from app.platforms.bluesky.adapter import BlueskyAdapter, rkey_of
from app.platforms.bluesky.connect import SIGN_IN
from app.platforms.names import Platform
from tests.integration.bluesky_pds.server import RealPds, start_pds

TEXT = (
    "Café crème ☕️ à Zürich 👩🏽‍💻 — the menu: https://example.com/menu?day=1 "
    "thanks @bob.test #Frühstück #日本"
)
CARD = {"title": "Menu of the day", "description": "Croissants, crème brûlée"}


@pytest.fixture(scope="module")
def pds():
    yield from start_pds()


@pytest.fixture(scope="module")
def people(pds: RealPds):
    alice = pds.create_account("alice.test", "alice-app-password")
    bob = pds.create_account("bob.test", "bob-app-password")
    return {"alice": alice, "bob": bob}


@pytest.fixture
def config(pds: RealPds) -> AdapterConfig:
    return AdapterConfig.real(endpoints={"BLUESKY": pds.url})


@pytest.fixture(autouse=True)
def card_fetcher(monkeypatch):
    monkeypatch.setattr(BlueskyAdapter, "card_fetcher", staticmethod(lambda url: dict(CARD)))


def connect(config: AdapterConfig, pds: RealPds, handle: str, password: str):
    return SIGN_IN.connect(config, pds.url, handle, password)


def ref_of(connected) -> AccountRef:
    return AccountRef(
        Platform.BLUESKY,
        connected.external_id,
        connected.handle,
        connected.credentials,
        settings=connected.settings,
    )


def png(tmp_path, name: str, size: tuple[int, int], colour: str) -> MediaItem:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    data = buf.getvalue()
    path = tmp_path / name
    path.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    return MediaItem(
        str(path), "image/png", len(data), digest, size[0], size[1], alt_text=f"{name} ✨"
    )


def record_at(pds: RealPds, did: str, rkey: str) -> dict | None:
    resp = pds.xrpc_get(
        "com.atproto.repo.getRecord", repo=did, collection="app.bsky.feed.post", rkey=rkey
    )
    if resp.status_code != 200:
        assert resp.json()["error"] == "RecordNotFound", resp.text
        return None
    return resp.json()


def assert_facets_match(record: dict, did_of_bob: str) -> None:
    raw = record["text"].encode("utf-8")
    seen = {}
    for facet in record["facets"]:
        index, [feature] = facet["index"], facet["features"]
        seen[feature["$type"].rsplit("#", 1)[1]] = (
            raw[index["byteStart"] : index["byteEnd"]].decode("utf-8"),
            feature,
        )
    assert seen["link"][0] == "https://example.com/menu?day=1"
    assert seen["link"][1]["uri"] == "https://example.com/menu?day=1"
    assert seen["mention"] == ("@bob.test", seen["mention"][1])
    assert seen["mention"][1]["did"] == did_of_bob
    tags = [
        raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode()
        for f in record["facets"]
        if f["features"][0]["$type"].endswith("#tag")
    ]
    assert tags == ["#Frühstück", "#日本"]
    # byte offsets, not code points: the text before the link has multi-byte characters
    link = next(f for f in record["facets"] if f["features"][0]["$type"].endswith("#link"))
    assert link["index"]["byteStart"] != record["text"].index("https://")
    assert link["index"]["byteStart"] == len(
        record["text"][: record["text"].index("https")].encode()
    )


def test_sign_in_publish_with_facets_and_images_then_delete(pds, people, config, clock, tmp_path):
    alice = connect(config, pds, "alice.test", "alice-app-password")
    assert alice.external_id == people["alice"]["did"] and alice.handle == "alice.test"
    assert alice.settings["pds"] == pds.url  # from alice's DID document (the local PLC)
    account = ref_of(alice)
    images = [png(tmp_path, "a.png", (60, 40), "red"), png(tmp_path, "b.png", (30, 90), "blue")]
    with BlueskyAdapter(config, clock) as adapter:
        result = adapter.publish(account, TEXT, images, "key-images-1")
        rkey = tid.from_key("key-images-1")
        assert result.external_id == f"at://{alice.external_id}/app.bsky.feed.post/{rkey}"
        stored = record_at(pds, alice.external_id, rkey)
        assert stored is not None and stored["uri"] == result.external_id
        record = stored["value"]
        assert record["text"] == TEXT
        assert_facets_match(record, people["bob"]["did"])
        embed = record["embed"]
        assert embed["$type"] == "app.bsky.embed.images"
        assert [i["alt"] for i in embed["images"]] == ["a.png ✨", "b.png ✨"]
        assert [i["aspectRatio"] for i in embed["images"]] == [
            {"width": 60, "height": 40},
            {"width": 30, "height": 90},
        ]
        assert all(i["image"]["mimeType"] == "image/png" for i in embed["images"])

        adapter.delete(account, result.external_id)
        assert record_at(pds, alice.external_id, rkey) is None
        assert adapter.find_existing(account, "key-images-1", TEXT, clock.now()) is None


def test_a_video_post_is_read_back_from_the_real_pds(pds, people, config, clock, tmp_path):
    """A PDS that is not Bluesky's: the video goes up with uploadBlob and the record's
    app.bsky.embed.video passes the PDS's own lexicon validation (video/mp4 blob)."""
    from tests.core.test_media_formats_emulator import make_video

    account = ref_of(connect(config, pds, "alice.test", "alice-app-password"))
    path = make_video(tmp_path / "oven.mp4")
    data = path.read_bytes()
    item = MediaItem(
        str(path), "video/mp4", len(data), hashlib.sha256(data).hexdigest(), 1080, 1920, 20.0,
        alt_text="The oven door opening",
    )  # fmt: skip
    with BlueskyAdapter(config, clock) as adapter:
        result = adapter.publish(account, "The new oven 🎥", [item], "key-video-1")
    stored = record_at(pds, account.external_id, rkey_of(result.external_id))
    assert stored is not None and stored["uri"] == result.external_id
    embed = stored["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.video"
    assert embed["alt"] == "The oven door opening"
    assert embed["aspectRatio"] == {"width": 1080, "height": 1920}
    assert embed["video"]["mimeType"] == "video/mp4"
    assert embed["video"]["size"] == len(data)
    blob = pds.xrpc_get(
        "com.atproto.sync.getBlob", did=account.external_id, cid=embed["video"]["ref"]["$link"]
    )
    assert blob.status_code == 200 and blob.content == data


def test_the_real_pds_issues_the_video_service_token(pds, people, config, clock):
    """What the video service path asks a PDS for first: a service-auth JWT for the video
    service's DID and the method, as the real getServiceAuth issues it."""
    import base64
    import json

    from app.core.clock import SystemClock
    from app.platforms.bluesky import video

    account = ref_of(connect(config, pds, "alice.test", "alice-app-password"))
    # the token's `exp` is judged by the PDS's own clock: ask with the real time
    with BlueskyAdapter(config, SystemClock()) as adapter:
        token = video._service_token(
            adapter, account, video.VIDEO_SERVICE_DID, "app.bsky.video.getUploadLimits"
        )
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["iss"] == account.external_id
    assert claims["aud"] == video.VIDEO_SERVICE_DID
    assert claims["lxm"] == "app.bsky.video.getUploadLimits"


def test_a_resend_after_a_lost_answer_leaves_one_record(pds, people, config, clock):
    account = ref_of(connect(config, pds, "alice.test", "alice-app-password"))
    with BlueskyAdapter(config, clock) as adapter:
        first = adapter.publish(account, "Only once, please 🙏", [], "key-once-1")
        again = adapter.publish(account, "Only once, please 🙏", [], "key-once-1")
        assert again.external_id == first.external_id
        assert adapter.find_existing(account, "key-once-1", "", clock.now()) == first.external_id
    listed = pds.xrpc_get(
        "com.atproto.repo.listRecords",
        repo=account.external_id,
        collection="app.bsky.feed.post",
        limit=100,
    ).json()["records"]
    assert [r["uri"] for r in listed].count(first.external_id) == 1


def test_refresh_session_and_a_refused_token(pds, people, config, clock):
    account = ref_of(connect(config, pds, "alice.test", "alice-app-password"))
    with BlueskyAdapter(config, clock) as adapter:
        fresh = adapter.refresh(account)
        # the refresh token rotates (the access token may be the same JWT within a second)
        assert fresh.refresh_token and fresh.refresh_token != account.credentials.refresh_token
        assert fresh.expires_at is not None
        renewed = AccountRef(
            Platform.BLUESKY, account.external_id, account.handle, fresh, settings=account.settings
        )
        assert adapter.publish(renewed, "After a refresh", [], "key-refresh-1").external_id
        broken = AccountRef(
            Platform.BLUESKY,
            account.external_id,
            account.handle,
            type(fresh)("not-a-token", "not-a-token"),
            settings=account.settings,
        )
        with pytest.raises(AuthError) as refused:
            adapter.publish(broken, "Never", [], "key-refused-1")
        assert refused.value.code == "InvalidToken"
        assert "not-a-token" not in str(refused.value)


class _LoseCreateAnswer(httpx.HTTPTransport):
    """Carries createRecord out, then loses its answer (once)."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if self.armed and request.url.path.endswith("com.atproto.repo.createRecord"):
            self.armed = False
            response.read()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response


class _Source:
    def __init__(self, adapters: dict[Platform, PlatformAdapter]) -> None:
        self.adapters = adapters

    def adapter(self, account: AccountInfo) -> PlatformAdapter:
        return self.adapters[account.platform]

    def app_credentials(self, account: AccountInfo) -> AppCredentials | None:
        return None


def test_the_engine_publishes_a_scheduled_post_once_after_a_lost_answer(
    pds, people, config, db, clock, tmp_path
):
    connected = connect(config, pds, "alice.test", "alice-app-password")
    accounts = AccountService(db, Vault(db, environ={}), clock)
    ws = WorkspaceService(db, clock).create("Café", "Europe/Zurich").id
    account_id = accounts.save_connected(ws, connected)
    posts = PostService(db, clock)
    post = posts.create(
        ws,
        TEXT,
        [account_id],
        scheduled_local=datetime(2026, 1, 5, 11, 0),  # 10:00 UTC, an hour after the clock
        action="schedule",
    )
    photos = [
        png(tmp_path, "rye.png", (80, 60), "brown"),
        png(tmp_path, "oat.png", (40, 80), "tan"),
    ]
    with_photos = posts.create(
        ws,
        "Today's loaves 📷 #bread",
        [account_id],
        media_paths=[p.path for p in photos],
        media_alt_texts=["A rye loaf on a board", "Oat rolls, still warm ✨"],
        scheduled_local=datetime(2026, 1, 5, 11, 0),
        action="schedule",
    )
    transport = _LoseCreateAnswer()
    client = httpx.Client(transport=transport, timeout=30)
    adapters = build_adapters(config, clock, client=client)
    engine = PublishingEngine(
        db, clock, _Source(adapters), EventHub(), accounts, EngineSettings(owner="bsky"), clock
    )
    try:
        clock.advance(timedelta(hours=1))
        engine.run_once()  # sent, answer lost
        assert not transport.armed
        for _ in range(3):
            clock.advance(timedelta(minutes=20))
            engine.run_once()  # looks the post up by its record key before sending again
    finally:
        engine.close()
        close_adapters(adapters)
        client.close()
    with db.session() as s:
        target = s.scalars(select(Target).where(Target.post_id == post.id)).one()
        assert target.status == TargetStatus.PUBLISHED
        key, external_id = target.idempotency_key, target.external_id
        photo_target = s.scalars(select(Target).where(Target.post_id == with_photos.id)).one()
        assert photo_target.status == TargetStatus.PUBLISHED
        photo_key = photo_target.idempotency_key
    photo_record = record_at(pds, connected.external_id, tid.from_key(photo_key))
    assert photo_record is not None
    images = photo_record["value"]["embed"]["images"]
    assert [i["alt"] for i in images] == ["A rye loaf on a board", "Oat rolls, still warm ✨"]
    assert [i["aspectRatio"] for i in images] == [
        {"width": 80, "height": 60},
        {"width": 40, "height": 80},
    ]
    assert photo_record["value"]["facets"][0]["features"][0]["tag"] == "bread"
    rkey = tid.from_key(key)
    assert external_id == f"at://{connected.external_id}/app.bsky.feed.post/{rkey}"
    assert rkey_of(external_id) == rkey
    record = record_at(pds, connected.external_id, rkey)
    assert record is not None
    assert_facets_match(record["value"], people["bob"]["did"])
    assert record["value"]["embed"]["external"]["title"] == CARD["title"]
    listed = pds.xrpc_get(
        "com.atproto.repo.listRecords",
        repo=connected.external_id,
        collection="app.bsky.feed.post",
        limit=100,
    ).json()["records"]
    assert sum(1 for r in listed if r["value"]["text"] == TEXT) == 1
    # the vault holds the session; the account row holds no token in plain text
    with db.session() as s:
        from app.core.models import Account

        row = s.scalars(select(Account).where(Account.id == account_id)).one()
        assert connected.credentials.access_token not in repr(row.__dict__)


def test_the_command_line_connects_an_account_of_the_real_pds(
    pds, people, db_url, monkeypatch, capsys
):
    from pathlib import Path

    from app.cli import main as cli_main
    from tests.integration.helpers import VAULT_KEY

    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    args = ["accounts", "add-bluesky", "--service", pds.url, "--handle", "bob.test"]
    args += ["--app-password", "bob-app-password", "--workspace", "Shop", "--db", db_url]
    assert cli_main(args) == 0
    assert capsys.readouterr().out == "BLUESKY\tbob.test\tACTIVE\n"
    assert cli_main(["accounts", "list", "--db", db_url, "--workspace", "Shop"]) == 0
    assert capsys.readouterr().out == "BLUESKY\tbob.test\tACTIVE\n"
    stored = Path(db_url.removeprefix("sqlite:///")).read_bytes()
    assert b"bob-app-password" not in stored and b"eyJ" not in stored  # no JWT in plain text
    args[args.index("bob-app-password")] = "not-bobs-password"
    assert cli_main(args) == 1
    assert "did not accept that handle and app password" in capsys.readouterr().err


def test_a_three_part_chain_carries_root_and_parent_refs(pds, people, config, clock):
    """Issue 19: parts 2 and 3 are replies whose root is part 1 and whose parent is the part
    before, each a strong ref (uri + cid) the PDS itself reports; a re-send of a part and the
    look-up after a crash find the one record at the part's key."""
    account = ref_of(connect(config, pds, "alice.test", "alice-app-password"))
    with BlueskyAdapter(config, clock) as adapter:
        first = adapter.publish(account, "A chain 🧵 1/3", [], "key-chain-1")
        second = adapter.publish_reply(account, "Part two 2/3", first.external_id, "k2")
        third = adapter.publish_reply(account, "Part three 3/3", second.external_id, "k3")
        again = adapter.publish_reply(account, "Part three 3/3", second.external_id, "k3")
        assert again.external_id == third.external_id
        found = adapter.find_reply(
            account, "part", second.external_id, "", clock.now(), clock.now()
        )
        assert found == third.external_id
        assert (
            adapter.find_reply(account, "part", third.external_id, "", clock.now(), clock.now())
            is None
        )
    views = [
        record_at(pds, account.external_id, rkey_of(r.external_id)) for r in (first, second, third)
    ]
    assert all(v is not None for v in views)
    one, two, three = views
    assert "reply" not in one["value"]
    ref = lambda v: {"uri": v["uri"], "cid": v["cid"]}  # noqa: E731
    assert two["value"]["reply"] == {"root": ref(one), "parent": ref(one)}
    assert three["value"]["reply"] == {"root": ref(one), "parent": ref(two)}
    assert [v["value"]["text"] for v in views] == [
        "A chain 🧵 1/3",
        "Part two 2/3",
        "Part three 3/3",
    ]
    listed = pds.xrpc_get(
        "com.atproto.repo.listRecords",
        repo=account.external_id,
        collection="app.bsky.feed.post",
        limit=100,
    ).json()["records"]
    assert sum(1 for r in listed if r["value"]["text"] == "Part three 3/3") == 1


def test_what_the_pds_answers_to_reply_refs_it_cannot_use(pds, people, config, clock):
    """The emulator copies these answers (app/emulator/bluesky/replies.py; recorded here on
    @atproto/pds 0.5.35, 2026-12-05)."""
    account = ref_of(connect(config, pds, "alice.test", "alice-app-password"))
    token = account.credentials.access_token
    did = account.external_id

    def create(reply: object) -> httpx.Response:
        record = {
            "$type": "app.bsky.feed.post",
            "text": "probe",
            "createdAt": "2026-01-05T10:00:00.000Z",
        }
        record["reply"] = reply
        return httpx.post(
            f"{pds.url}/xrpc/com.atproto.repo.createRecord",
            json={"repo": did, "collection": "app.bsky.feed.post", "record": record},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )

    ghost = {
        "uri": f"at://{did}/app.bsky.feed.post/3kabcdefghijk",
        "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm",
    }
    answers = {
        "ghost parent": create({"root": ghost, "parent": ghost}),
        "no cid": create({"root": {"uri": ghost["uri"]}, "parent": {"uri": ghost["uri"]}}),
        "no root": create({"parent": ghost}),
        "bad cid": create({"root": {**ghost, "cid": "nope"}, "parent": {**ghost, "cid": "nope"}}),
    }
    # the PDS checks the refs' shape only: a parent it has never seen is accepted
    assert answers["ghost parent"].status_code == 200
    expected = {
        "no cid": 'Missing required key "cid" at $.record.reply.root',
        "no root": 'Missing required key "root" at $.record.reply',
        "bad cid": 'Invalid CID string (got "nope") at $.record.reply.root.cid',
    }
    for name, tail in expected.items():
        assert answers[name].status_code == 400, name
        body = answers[name].json()
        assert body["error"] == "InvalidRequest"
        assert body["message"] == f"Invalid app.bsky.feed.post record: {tail}"
