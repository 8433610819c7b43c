"""LinkedIn over a real loopback socket: OAuth, Posts API headers and errors, statistics."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import httpx
import pytest

from app.emulator import EmulatorServer
from tests.emulator.helpers import (
    LI_HEADERS,
    REDIRECT,
    bearer,
    jpeg,
    li_body,
    li_headers,
    li_login,
    pkce,
    redirect_params,
)


@pytest.fixture
def li(client: httpx.Client) -> tuple[str, str]:
    tokens, sub = li_login(client)
    return tokens["access_token"], sub


def _post(client: httpx.Client, li: tuple[str, str], text: str, **headers: str) -> httpx.Response:
    return client.post(
        "/linkedin/rest/posts", json=li_body(li[1], text), headers={**li_headers(li[0]), **headers}
    )


# ---------------------------------------------------------------------- OAuth
def test_token_response_and_userinfo(emu: EmulatorServer, client: httpx.Client) -> None:
    tokens, sub = li_login(client)
    assert tokens["expires_in"] == 5184000
    assert tokens["refresh_token_expires_in"] == 31536000
    assert tokens["access_token"].startswith("emu-li-at-")
    info = client.get("/linkedin/v2/userinfo", headers=bearer(tokens["access_token"])).json()
    assert info["sub"] == sub == emu.users["linkedin"]["id"]
    assert info["name"] == "Herald Demo"
    assert emu.users["linkedin"]["urn"] == f"urn:li:person:{sub}"


def test_refresh_keeps_refresh_token_lifetime(emu: EmulatorServer, client: httpx.Client) -> None:
    tokens, _ = li_login(client)
    emu.advance(59 * 86400)
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": "herald-li",
        "client_secret": "shh",
    }
    resp = client.post("/linkedin/oauth/v2/accessToken", data=form).json()
    assert resp["expires_in"] == 5184000
    assert resp["refresh_token"] == tokens["refresh_token"]
    assert resp["refresh_token_expires_in"] == 306 * 86400
    assert (
        client.get("/linkedin/v2/userinfo", headers=bearer(resp["access_token"])).status_code == 200
    )


def test_access_token_expires_after_60_days(emu: EmulatorServer, client: httpx.Client) -> None:
    tokens, _ = li_login(client)
    emu.advance(5184000)
    resp = client.get("/linkedin/v2/userinfo", headers=bearer(tokens["access_token"]))
    assert resp.status_code == 401
    assert resp.json() == {
        "message": "The token used in the request has expired",
        "status": 401,
        "serviceErrorCode": 65602,
    }
    bad = client.get("/linkedin/v2/userinfo", headers=bearer("nope")).json()
    assert bad["serviceErrorCode"] == 65600


def test_pkce_and_code_errors(client: httpx.Client) -> None:
    verifier, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": "c",
        "redirect_uri": REDIRECT,
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    got = redirect_params(client.get("/linkedin/oauth/v2/authorization", params=params))
    assert got["state"] == "s"
    form = {
        "grant_type": "authorization_code",
        "code": got["code"],
        "redirect_uri": REDIRECT,
        "client_id": "c",
        "code_verifier": pkce()[0],
    }
    assert client.post("/linkedin/oauth/v2/accessToken", data=form).status_code == 400
    form["code_verifier"] = verifier
    assert client.post("/linkedin/oauth/v2/accessToken", data=form).status_code == 200


# ---------------------------------------------------------------------- posts
def test_post_returns_201_empty_body_and_urn_header(
    emu: EmulatorServer, client: httpx.Client, li: tuple[str, str]
) -> None:
    resp = _post(client, li, "Hello LinkedIn", **{"Idempotency-Key": "li-1"})
    assert resp.status_code == 201
    assert resp.content == b""
    urn = resp.headers["x-restli-id"]
    assert urn.startswith("urn:li:share:")
    [post] = emu.published()
    assert post["platform"] == "LINKEDIN"
    assert post["external_id"] == urn
    assert post["account"] == li[1]
    assert post["idempotency_key"] == "li-1"


def test_version_headers(client: httpx.Client, li: tuple[str, str]) -> None:
    body = li_body(li[1], "v")
    missing = client.post("/linkedin/rest/posts", json=body, headers=bearer(li[0]))
    assert missing.status_code == 400
    assert missing.json()["code"] == "VERSION_MISSING"
    old = client.post(
        "/linkedin/rest/posts",
        json=body,
        headers={**li_headers(li[0]), "LinkedIn-Version": "202001"},
    )
    assert old.status_code == 426
    assert old.json() == {
        "status": 426,
        "code": "NONEXISTENT_VERSION",
        "message": "Requested version 202001 is not active",
    }
    daily = {**li_headers(li[0]), "LinkedIn-Version": "20250401"}
    assert client.post("/linkedin/rest/posts", json=body, headers=daily).status_code == 426
    no_restli = {"LinkedIn-Version": "202601", **bearer(li[0])}
    assert client.post("/linkedin/rest/posts", json=body, headers=no_restli).status_code == 400
    patch = {**li_headers(li[0]), "LinkedIn-Version": "202601.01"}
    assert client.post("/linkedin/rest/posts", json=body, headers=patch).status_code == 201


def test_missing_field_is_422(client: httpx.Client, li: tuple[str, str]) -> None:
    body = li_body(li[1], "x")
    del body["commentary"]
    resp = client.post("/linkedin/rest/posts", json=body, headers=li_headers(li[0]))
    assert resp.status_code == 422
    assert resp.json()["message"].startswith(
        "ERROR :: /commentary :: field is required but not found"
    )
    assert resp.json()["status"] == 422
    too_long = client.post(
        "/linkedin/rest/posts", json=li_body(li[1], "x" * 3001), headers=li_headers(li[0])
    )
    assert too_long.status_code == 422


def test_author_must_be_the_member_or_an_organization(
    client: httpx.Client, li: tuple[str, str]
) -> None:
    body = li_body("SomeoneElse", "x")
    assert (
        client.post("/linkedin/rest/posts", json=body, headers=li_headers(li[0])).status_code == 403
    )
    body["author"] = "urn:li:organization:5515715"
    assert (
        client.post("/linkedin/rest/posts", json=body, headers=li_headers(li[0])).status_code == 201
    )


def test_daily_limit_resets_at_midnight_utc(
    emu: EmulatorServer, client: httpx.Client, li: tuple[str, str]
) -> None:
    emu.configure(linkedin_posts_per_day=2)
    assert _post(client, li, "a").status_code == 201
    assert _post(client, li, "b").status_code == 201
    over = _post(client, li, "c")
    assert over.status_code == 429
    assert over.json()["status"] == 429
    emu.set_clock(datetime(2026, 1, 5, 23, 59, 59, tzinfo=UTC))
    assert _post(client, li, "c").status_code == 429
    emu.set_clock(datetime(2026, 1, 6, 0, 0, 0, tzinfo=UTC))
    assert _post(client, li, "c").status_code == 201


def test_find_get_and_delete_posts(
    emu: EmulatorServer, client: httpx.Client, li: tuple[str, str]
) -> None:
    urns = []
    for i in range(3):
        urns.append(_post(client, li, f"p{i}").headers["x-restli-id"])
        emu.advance(60)
    author = f"urn:li:person:{li[1]}"
    found = client.get(
        "/linkedin/rest/posts",
        params={"q": "author", "author": author, "count": 2},
        headers=li_headers(li[0]),
    ).json()
    assert [e["id"] for e in found["elements"]] == [urns[2], urns[1]]
    assert found["elements"][0]["commentary"] == "p2"
    assert found["elements"][0]["createdAt"] == int(
        datetime(2026, 1, 5, 14, 2, tzinfo=UTC).timestamp() * 1000
    )
    assert found["paging"]["total"] == 3
    one = client.get(f"/linkedin/rest/posts/{quote(urns[0], safe='')}", headers=li_headers(li[0]))
    assert one.json()["commentary"] == "p0"
    gone = client.delete(
        f"/linkedin/rest/posts/{quote(urns[0], safe='')}", headers=li_headers(li[0])
    )
    assert gone.status_code == 204
    assert (
        client.get(
            f"/linkedin/rest/posts/{quote(urns[0], safe='')}", headers=li_headers(li[0])
        ).status_code
        == 404
    )


# ---------------------------------------------------------------------- statistics
def test_social_actions(emu: EmulatorServer, client: httpx.Client, li: tuple[str, str]) -> None:
    urn = _post(client, li, "stats").headers["x-restli-id"]
    path = f"/linkedin/rest/socialActions/{quote(urn, safe='')}"
    first = client.get(path, headers=li_headers(li[0])).json()
    assert first["likesSummary"]["totalLikes"] == 0
    emu.advance(3 * 86400)
    later = client.get(path, headers=li_headers(li[0])).json()
    assert later["target"] == urn
    assert later["likesSummary"]["totalLikes"] > 0
    assert later["commentsSummary"]["totalFirstLevelComments"] >= 0
    assert "aggregatedTotalComments" in later["commentsSummary"]
    missing = client.get(
        "/linkedin/rest/socialActions/urn%3Ali%3Ashare%3A1", headers=li_headers(li[0])
    )
    assert missing.status_code == 404


@pytest.mark.parametrize("encode", [True, False])
def test_share_statistics(
    emu: EmulatorServer, client: httpx.Client, li: tuple[str, str], encode: bool
) -> None:
    urns = [_post(client, li, f"s{i}").headers["x-restli-id"] for i in range(2)]
    emu.advance(2 * 86400)
    inner = ",".join(quote(u, safe="") if encode else u for u in urns + ["urn:li:share:1"])
    resp = client.get(
        "/linkedin/rest/organizationalEntityShareStatistics",
        params={
            "q": "organizationalEntity",
            "organizationalEntity": "urn:li:organization:2414183",
            "shares": f"List({inner})",
        },
        headers=li_headers(li[0]),
    )
    assert resp.status_code == 200
    elements = resp.json()["elements"]
    assert [e["share"] for e in elements] == urns
    stats = elements[0]["totalShareStatistics"]
    assert set(stats) == {
        "uniqueImpressionsCount",
        "shareCount",
        "engagement",
        "clickCount",
        "likeCount",
        "impressionCount",
        "commentCount",
    }
    assert stats["impressionCount"] > stats["likeCount"] > 0
    assert elements[0]["organizationalEntity"] == "urn:li:organization:2414183"


def test_rest_calls_need_version_and_token(client: httpx.Client, li: tuple[str, str]) -> None:
    params = {"q": "author", "author": f"urn:li:person:{li[1]}"}
    assert (
        client.get("/linkedin/rest/posts", params=params, headers=bearer(li[0])).status_code == 400
    )
    assert client.get("/linkedin/rest/posts", params=params, headers=LI_HEADERS).status_code == 401


# ---------------------------------------------------------------------- images
def _upload_image(client: httpx.Client, li: tuple[str, str], data: bytes) -> str:
    init = client.post(
        "/linkedin/rest/images",
        params={"action": "initializeUpload"},
        json={"initializeUploadRequest": {"owner": f"urn:li:person:{li[1]}"}},
        headers=li_headers(li[0]),
    )
    assert init.status_code == 200, init.text
    value = init.json()["value"]
    assert value["uploadUrl"].startswith(str(client.base_url).rstrip("/") + "/linkedin/")
    put = client.put(
        value["uploadUrl"], content=data, headers={**bearer(li[0]), "Content-Type": "image/jpeg"}
    )
    assert put.status_code == 201
    return value["image"]


def test_image_upload_then_post(
    emu: EmulatorServer, client: httpx.Client, li: tuple[str, str]
) -> None:
    image = _upload_image(client, li, jpeg(300, 200))
    assert image.startswith("urn:li:image:")
    status = client.get(f"/linkedin/rest/images/{quote(image, safe='')}", headers=li_headers(li[0]))
    assert status.json()["status"] == "AVAILABLE"
    body = {**li_body(li[1], "with picture"), "content": {"media": {"id": image}}}
    resp = client.post("/linkedin/rest/posts", json=body, headers=li_headers(li[0]))
    assert resp.status_code == 201
    assert emu.published()[0]["media"] == [image]
    second = _upload_image(client, li, jpeg(10, 10))
    multi = {
        **li_body(li[1], "two"),
        "content": {"multiImage": {"images": [{"id": image}, {"id": second}]}},
    }
    assert (
        client.post("/linkedin/rest/posts", json=multi, headers=li_headers(li[0])).status_code
        == 201
    )


def test_image_upload_errors(client: httpx.Client, li: tuple[str, str]) -> None:
    body = {**li_body(li[1], "ghost"), "content": {"media": {"id": "urn:li:image:42"}}}
    assert (
        client.post("/linkedin/rest/posts", json=body, headers=li_headers(li[0])).status_code == 422
    )
    init = client.post(
        "/linkedin/rest/images",
        params={"action": "initializeUpload"},
        json={"initializeUploadRequest": {"owner": f"urn:li:person:{li[1]}"}},
        headers=li_headers(li[0]),
    ).json()["value"]
    pending = {**li_body(li[1], "pending"), "content": {"media": {"id": init["image"]}}}
    assert (
        client.post("/linkedin/rest/posts", json=pending, headers=li_headers(li[0])).status_code
        == 422
    )
    assert client.put(init["uploadUrl"], content=jpeg(5, 5)).status_code == 401
    assert client.put(init["uploadUrl"], content=b"text", headers=bearer(li[0])).status_code == 400
    other = client.post(
        "/linkedin/rest/images",
        params={"action": "initializeUpload"},
        json={"initializeUploadRequest": {"owner": "urn:li:person:Someone"}},
        headers=li_headers(li[0]),
    )
    assert other.status_code == 403


# ---------------------------------------------------------------------- as LinkedIn is today
def test_a_repeated_commentary_is_refused_naming_the_first_post(
    emu: EmulatorServer, client: httpx.Client, li: tuple[str, str]
) -> None:
    first = _post(client, li, "Same words").headers["x-restli-id"]
    again = _post(client, li, "Same words")
    assert again.status_code == 422
    body = again.json()
    # The shape LinkedIn sent (Arisamiga/Linkedin-RSS issue 5).
    assert body["message"].endswith(f"Content is a duplicate of {first}")
    assert body["errorDetails"]["inputErrors"][0]["code"] == "DUPLICATE_POST"
    assert body["status"] == 422
    assert _post(client, li, "Other words").status_code == 201
    emu.configure(linkedin_duplicate_window_s=60)
    emu.advance(61)
    assert _post(client, li, "Same words").status_code == 201


def test_only_the_active_versions_are_accepted(
    emu: EmulatorServer, client: httpx.Client, li: tuple[str, str]
) -> None:
    emu.configure(linkedin_oldest_version=202505, linkedin_newest_version=202601)
    old = _post(client, li, "a", **{"LinkedIn-Version": "202504"})
    assert old.status_code == 426
    assert old.json() == {
        "status": 426,
        "code": "NONEXISTENT_VERSION",
        "message": "Requested version 202504 is not active",
    }
    assert _post(client, li, "b", **{"LinkedIn-Version": "202602"}).status_code == 426
    assert _post(client, li, "c", **{"LinkedIn-Version": "202505"}).status_code == 201
    assert _post(client, li, "d", **{"LinkedIn-Version": "202601"}).status_code == 201


def test_reading_needs_the_read_permission(client: httpx.Client) -> None:
    tokens, sub = li_login(client, scope="openid profile w_member_social")
    assert tokens["scope"] == "openid,profile,w_member_social"
    token = tokens["access_token"]
    urn = client.post(
        "/linkedin/rest/posts", json=li_body(sub, "write only"), headers=li_headers(token)
    ).headers["x-restli-id"]
    stats = client.get(
        f"/linkedin/rest/socialActions/{quote(urn, safe='')}", headers=li_headers(token)
    )
    assert stats.status_code == 403
    assert stats.json()["message"].startswith("Not enough permissions to access")
    listing = client.get(
        "/linkedin/rest/posts",
        params={"q": "author", "author": f"urn:li:person:{sub}"},
        headers=li_headers(token),
    )
    assert listing.status_code == 403


def test_pages_need_the_page_permissions(client: httpx.Client) -> None:
    tokens, sub = li_login(client, scope="openid profile w_member_social")
    headers = li_headers(tokens["access_token"])
    acls = client.get(
        "/linkedin/rest/organizationAcls", params={"q": "roleAssignee"}, headers=headers
    )
    assert acls.status_code == 403
    body = li_body(sub, "as a page")
    body["author"] = "urn:li:organization:2414183"
    assert client.post("/linkedin/rest/posts", json=body, headers=headers).status_code == 403


def test_organization_acls_list_the_pages_the_member_administers(
    client: httpx.Client, li: tuple[str, str]
) -> None:
    found = client.get(
        "/linkedin/rest/organizationAcls",
        params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
        headers=li_headers(li[0]),
    )
    assert found.status_code == 200
    (element,) = found.json()["elements"]
    assert element == {
        "roleAssignee": f"urn:li:person:{li[1]}",
        "state": "APPROVED",
        "role": "ADMINISTRATOR",
        "organization": "urn:li:organization:2414183",
    }
