"""A fifth network, added by this file alone: descriptor, adapter and a tiny emulator here,
nothing anywhere else. It is scheduled, published and measured through the real registry,
`build_adapters`, PostService, PublishingEngine and the analytics collector, over a real
loopback socket, and unregistered afterwards.

"Pigeon" is made up: a JSON API with bearer tokens, `POST /v1/notes` to publish,
`GET /v1/notes?since=` to look a note up and `GET /v1/notes/{id}/stats` for its numbers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from sqlalchemy import select

from app import platforms
from app.adapters.base import BaseAdapter, same_text
from app.adapters.config import AdapterConfig
from app.adapters.http import Classifier, as_dict, as_int, as_list, as_str, by_status
from app.adapters.registry import build_adapters, close_adapters
from app.core.accounts import AccountInfo, AccountService
from app.core.analytics.collector import MetricsCollector
from app.core.engine import EngineSettings, PublishingEngine
from app.core.events import EventHub
from app.core.models import AnalyticsSnapshot, Checkpoint, PostStatus, Target, TargetStatus
from app.core.ports import (
    AccountRef,
    AppCredentials,
    ConnectedAccount,
    Credentials,
    MediaItem,
    Metrics,
    PlatformAdapter,
    PublishResult,
)
from app.core.posts import PostError, PostService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.descriptor import (
    Analytics,
    Auth,
    PlatformDescriptor,
    RateBudget,
    RateBudgets,
    TextRules,
)
from app.platforms.names import Platform

NAME = "PIGEON"
TOKEN = "pigeon-token-1"

DESCRIPTOR = PlatformDescriptor(
    name=NAME,
    display_name="Pigeon",
    icon="fa6s.dove",
    colour="#7a5cff",
    text=TextRules(max_length=120),
    auth=Auth(kind="oauth2", scopes=("notes.write", "notes.read"), redirect_port=8799),
    rate_budgets=RateBudgets(publish=RateBudget(10, 3600), read=RateBudget(100, 900)),
    analytics=Analytics(fields=("hearts", "renotes", "replies"), not_reported=("impressions",)),
    priors="",
    setup_help="pigeon.example → Settings → Developer apps.",
    adapter=f"{__name__}:PigeonAdapter",
)


# ---------------------------------------------------------------- the network's emulator


@dataclass
class PigeonServer:
    """The network's side: notes in memory, served by a WSGI app on 127.0.0.1."""

    notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        self.requests.append(f"{method} {path}")
        if environ.get("HTTP_AUTHORIZATION") != f"Bearer {TOKEN}":
            return self._answer(start_response, 401, {"error": "bad token"})
        if method == "POST" and path == "/v1/notes":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(size))
            with self.lock:
                note_id = f"n{len(self.notes) + 1}"
                self.notes[note_id] = {"id": note_id, "text": body["text"], "hearts": 7}
            return self._answer(start_response, 201, {"note": {"id": note_id}})
        if method == "GET" and path == "/v1/notes":
            return self._answer(start_response, 200, {"notes": list(self.notes.values())})
        if method == "GET" and path.startswith("/v1/notes/") and path.endswith("/stats"):
            note = self.notes.get(path.split("/")[3])
            if note is None:
                return self._answer(start_response, 404, {"error": "no such note"})
            stats = {"hearts": note["hearts"], "renotes": 2, "replies": 1}
            return self._answer(start_response, 200, stats)
        return self._answer(start_response, 404, {"error": "no route"})

    @staticmethod
    def _answer(start_response: Any, status: int, body: object) -> list[bytes]:
        data = json.dumps(body).encode()
        reason = {200: "OK", 201: "Created", 401: "Unauthorized", 404: "Not Found"}[status]
        start_response(
            f"{status} {reason}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass


# ---------------------------------------------------------------- the network's adapter


def classify_pigeon(resp: Any, body: Any, rate_limit: Any, now: datetime) -> Any:
    message = as_str(as_dict(body).get("error")) or f"HTTP {resp.status_code}"
    return by_status(Platform(NAME), resp.status_code, message, rate_limit=rate_limit)


class PigeonAdapter(BaseAdapter):
    metrics_batch_size = 1

    @property  # the class is defined before its network is registered
    def platform(self) -> Platform:  # type: ignore[override]
        return Platform(NAME)

    def _classifier(self) -> Classifier:
        return classify_pigeon

    def _url(self, path: str) -> str:
        return f"{self.config.endpoint(self.platform, 'https://pigeon.example')}{path}"

    def publish(
        self, account: AccountRef, text: str, media: Sequence[MediaItem], idempotency_key: str
    ) -> PublishResult:
        reply = self.http.request(
            "POST",
            self._url("/v1/notes"),
            account=account,
            headers=self._bearer(account),
            json={"text": text},
            unsafe=True,
        )
        note_id = as_str(as_dict(reply.json_dict().get("note")).get("id")) or ""
        return PublishResult(external_id=note_id, url=f"https://pigeon.example/n/{note_id}")

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        out = {}
        for note_id in external_ids:
            body = self.http.request(
                "GET",
                self._url(f"/v1/notes/{note_id}/stats"),
                account=account,
                headers=self._bearer(account),
            ).json_dict()
            out[note_id] = Metrics(
                likes=as_int(body.get("hearts")),
                shares=as_int(body.get("renotes")),
                comments=as_int(body.get("replies")),
                impressions=None,  # the descriptor says Pigeon does not report them
            )
        return out

    def refresh(self, account: AccountRef) -> Credentials:
        return account.credentials

    def find_existing(
        self,
        account: AccountRef,
        idempotency_key: str,
        text: str,
        since: datetime,
        until: datetime | None = None,
    ) -> str | None:
        body = self.http.request(
            "GET", self._url("/v1/notes"), account=account, headers=self._bearer(account)
        ).json_dict()
        for note in as_list(body.get("notes")):
            if same_text(as_str(as_dict(note).get("text")), text):
                return as_str(as_dict(note).get("id"))
        return None


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def pigeon() -> Iterator[PigeonServer]:
    """The network registered for the test, its emulator listening on loopback."""
    app = PigeonServer()
    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="pigeon", daemon=True)
    thread.start()
    platforms.register(DESCRIPTOR)
    try:
        app.base_url = f"http://127.0.0.1:{server.server_port}"  # type: ignore[attr-defined]
        yield app
    finally:
        platforms.unregister(NAME)
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


