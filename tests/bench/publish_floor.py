"""The publishing drain's floor: how fast the emulator itself serves the drain's request mix,
driven by a plain client that is not Herald (httpx, a few keep-alive connections in threads).

Per post, the same requests Herald's adapters make (recorded from a run): X one POST
/x/2/tweets; LinkedIn one POST /linkedin/rest/posts; Facebook one POST /{page}/feed;
Instagram four: GET content_publishing_limit, POST /{user}/media with an image_url the
emulator downloads (from a plain stdlib server here), GET the container's status, POST
media_publish. Accounts are connected on the emulator first (not timed); the client reads
their tokens from the emulator's own record of what it issued.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

WORKERS = 8
IG_CALLS = 4


class _Picture(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _accounts(db: Any) -> dict[str, str]:
    from sqlalchemy import select

    from app.core.models import Account

    with db.session() as s:
        return {
            str(p.value if hasattr(p, "value") else p): e
            for p, e in s.execute(select(Account.platform, Account.external_id))
        }


def _token(emulator: Any, prefix: str) -> str:
    tokens = [t for t in emulator.issued_tokens() if t.startswith(prefix)]
    if not tokens:
        raise RuntimeError(f"the emulator issued no {prefix}* token")
    return tokens[-1]


def drain_floor(emulator: Any, db: Any, picture: Path, posts: int, prefix: str) -> dict[str, float]:
    """Seconds for `posts` posts x 4 platforms of requests; also the request count."""
    ids = _accounts(db)
    tokens = {
        "x": _token(emulator, "emu-x-at-"),
        "li": _token(emulator, "emu-li-at-"),
        "fb": _token(emulator, "emu-fb-pt-"),
        "ig": _token(emulator, "emu-ig-at-"),
    }
    author = ids["LINKEDIN"]
    author = author if author.startswith("urn:") else f"urn:li:person:{author}"
    page, ig_user = ids["FACEBOOK"], ids["INSTAGRAM"]
    _Picture.body = picture.read_bytes()
    pictures = ThreadingHTTPServer(("127.0.0.1", 0), _Picture)
    pictures.daemon_threads = True
    threading.Thread(target=pictures.serve_forever, daemon=True).start()
    image_url = f"http://127.0.0.1:{pictures.server_address[1]}/pic.jpg"
    local = threading.local()
    base = emulator.base_url
    errors: list[str] = []

    def client() -> httpx.Client:
        c = getattr(local, "client", None)
        if c is None:
            c = local.client = httpx.Client(base_url=base, timeout=30)
        return c

    def check(resp: httpx.Response) -> httpx.Response:
        if resp.status_code >= 300:
            errors.append(f"{resp.request.method} {resp.request.url.path}: {resp.status_code}")
        return resp

    def auth(platform: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[platform]}", "Idempotency-Key": uuid.uuid4().hex}

    def x(i: int) -> None:
        check(client().post("/x/2/tweets", json={"text": f"{prefix} {i}"}, headers=auth("x")))

    def li(i: int) -> None:
        body = {
            "author": author,
            "commentary": f"{prefix} {i}",
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        headers = {**auth("li"), "LinkedIn-Version": "202601", "X-Restli-Protocol-Version": "2.0.0"}
        check(
            client().post(
                "/linkedin/rest/posts",
                content=json.dumps(body),
                headers={**headers, "Content-Type": "application/json"},
            )
        )

    def fb(i: int) -> None:
        check(
            client().post(
                f"/facebook/v25.0/{page}/feed",
                data={"message": f"{prefix} {i}"},
                headers=auth("fb"),
            )
        )

    def ig(i: int) -> None:
        c, headers = client(), auth("ig")
        check(
            c.get(
                f"/instagram/v25.0/{ig_user}/content_publishing_limit",
                params={"fields": "quota_usage,config"},
                headers=headers,
            )
        )
        container = check(
            c.post(
                f"/instagram/v25.0/{ig_user}/media",
                data={"image_url": image_url, "caption": f"{prefix} {i}"},
                headers=headers,
            )
        ).json()["id"]
        check(
            c.get(
                f"/instagram/v25.0/{container}",
                params={"fields": "status_code,status"},
                headers=headers,
            )
        )
        check(
            c.post(
                f"/instagram/v25.0/{ig_user}/media_publish",
                params={"creation_id": container},
                headers=headers,
            )
        )

    jobs = [(fn, i) for i in range(posts) for fn in (x, li, fb, ig)]
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="floor") as pool:
            for future in [pool.submit(fn, i) for fn, i in jobs]:
                future.result()
    finally:
        pictures.shutdown()
        pictures.server_close()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"the floor client got {len(errors)} errors, first: {errors[0]}")
    return {"seconds": seconds, "requests": posts * (3 + IG_CALLS)}
