"""The HTTP transport: `EmulatorServer`, a threaded HTTP/1.1 server on 127.0.0.1.

Why the stdlib `ThreadingHTTPServer`: no dependency, real sockets (so adapters, timeouts and
dropped connections behave exactly as against the network), keep-alive with HTTP/1.1, and a
thread per connection is plenty for a handful of clients — a few thousand requests per second
on one core, far above the 500 req/s target (see tests/bench/bench_emulator.py). Each response
is written with one `send` and TCP_NODELAY, so keep-alive never waits on Nagle/delayed ACKs.

Stopping is prompt: `stop()` wakes sleeping fault handlers (an Event), shuts down every open
connection socket so idle keep-alive threads return from `readline`, then joins them.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from app.emulator.core import Emulator
from app.emulator.faults import FaultRule, make_rule
from app.emulator.wire import Response

log = logging.getLogger("app.emulator")
MAX_BODY = 64 * 1024 * 1024
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "HeraldEmulator/1.0"
    sys_version = ""
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size_line = self.rfile.readline(1024)
                try:
                    size = int(size_line.split(b";")[0].strip() or b"0", 16)
                except ValueError:
                    return None
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(8)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        if length < 0 or length > MAX_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._write(Response(status=400, body=b"bad request body", content_type="text/plain"))
            return
        resp = self.server.emulator.handle(self.command, self.path, self.headers, body)
        if resp.drop:
            self.close_connection = True
            return
        self._write(resp)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _dispatch

    def _write(self, resp: Response) -> None:
        try:
            reason = HTTPStatus(resp.status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [
            f"HTTP/1.1 {resp.status} {reason}",
            f"Server: {self.server_version}",
            f"Date: {formatdate(self.server.emulator.now_ts(), usegmt=True)}",  # emulator clock
        ]
        if resp.content_type and resp.status != 204:
            lines.append(f"Content-Type: {resp.content_type}")
        lines += [f"{name}: {value}" for name, value in resp.headers]
        body = resp.body if resp.status not in (204, 304) else b""
        if resp.status not in (204, 304):
            lines.append(f"Content-Length: {len(body)}")
        if resp.truncate:
            body = body[: len(body) // 2]
            self.close_connection = True
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.wfile.write(head + body)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name (getfqdn): slow without DNS, useless here
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conns_lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return  # the client went away (or stop() closed the socket): nothing to report
        log.exception("emulator connection error from %s", client_address)


class EmulatorServer:
    """A local server speaking every registered network's wire format (see app.emulator)."""

    def __init__(
        self,
        port: int = 0,
        seed: int = 0,
        now: Callable[[], datetime] | None = None,
        state_file: str | Path | None = None,
        audience_tz: str = "America/New_York",
        faults: str | Iterable[FaultRule | dict[str, Any]] | None = None,
        timeout_delay_s: float = 30.0,
        *,
        host: str = "127.0.0.1",
        **options: Any,
    ) -> None:
        if host not in LOOPBACK:
            raise ValueError("the emulator only listens on loopback (127.0.0.1)")
        self.host = "127.0.0.1" if host == "localhost" else host
        self._requested_port = int(port)
        self.emulator = Emulator(
            seed=seed,
            now=now,
            state_file=state_file,
            audience_tz=audience_tz,
            faults=faults,
            timeout_delay_s=timeout_delay_s,
            **options,
        )
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> EmulatorServer:
        if self._httpd is not None:
            return self
        self.emulator.stop_event.clear()
        httpd = _HTTPServer((self.host, self._requested_port), self.emulator)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"herald-emulator:{httpd.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self.emulator.stop_event.set()
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()  # joins the connection threads
        if thread is not None:
            thread.join(timeout=5)
        self._httpd = self._thread = None
        self.emulator.persist()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the emulator is not started")
        return int(self._httpd.server_port)

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # ------------------------------------------------------------------ control
    def published(self) -> list[dict[str, Any]]:
        return self.emulator.published()

    def published_count(self, text_prefix: str) -> int:
        return self.emulator.published_count(text_prefix)

    def add_fault(
        self,
        platform: str,
        endpoint: str,
        kind: str | int,
        *,
        probability: float | None = None,
        count: int | None = None,
        **params: Any,
    ) -> FaultRule:
        rule = make_rule(platform, endpoint, kind, probability=probability, count=count, **params)
        self.emulator.add_faults([rule])
        return rule

    def clear_faults(self) -> None:
        with self.emulator.lock:
            self.emulator.faults.clear()

    def set_clock(self, instant: datetime) -> datetime:
        return self.emulator.set_clock(instant)

    def advance(self, seconds: float) -> datetime:
        return self.emulator.advance(seconds)

    def now(self) -> datetime:
        return self.emulator.now()

    def issued_tokens(self) -> list[str]:
        return self.emulator.issued_tokens()

    def rate_limited(self) -> dict[str, int]:
        """Calls refused for a spent per-account quota so far, by platform prefix ("x",
        "li", "fb", "ig", …); injected 429 faults are not counted (they are not the client's
        doing)."""
        with self.emulator.lock:
            return dict(self.emulator.state.limits.refused)

    def revoke_tokens(self, platform: str, user_id: str | None = None) -> int:
        return self.emulator.revoke_tokens(platform, user_id)

    @property
    def users(self) -> dict[str, dict[str, Any]]:
        """The default user per platform: {"twitter": {"id", "handle", "name"}, ...}."""
        return self.emulator.default_users()

    def all_users(self) -> list[dict[str, Any]]:
        return self.emulator.all_users()

    def reset(self) -> None:
        self.emulator.reset()

    def configure(self, **options: Any) -> None:
        with self.emulator.lock:
            self.emulator.config.update(**options)

    def model(self) -> dict[str, Any]:
        return self.emulator.model.describe()