class RegistrySource:
    """The engine's AdapterSource over the adapters `build_adapters` made from the registry."""

    def __init__(self, adapters: dict[Platform, PlatformAdapter]) -> None:
        self.adapters = adapters

    def adapter(self, account: AccountInfo) -> PlatformAdapter:
        return self.adapters[account.platform]

    def app_credentials(self, account: AccountInfo) -> AppCredentials | None:
        return AppCredentials("pigeon-app", None)


# ---------------------------------------------------------------- the test


def test_a_fifth_network_is_scheduled_published_and_measured(db, clock, pigeon):
    pigeon_platform = Platform(NAME)
    assert pigeon_platform is Platform.PIGEON and Platform.PIGEON.label == "Pigeon"
    assert list(Platform)[-1] == NAME

    config = AdapterConfig.real(endpoints={NAME: pigeon.base_url})  # type: ignore[attr-defined]
    adapters = build_adapters(config, clock)
    assert isinstance(adapters[pigeon_platform], PigeonAdapter)

    accounts = AccountService(db, Vault(db, environ={}), clock)
    ws = WorkspaceService(db, clock).create("Loft", "Europe/Berlin").id
    account_id = accounts.save_connected(
        ws,
        ConnectedAccount(
            platform=pigeon_platform,
            external_id="pigeon-user-1",
            handle="@loft",
            credentials=Credentials(TOKEN, None, clock.now() + timedelta(days=30)),
        ),
    )
    assert accounts.get(account_id).platform is Platform.PIGEON

    posts = PostService(db, clock)
    # The network's own text limit (120, from its descriptor) is enforced when scheduling.
    with pytest.raises(PostError, match="120"):
        posts.create(
            ws,
            "x" * 121,
            [account_id],
            scheduled_local=datetime(2026, 1, 5, 12, 0),
            action="schedule",
        )
    post = posts.create(
        ws,
        "Coo from the loft",
        [account_id],
        scheduled_local=datetime(2026, 1, 5, 11, 0),  # 10:00 UTC: an hour after the clock
        action="schedule",
    )

    events = EventHub()
    engine = PublishingEngine(
        db,
        clock,
        RegistrySource(adapters),
        events,
        accounts,
        EngineSettings(owner="fifth-network"),
        clock,
    )
    try:
        assert engine.run_once().published == 0  # not due yet
        clock.advance(timedelta(hours=1))
        result = engine.run_once()
        assert result.published == 1
    finally:
        engine.close()

    [note] = pigeon.notes.values()
    assert note["text"] == "Coo from the loft"
    with db.session() as s:
        target = s.scalars(select(Target).where(Target.post_id == post.id)).one()
        assert target.status == TargetStatus.PUBLISHED and target.external_id == note["id"]
    assert posts.get(post.id).status == PostStatus.PUBLISHED

    def lookup(account: int) -> tuple[PlatformAdapter, AccountRef]:
        info = accounts.get(account)
        return adapters[info.platform], accounts.account_ref(account, None)

    collector = MetricsCollector(db, clock, lookup, events)
    clock.advance(timedelta(hours=1))
    assert collector.run_once().stored == 1
    with db.session() as s:
        snap = s.scalars(select(AnalyticsSnapshot)).one()
        assert snap.checkpoint == Checkpoint.H1
        assert (snap.likes, snap.shares, snap.comments) == (7, 2, 1)
        assert snap.impressions is None  # "not reported", never 0
    assert f"GET /v1/notes/{note['id']}/stats" in pigeon.requests

    close_adapters(adapters)


def test_the_fifth_network_is_gone_after_unregistering(pigeon):
    platforms.unregister(NAME)
    with pytest.raises(ValueError, match="not a valid Platform"):
        Platform(NAME)
    assert NAME not in [p.value for p in Platform]
    platforms.register(DESCRIPTOR)  # the fixture removes it again
