"""LinkedIn as it really answers: recorded and documented bodies replayed through the adapter
(what Herald reads from each), and the emulator held to the same shapes.

Provenance of every file: tests/contract/recorded/linkedin/SOURCES.md.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import respx

from app.adapters.config import AdapterConfig
from app.adapters.oauth import connect
from app.core.ports import (
    AccountRef,
    AppCredentials,
    Credentials,
    DuplicatePostError,
    MediaItem,
    PermanentError,
)
from app.emulator import EmulatorServer
from app.platforms.linkedin import LINKEDIN_VERSION, access
from app.platforms.linkedin.adapter import LinkedInAdapter, linkedin_credentials
from app.platforms.names import Platform
from tests.contract.linkedin_support import RECORDED, all_names, assert_same_shape, load
from tests.emulator.helpers import li_body, li_headers, li_login

API = "https://api.linkedin.com"
WEB = "https://www.linkedin.com"
ORG = "urn:li:organization:2414183"
APP = AppCredentials("li-client", "li-secret")
READ_ALL = {"scopes": ["w_member_social", "r_member_social", "r_organization_social"]}


def person() -> AccountRef:
    return AccountRef(
        Platform.LINKEDIN, "urn:li:person:782bbtaQ", "John Doe", Credentials("t"), APP, READ_ALL
    )


def page() -> AccountRef:
    return AccountRef(Platform.LINKEDIN, ORG, "Acme", Credentials("t"), APP, READ_ALL)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def adapter(clock) -> Iterator[LinkedInAdapter]:
    with httpx.Client(timeout=5.0) as client:
        yield LinkedInAdapter(AdapterConfig.real(), clock, client)


# ---------------------------------------------------------------- provenance


def test_every_recording_has_its_source_and_a_label():
    sources = (RECORDED / "SOURCES.md").read_text(encoding="utf-8")
    names = all_names()
    assert len(names) >= 6
    for name in names:
        assert f"`{name}.json`" in sources, name
        assert load(name).label in ("recorded", "documented"), name
    assert sum(load(n).label == "recorded" for n in names) >= 3


# ---------------------------------------------------------------- what Herald reads


def test_duplicate_post_names_the_existing_post(adapter, mock):
    rec = load("duplicate_post_422")
    mock.post(f"{API}/rest/posts").mock(return_value=rec.response())
    with pytest.raises(DuplicatePostError) as info:
        adapter.publish(person(), "hello", [], "k")
    assert info.value.existing_id == "urn:li:share:7141138937766391808"
    assert info.value.status == 422


def test_version_not_active_steps_to_the_known_version(clock, mock):
    refused, created = load("version_not_active_426"), load("create_post_201")
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["LinkedIn-Version"])
        return (refused if sent[-1] == "20240401" else created).response()

    mock.post(f"{API}/rest/posts").mock(side_effect=answer)
    config = AdapterConfig.real(linkedin_version="20240401")
    with httpx.Client() as client:
        result = LinkedInAdapter(config, clock, client).publish(person(), "hi", [], "k")
    assert sent == ["20240401", LINKEDIN_VERSION]
    assert result.external_id == "urn:li:share:6844785523593134080"


def test_create_post_reads_the_id_from_the_header(adapter, mock):
    mock.post(f"{API}/rest/posts").mock(return_value=load("create_post_201").response())
    result = adapter.publish(person(), "hi", [], "k")
    assert result.external_id == "urn:li:share:6844785523593134080"
    assert result.url == "https://www.linkedin.com/feed/update/urn:li:share:6844785523593134080/"


def test_share_statistics_refused_says_why(adapter, mock):
    rec = load("share_statistics_403")
    mock.get(url__startswith=f"{API}/rest/organizationalEntityShareStatistics").mock(
        return_value=rec.response()
    )
    with pytest.raises(PermanentError) as info:
        adapter.fetch_metrics(page(), ["urn:li:share:7015970832908775123"])
    assert info.value.code == "not_permitted"
    assert info.value.message.startswith(access.LINKEDIN_PAGE_STATS_REASON)
    assert "Unpermitted fields present in PARAMETER" in info.value.message


def test_share_statistics_are_read(adapter, mock):
    rec = load("share_statistics")
    mock.get(url__startswith=f"{API}/rest/organizationalEntityShareStatistics").mock(
        return_value=rec.response()
    )
    urn = "urn:li:share:7015970832908775123"
    metrics = adapter.fetch_metrics(page(), [urn])[urn]
    assert (metrics.impressions, metrics.likes, metrics.comments, metrics.shares) == (9, 0, 0, 0)


def test_social_actions_are_read(adapter, mock):
    rec = load("social_actions")
    mock.get(url__startswith=f"{API}/rest/socialActions/").mock(return_value=rec.response())
    urn = "urn:li:share:6844785523593134080"
    metrics = adapter.fetch_metrics(person(), [urn])[urn]
    assert (metrics.likes, metrics.comments) == (2, 1)


def test_posts_by_author_find_the_unescaped_commentary(adapter, mock):
    rec = load("posts_by_author")
    mock.get(url__startswith=f"{API}/rest/posts").mock(return_value=rec.response())
    since = datetime(2022, 8, 29, 18, 0, tzinfo=UTC)
    found = adapter.find_existing(page(), "k", "Sample text Post (with escapes)", since)
    assert found == "urn:li:share:6966000000000000000"


def test_access_token_answer_gives_60_days_and_the_scope(clock):
    creds = linkedin_credentials(load("access_token").body, clock.now())
    assert creds.expires_at == clock.now() + timedelta(days=60)
    assert access.parse_scopes(creds.extra["scope"]) == {"r_basicprofile"}


def _browser(url: str) -> bool:
    from urllib.parse import parse_qs, urlsplit

    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    httpx.get(q["redirect_uri"], params={"code": "c", "state": q["state"]})
    return True


def test_connect_reads_userinfo_and_the_pages_from_organization_acls(mock):
    token = load("access_token").body | {
        "scope": "openid,profile,w_member_social," + ",".join(access.LINKEDIN_PAGE_SCOPES)
    }
    mock.route(host="127.0.0.1").pass_through()
    mock.post(f"{WEB}/oauth/v2/accessToken").respond(200, json=token)
    mock.get(f"{API}/v2/userinfo").mock(return_value=load("userinfo").response())
    mock.get(f"{API}/rest/organizationAcls").mock(return_value=load("organization_acls").response())
    accounts = connect(
        Platform.LINKEDIN,
        APP,
        AdapterConfig.real(),
        open_browser=_browser,
        port=0,
        timeout=5,
        linkedin_pages=True,
    )
    assert [(a.external_id, a.handle) for a in accounts] == [
        ("urn:li:person:782bbtaQ", "John Doe"),
        (ORG, "2414183"),
    ]
    assert "w_organization_social" in accounts[1].settings["scopes"]


def test_image_upload_answer_is_used(adapter, mock, tmp_path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buf, "JPEG")
    path = Path(tmp_path / "a.jpg")
    path.write_bytes(buf.getvalue())
    item = MediaItem(str(path), "image/jpeg", len(buf.getvalue()), "0" * 64, 64, 64)
    mock.post(f"{API}/rest/images").mock(return_value=load("image_initialize_upload").response())
    put = mock.put(url__startswith=f"{WEB}/dms-uploads/").respond(201)
    post = mock.post(f"{API}/rest/posts").mock(return_value=load("create_post_201").response())
    adapter.publish(person(), "pic", [item], "k")
    assert put.called
    assert json.loads(post.calls.last.request.content)["content"] == {
        "media": {"id": "urn:li:image:C4E10AQFoyyAjHPMQuQ"}
    }


# ---------------------------------------------------------------- the emulator, same shapes


@pytest.fixture
def emu(clock) -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0, seed=0, now=clock.now) as srv:
        yield srv


@pytest.fixture
def emu_client(emu) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.base_url, timeout=5.0) as c:
        yield c


def _login(client: httpx.Client, scope: str | None = None) -> tuple[dict, str]:
    return li_login(client) if scope is None else li_login(client, scope=scope)


def test_emulator_token_and_userinfo_have_the_documented_shape(emu_client):
    tokens, _ = _login(emu_client, "openid profile email w_member_social")
    token_rec = load("access_token")
    assert_same_shape(token_rec, httpx.Response(200, json=tokens))
    info = emu_client.get(
        "/linkedin/v2/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert_same_shape(load("userinfo"), info)


def test_emulator_create_duplicate_and_version_answers(emu_client):
    tokens, sub = _login(emu_client)
    headers = li_headers(tokens["access_token"])
    created = emu_client.post("/linkedin/rest/posts", json=li_body(sub, "same"), headers=headers)
    assert_same_shape(load("create_post_201"), created)
    again = emu_client.post("/linkedin/rest/posts", json=li_body(sub, "same"), headers=headers)
    assert_same_shape(load("duplicate_post_422"), again)
    assert again.json()["message"].endswith(created.headers["x-restli-id"])
    old = emu_client.post(
        "/linkedin/rest/posts",
        json=li_body(sub, "other"),
        headers={**headers, "LinkedIn-Version": "20240401"},
    )
    assert_same_shape(load("version_not_active_426"), old)
    assert old.json() == load("version_not_active_426").body


def test_emulator_reads_have_the_documented_shapes(emu, emu_client):
    tokens, sub = _login(emu_client)
    headers = li_headers(tokens["access_token"])
    body = li_body(sub, "as the page")
    body["author"] = ORG
    urn = emu_client.post("/linkedin/rest/posts", json=body, headers=headers).headers["x-restli-id"]
    emu.advance(3600)
    acls = emu_client.get(
        "/linkedin/rest/organizationAcls",
        params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
        headers=headers,
    )
    assert_same_shape(load("organization_acls"), acls)
    stats = emu_client.get(
        "/linkedin/rest/organizationalEntityShareStatistics?q=organizationalEntity"
        f"&organizationalEntity={quote(ORG, safe='')}&shares=List({quote(urn, safe='')})",
        headers=headers,
    )
    assert_same_shape(load("share_statistics"), stats)
    social = emu_client.get(f"/linkedin/rest/socialActions/{quote(urn, safe='')}", headers=headers)
    assert_same_shape(load("social_actions"), social)
    posts = emu_client.get(
        "/linkedin/rest/posts", params={"q": "author", "author": ORG, "count": 10}, headers=headers
    )
    assert_same_shape(load("posts_by_author"), posts)
    init = emu_client.post(
        "/linkedin/rest/images?action=initializeUpload",
        json={"initializeUploadRequest": {"owner": ORG}},
        headers=headers,
    )
    assert_same_shape(load("image_initialize_upload"), init)


def test_emulator_refusal_has_the_recorded_403_shape(emu_client):
    tokens, _ = _login(emu_client, "openid profile w_member_social")
    refused = emu_client.get(
        "/linkedin/rest/organizationalEntityShareStatistics",
        params={"q": "organizationalEntity", "organizationalEntity": ORG},
        headers=li_headers(tokens["access_token"]),
    )
    assert_same_shape(load("share_statistics_403"), refused)


def test_video_upload_answers_are_used_part_by_part(adapter, mock, tmp_path):
    """The documented initialize answer (two parts) drives the PUTs, finalize lists their
    ETags in order, the documented status answer (AVAILABLE) lets the post name the video."""
    data = b"\x00\x00\x00\x18ftypmp42" + b"\x07" * (5_000_000 - 12)
    path = tmp_path / "v.mp4"
    path.write_bytes(data)
    item = MediaItem(str(path), "video/mp4", len(data), "0" * 64, 1080, 1920, 20.0)
    init = load("video_initialize_upload")
    mock.post(f"{API}/rest/videos", params={"action": "initializeUpload"}).mock(
        return_value=init.response()
    )
    puts = mock.put(url__startswith=f"{WEB}/dms-uploads/").mock(
        side_effect=lambda req: httpx.Response(200, headers={"etag": f"tag{len(req.content)}"})
    )
    final = mock.post(f"{API}/rest/videos", params={"action": "finalizeUpload"}).respond(200)
    mock.get(url__startswith=f"{API}/rest/videos/").mock(
        return_value=load("video_status").response()
    )
    post = mock.post(f"{API}/rest/posts").mock(return_value=load("create_post_201").response())
    adapter.publish(page(), "video", [item], "k")
    assert [len(c.request.content) for c in puts.calls] == [4_194_304, 805_696]
    assert json.loads(final.calls.last.request.content)["finalizeUploadRequest"] == {
        "video": "urn:li:video:C5F10AQGKQg_6y2a4sQ",
        "uploadToken": "",
        "uploadedPartIds": ["tag4194304", "tag805696"],
    }
    assert json.loads(post.calls.last.request.content)["content"] == {
        "media": {"id": "urn:li:video:C5F10AQGKQg_6y2a4sQ"}
    }


def test_emulator_video_answers_have_the_documented_shapes(emu_client):
    tokens, _ = _login(emu_client)
    headers = li_headers(tokens["access_token"])
    data = b"\x00\x00\x00\x18ftypmp42" + b"\x05" * 5_000
    init = emu_client.post(
        "/linkedin/rest/videos?action=initializeUpload",
        json={"initializeUploadRequest": {"owner": ORG, "fileSizeBytes": len(data)}},
        headers=headers,
    )
    assert_same_shape(load("video_initialize_upload"), init)
    value = init.json()["value"]
    (part,) = value["uploadInstructions"]
    put = emu_client.put(part["uploadUrl"], content=data, headers=headers)
    emu_client.post(
        "/linkedin/rest/videos?action=finalizeUpload",
        json={"finalizeUploadRequest": {"video": value["video"], "uploadToken": value["uploadToken"],
                                        "uploadedPartIds": [put.headers["etag"]]}},
        headers=headers,
    ).raise_for_status()  # fmt: skip
    status = emu_client.get(
        f"/linkedin/rest/videos/{quote(value['video'], safe='')}", headers=headers
    )
    assert_same_shape(load("video_status"), status)
    assert status.json()["status"] == "AVAILABLE"
