"""Helpers for the emulator tests: PKCE, one OAuth dance per platform, a loopback media server."""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from PIL import Image

REDIRECT = "http://127.0.0.1:8765/callback"
X_SCOPES = "tweet.read tweet.write users.read offline.access media.write"
LI_HEADERS = {"LinkedIn-Version": "202601", "X-Restli-Protocol-Version": "2.0.0"}


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def redirect_params(resp: httpx.Response) -> dict[str, str]:
    assert resp.status_code == 302, resp.text
    return {k: v[0] for k, v in parse_qs(urlsplit(resp.headers["location"]).query).items()}


def x_authorize(client: httpx.Client, **extra: str) -> tuple[str, str]:
    """(code, verifier) from the X authorize endpoint."""
    verifier, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": "herald-x",
        "redirect_uri": REDIRECT,
        "scope": X_SCOPES,
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    got = redirect_params(client.get("/x/i/oauth2/authorize", params=params))
    assert got["state"] == params["state"]
    return got["code"], verifier


def x_login(client: httpx.Client, **extra: str) -> dict[str, Any]:
    code, verifier = x_authorize(client, **extra)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": "herald-x",
    }
    resp = client.post("/x/2/oauth2/token", data=form)
    assert resp.status_code == 200, resp.text
    return resp.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ig_login(client: httpx.Client, hint: str | None = None) -> tuple[str, str]:
    """(long-lived token, ig user id)."""
    params = {"client_id": "herald-ig", "redirect_uri": REDIRECT, "state": "ig", "scope": "x"}
    if hint:
        params["login_hint"] = hint
    code = redirect_params(client.get("/instagram/oauth/authorize", params=params))["code"]
    form = {
        "client_id": "herald-ig",
        "client_secret": "shh",
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "code": code,
    }
    short = client.post("/instagram/oauth/access_token", data=form).json()
    resp = client.get(
        "/instagram/access_token",
        params={
            "grant_type": "ig_exchange_token",
            "client_secret": "shh",
            "access_token": short["access_token"],
        },
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"], str(short["user_id"])


LI_SCOPES = (
    "openid profile w_member_social r_member_social "
    "rw_organization_admin w_organization_social r_organization_social"
)


def li_login(client: httpx.Client, scope: str = LI_SCOPES) -> tuple[dict[str, Any], str]:
    """(token response, member id); by default with every permission an approved app has."""
    params = {
        "response_type": "code",
        "client_id": "herald-li",
        "redirect_uri": REDIRECT,
        "state": "li",
        "scope": scope,
    }
    code = redirect_params(client.get("/linkedin/oauth/v2/authorization", params=params))["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "herald-li",
        "client_secret": "shh",
    }
    tokens = client.post("/linkedin/oauth/v2/accessToken", data=form).json()
    sub = client.get("/linkedin/v2/userinfo", headers=bearer(tokens["access_token"])).json()["sub"]
    return tokens, sub


def li_headers(token: str) -> dict[str, str]:
    return {**LI_HEADERS, **bearer(token)}


def li_body(member: str, text: str) -> dict[str, Any]:
    return {
        "author": f"urn:li:person:{member}",
        "commentary": text,
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }


@dataclass
class FacebookLogin:
    user_token: str
    page_id: str
    page_token: str


def fb_login(client: httpx.Client) -> FacebookLogin:
    params = {"client_id": "herald-fb", "redirect_uri": REDIRECT, "state": "fb"}
    code = redirect_params(client.get("/facebook/v25.0/dialog/oauth", params=params))["code"]
    short = client.get(
        "/facebook/v25.0/oauth/access_token",
        params={**params, "client_secret": "shh", "code": code},
    ).json()["access_token"]
    long = client.get(
        "/facebook/v25.0/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": "herald-fb",
            "client_secret": "shh",
            "fb_exchange_token": short,
        },
    ).json()["access_token"]
    page = client.get("/facebook/v25.0/me/accounts", params={"access_token": long}).json()
    item = page["data"][0]
    return FacebookLogin(long, item["id"], item["access_token"])


def jpeg(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buf, "JPEG", quality=70)
    return buf.getvalue()


def png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (20, 80, 140)).save(buf, "PNG")
    return buf.getvalue()


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


class MediaServer:
    """Serves in-memory files on 127.0.0.1, like Herald's own loopback media server."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        files = self.files

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                data = files.get(self.path)
                if data is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> MediaServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def url(self, name: str, data: bytes) -> str:
        self.files["/" + name] = data
        return f"http://127.0.0.1:{self.httpd.server_port}/{name}"
