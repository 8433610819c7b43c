"""The transport: lifecycle, keep-alive, chunked bodies, HTTP/1.0, concurrency, prompt stop."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from app.emulator import EmulatorServer
from tests.emulator.conftest import START, TLS
from tests.emulator.helpers import bearer, x_login


def test_lifecycle() -> None:
    srv = EmulatorServer(port=0, now=lambda: START)
    with pytest.raises(RuntimeError):
        _ = srv.base_url
    assert srv.start() is srv
    assert srv.start() is srv  # idempotent
    assert srv.base_url == f"http://127.0.0.1:{srv.port}"
    assert srv.port > 0
    srv.stop()
    srv.stop()
    with pytest.raises(ValueError):
        EmulatorServer(host="0.0.0.0")
    with pytest.raises(ValueError):
        EmulatorServer(audience_tz="Mars/Olympus_Mons")


def test_keep_alive_connection_is_reused(client: httpx.Client) -> None:
    ports = set()
    for _ in range(20):
        resp = client.get("/_emulator/clock")
        assert resp.http_version == "HTTP/1.1"
        assert "connection" not in resp.headers
        ports.add(resp.extensions["network_stream"].get_extra_info("client_addr")[1])
    assert len(ports) == 1


def test_stop_closes_idle_keep_alive_connections() -> None:
    srv = EmulatorServer(now=lambda: START).start()
    client = httpx.Client(base_url=srv.base_url, verify=TLS)
    try:
        assert client.get("/_emulator/clock").status_code == 200
        started = time.monotonic()
        srv.stop()  # the client still holds its idle connection open
        assert time.monotonic() - started < 1.5
    finally:
        client.close()


def test_chunked_request_body(client: httpx.Client) -> None:
    headers = bearer(x_login(client)["access_token"])

    def body():
        yield b'{"text": '
        yield b'"sent in chunks"}'

    resp = client.post(
        "/x/2/tweets", content=body(), headers={**headers, "Content-Type": "application/json"}
    )
    assert resp.status_code == 201
    assert resp.json()["data"]["text"] == "sent in chunks"


def test_http_1_0_client(emu: EmulatorServer) -> None:
    with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
        sock.sendall(b"GET /_emulator/clock HTTP/1.0\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert b"Connection: close" in head
    assert body == b'{"now":"2026-01-05T14:00:00.000Z"}'


def test_bad_content_length(emu: EmulatorServer) -> None:
    with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
        sock.sendall(b"POST /x/2/tweets HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n")
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400")
    assert b"Connection: close" in reply


def test_concurrent_posts_from_many_threads(emu: EmulatorServer) -> None:
    emu.configure(x_posts_limit=10_000)
    errors: list[str] = []
    ids: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        with httpx.Client(base_url=emu.base_url, verify=TLS) as c:
            headers = bearer(x_login(c, login_hint=f"user{n}")["access_token"])
            for i in range(25):
                resp = c.post("/x/2/tweets", json={"text": f"{n}-{i}"}, headers=headers)
                with lock:
                    if resp.status_code == 201:
                        ids.append(resp.json()["data"]["id"])
                    else:
                        errors.append(resp.text)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(ids) == len(set(ids)) == 200
    assert len(emu.published()) == 200
