"""Giving media a URL that a platform can fetch (Instagram, and Facebook photos by URL).

Instagram does not accept uploads: it downloads each image or video from a public URL. A
desktop has no public URL, so the user picks a *media hosting* per Instagram account
(`MediaHosting`, stored in the account's settings under "media_hosting"):

- "loopback": Herald serves the file itself on 127.0.0.1. Only the emulator (demo, tests)
  can reach that; real Instagram cannot.
- "facebook_page_photo": Herald uploads the image as an *unpublished* photo to a Facebook
  Page the user connected, and gives Instagram that photo's CDN URL. Images only.
- "s3": an S3-compatible bucket the user owns (endpoint, bucket, public base URL; keys in
  the vault). Not implemented yet: it needs request signing (SigV4) that we would take from
  a library (boto3) rather than write by hand.
"""

from __future__ import annotations

import logging
import mimetypes
import secrets
import shutil
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import quote

from app.core.ports import AccountRef, MediaItem, PermanentError

log = logging.getLogger(__name__)

HostingKind = Literal["loopback", "facebook_page_photo", "s3"]

#: What the Accounts UI shows next to each choice.
MEDIA_HOSTING_HELP: Mapping[str, str] = {
    "loopback": (
        "Herald serves the file from this computer (127.0.0.1). Works only with the built-in "
        "emulator (demo and tests): Instagram itself cannot reach your computer."
    ),
    "facebook_page_photo": (
        "Herald uploads each image as an unpublished photo to one of your connected Facebook "
        "Pages and hands Instagram that photo's address. Nothing appears on the Page. "
        "Images only (no videos)."
    ),
    "s3": (
        "Herald uploads each file to an S3-compatible bucket you own (AWS S3, Cloudflare R2, "
        "Backblaze B2, MinIO...) whose objects are publicly readable, and gives Instagram its "
        "public address. Not available in this version."
    ),
}


@dataclass(frozen=True)
class MediaHosting:
    """How an account's media gets a public URL. Stored as a dict in Account.settings."""

    kind: HostingKind = "loopback"
    # facebook_page_photo: the Facebook Page (its id) whose unpublished photos host the media
    page_id: str | None = None
    # s3: where to upload and the public address objects are read from; the access key id is
    # stored here, the secret key in the vault.
    s3_endpoint: str | None = None
    s3_bucket: str | None = None
    s3_region: str | None = None
    s3_public_base_url: str | None = None
    s3_access_key_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> MediaHosting | None:
        if not data or data.get("kind") not in MEDIA_HOSTING_HELP:
            return None
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    @classmethod
    def of_account(cls, account: AccountRef) -> MediaHosting | None:
        value = account.settings.get("media_hosting")
        return cls.from_dict(value if isinstance(value, Mapping) else None)


class MediaHost(Protocol):
    """Gives a media item a URL the platform can download."""

    def url_for(self, account: AccountRef, item: MediaItem) -> str: ...


class MediaServer:
    """A loopback HTTP server that serves only registered files, each under a random path.

    Binds 127.0.0.1 on an ephemeral port; `stop()` (or the context manager) joins its
    threads, so tests leak nothing.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._files: dict[str, tuple[Path, str]] = {}
        self._lock = threading.Lock()
        self._host = host
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> MediaServer:
        if self._server is not None:
            return self
        files, lock = self._files, self._lock

        class Handler(BaseHTTPRequestHandler):
            server_version = "HeraldMedia/1"

            def do_GET(self) -> None:
                self._serve(body=True)

            def do_HEAD(self) -> None:
                self._serve(body=False)

            def _serve(self, body: bool) -> None:
                token = self.path.split("?", 1)[0].strip("/").split("/", 2)
                entry = None
                if len(token) >= 2 and token[0] == "m":
                    with lock:
                        entry = files.get(token[1])
                if entry is None or not entry[0].is_file():
                    self.send_error(404)
                    return
                path, mime = entry
                self.send_response(200)
                self.send_header("Content-Type", mime)
                self.send_header("Content-Length", str(path.stat().st_size))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if body:
                    with path.open("rb") as f:
                        shutil.copyfileobj(f, self.wfile)

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("media server: " + format, *args)

        server = ThreadingHTTPServer((self._host, self._port), Handler)
        server.daemon_threads = True
        server.block_on_close = True  # server_close() joins request threads
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="herald-media-server"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(5)

    def __enter__(self) -> MediaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ files

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the media server is not running")
        return f"http://{self._host}:{self._server.server_address[1]}"

    def register(self, path: str | Path, mime: str | None = None) -> str:
        """Serve this file under a fresh unguessable path; returns its URL."""
        p = Path(path)
        token = secrets.token_urlsafe(24)
        kind = mime or mimetypes.guess_type(p.name)[0] or "application/octet-stream"
        with self._lock:
            self._files[token] = (p, kind)
        return f"{self.base_url}/m/{token}/{quote(p.name)}"

    def unregister(self, url: str) -> None:
        parts = url.split("/m/", 1)
        if len(parts) == 2:
            with self._lock:
                self._files.pop(parts[1].split("/", 1)[0], None)


class LoopbackMediaHost:
    """MediaHost backed by a MediaServer (emulator and demo only)."""

    def __init__(self, server: MediaServer) -> None:
        self.server = server

    def url_for(self, account: AccountRef, item: MediaItem) -> str:
        return self.server.register(item.path, item.mime)


class HostingRouter:
    """Picks the MediaHost an account's "media_hosting" setting names.

    `hosts` maps a kind to its host; accounts with no setting use `default` (if any)."""

    def __init__(self, hosts: Mapping[str, MediaHost], default: str | None = None) -> None:
        self.hosts = dict(hosts)
        self.default = default

    def url_for(self, account: AccountRef, item: MediaItem) -> str:
        hosting = MediaHosting.of_account(account)
        kind = hosting.kind if hosting else self.default
        if kind is None:
            raise PermanentError(
                f"{account.platform.label} needs the media at a public address: choose a media "
                "hosting for this account in Accounts.",
                code="no_media_hosting",
            )
        host = self.hosts.get(kind)
        if host is None:
            raise PermanentError(
                f"The media hosting {kind!r} is not available in this version of Herald.",
                code="media_hosting_unavailable",
            )
        return host.url_for(account, item)
