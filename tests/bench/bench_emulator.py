"""Emulator throughput: 2,000 requests (1,000 POST /x/2/tweets + 1,000 GET /x/2/tweets?ids=)
over 4 keep-alive httpx clients in threads, server and clients in this one process, pinned to
one CPU core where the OS allows it. The clients' own cost is included, so the server alone
is faster than the number reported. Target: at least 500 req/s without errors.
"""

from __future__ import annotations

import os
import ssl
import threading
import time
from datetime import UTC, datetime

import httpx

from app.emulator import EmulatorServer
from tests.bench.harness import Row, row

CLIENTS = 4
REQUESTS = 2000
RUNS = 5
START = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
REDIRECT = "http://127.0.0.1:8765/callback"


def _token(client: httpx.Client, handle: str) -> str:
    import base64
    import hashlib
    import secrets
    from urllib.parse import parse_qs, urlsplit

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    resp = client.get(
        "/x/i/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": "bench",
            "redirect_uri": REDIRECT,
            "scope": "tweet.read tweet.write users.read",
            "state": "s",
            "code_challenge": challenge.decode(),
            "code_challenge_method": "S256",
            "login_hint": handle,
        },
    )
    code = parse_qs(urlsplit(resp.headers["location"]).query)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": "bench",
    }
    return client.post("/x/2/oauth2/token", data=form).json()["access_token"]


def _one_run(tls: ssl.SSLContext, run: int) -> tuple[float, int]:
    """(requests per second, errors) for one run on a fresh emulator."""
    errors = 0
    lock = threading.Lock()
    per_client = REQUESTS // CLIENTS
    with EmulatorServer(now=lambda: START, x_posts_limit=1_000_000, x_read_limit=1_000_000) as srv:
        clients = [httpx.Client(base_url=srv.base_url, verify=tls) for _ in range(CLIENTS)]
        try:
            tokens = [_token(c, f"bench{i}") for i, c in enumerate(clients)]
            ready = threading.Barrier(CLIENTS + 1)

            def work(index: int) -> None:
                nonlocal errors
                client, headers = clients[index], {"Authorization": f"Bearer {tokens[index]}"}
                ids: list[str] = []
                bad = 0
                ready.wait()
                for i in range(per_client // 2):
                    try:
                        resp = client.post(
                            "/x/2/tweets", json={"text": f"r{run} c{index} #{i}"}, headers=headers
                        )
                        if resp.status_code == 201:
                            ids.append(resp.json()["data"]["id"])
                        else:
                            bad += 1
                        resp = client.get(
                            "/x/2/tweets",
                            params={"ids": ",".join(ids[-10:]), "tweet.fields": "public_metrics"},
                            headers=headers,
                        )
                        bad += resp.status_code != 200
                    except httpx.HTTPError:
                        bad += 1
                with lock:
                    errors += bad

            threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
            for t in threads:
                t.start()
            ready.wait()
            started = time.perf_counter()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
        finally:
            for c in clients:
                c.close()
    return REQUESTS / elapsed, errors


def collect() -> list[Row]:
    pinned = hasattr(os, "sched_getaffinity")
    previous = os.sched_getaffinity(0) if pinned else None
    if pinned and previous:
        os.sched_setaffinity(0, {min(previous)})  # threads started from here inherit it
    try:
        tls = ssl.create_default_context()
        _one_run(tls, -1)  # warm-up: imports, first connections
        results = [_one_run(tls, run) for run in range(RUNS)]
    finally:
        if pinned and previous:
            os.sched_setaffinity(0, previous)
    rates = [rate for rate, _ in results]
    return [
        row(
            "emulator requests/second (1 core)",
            rates,
            unit="req/s",
            scale=1.0,
            errors=sum(e for _, e in results),
            requests_per_run=REQUESTS,
            clients=CLIENTS,
            pinned_to_one_core=bool(pinned),
            target_min=500,
        )
    ]


if __name__ == "__main__":
    for r in collect():
        print(r.as_dict())
