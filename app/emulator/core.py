"""The transport-free emulator: clock, configuration, state, faults and request dispatch.

`Emulator.handle()` takes a parsed request and returns a `Response`; `server.py` wraps it in
an HTTP server. Route handlers run under one re-entrant state lock (they are microseconds of
dictionary work); the few that do I/O (fetching an image_url) lock around their state work
themselves. The timeout fault waits on `stop_event` outside the lock, so `stop()` wakes it.

The clock is "base + offset": base is the caller's `now()` callable when given (e.g. a
FakeClock shared in-process) or real UTC time; `set_clock`/`advance` move the offset.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfoNotFoundError

from app.emulator import control
from app.emulator.bluesky import api as bluesky
from app.emulator.bluesky.auth import new_did
from app.emulator.engagement import EngagementModel
from app.emulator.facebook import api as facebook
from app.emulator.faults import FaultRule, FaultSet, make_rule, parse_spec
from app.emulator.instagram import api as instagram
from app.emulator.linkedin import api as linkedin
from app.emulator.mastodon import api as mastodon
from app.emulator.names import NETWORK_OF
from app.emulator.oauth import presented_token, revoke
from app.emulator.routes import PlatformAPI, Route
from app.emulator.state import ID_BASES, Post, State, User, iso_z, write_atomically
from app.emulator.threads import api as threads
from app.emulator.twitter import api as twitter
from app.emulator.wire import Request, Response, json_response, parse_query

log = logging.getLogger("app.emulator")

# (handle, display name) of the user each platform's authorize endpoint picks by default
DEFAULT_USERS = {
    "twitter": ("herald_demo", "Herald Demo"),
    "instagram": ("herald.demo", "Herald Demo"),
    "linkedin": ("herald-demo", "Herald Demo"),
    "facebook": ("herald.demo", "Herald Demo"),
    "bluesky": ("herald-demo.bsky.social", "Herald Demo"),
    "mastodon": ("herald_demo", "Herald Demo"),
    "threads": ("herald.demo", "Herald Demo"),
}
USER_ID_KIND = {
    "twitter": "x_user",
    "instagram": "ig_user",
    "linkedin": "li_user",
    "mastodon": "md_account",
}


@dataclass
class Config:
    """Every limit the platforms do not publish exactly, so tests can set their own."""

    x_posts_limit: int = 300  # POST /2/tweets per user per window
    x_posts_window_s: int = 900
    x_read_limit: int = 900  # each GET endpoint per user per 15 min
    x_delete_limit: int = 50
    x_media_limit: int = 500
    x_duplicate_window_s: int = 86400
    x_timeline_cap: int = 3200  # GET /2/users/{id}/tweets reaches the newest 3,200 posts
    x_media_processing_s: int = 6  # X video/GIF processing time after finalize
    x_media_check_after_s: int = 2  # processing_info.check_after_secs while processing
    linkedin_posts_per_day: int = 100  # per member, resets at midnight UTC
    # The same commentary by the same author again within this window is refused 422
    # DUPLICATE_POST, naming the first post (LinkedIn does not publish the window).
    linkedin_duplicate_window_s: int = 86400
    # Active LinkedIn-Version range, YYYYMM; others are refused 426 NONEXISTENT_VERSION.
    # 0 as the newest: no upper bound.
    linkedin_oldest_version: int = 202201
    linkedin_newest_version: int = 0
    instagram_publishes_per_24h: int = 50  # moving window, shown by content_publishing_limit
    facebook_calls_per_hour: int = 1000  # per page (code 32) or user token (code 4)
    facebook_duplicate_window_s: int = 3600
    mastodon_max_characters: int = 500  # the instance's configuration.statuses limit
    mastodon_idempotency_s: int = 3600  # how long Idempotency-Key answers are kept
    mastodon_media_processing_s: int = 4  # video/GIF processing on the emulator clock
    mastodon_pkce: int = 1  # 1: a 4.3+ server (PKCE, discovery); 0: older (404 discovery)
    container_polls: int = 1  # status polls an IG/Threads container stays IN_PROGRESS
    ig_video_processing_s: int = 0  # a Reels/video container also stays so this long
    linkedin_video_processing_s: int = 0  # a finalized LinkedIn video is PROCESSING this long
    bluesky_video_processing_s: int = 0  # a Bluesky video-service job runs this long
    threads_publishes_per_24h: int = 250  # rolling, shown by threads_publishing_limit
    threads_replies_per_24h: int = 1000
    threads_views_reported: int = 1  # 0: insights leave `views` out ("in development")
    auth_code_ttl_s: int = 600
    media_fetch_timeout_s: float = 5.0

    def update(self, **options: Any) -> None:
        types = {f.name: f.type for f in fields(self)}
        for name, value in options.items():
            if name not in types:
                raise ValueError(f"unknown emulator option {name!r}")
            setattr(self, name, float(value) if types[name] == "float" else int(value))

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _rule_from_dict(data: dict[str, Any]) -> FaultRule:
    fields_ = dict(data)
    params = fields_.pop("params", None) or {}
    return make_rule(**fields_, **params)


class Emulator:
    def __init__(
        self,
        *,
        seed: int = 0,
        now: Callable[[], datetime] | None = None,
        state_file: str | Path | None = None,
        audience_tz: str = "America/New_York",
        faults: str | Iterable[FaultRule | dict[str, Any]] | None = None,
        timeout_delay_s: float = 30.0,
        **options: Any,
    ) -> None:
        self.lock = threading.RLock()
        self.stop_event = threading.Event()
        self.seed = int(seed)
        self.timeout_delay_s = float(timeout_delay_s)
        self.config = Config()
        self.config.update(**options)
        self.model = EngagementModel(self.seed, audience_tz)
        try:
            self.model.zone  # noqa: B018 - fail fast on an unknown zone
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown audience time zone {audience_tz!r}") from None
        self._external_now = now
        self.state_file = Path(state_file) if state_file else None
        self.state = (State.load(self.state_file) if self.state_file else None) or State()
        self._ensure_default_users()
        self.faults = FaultSet(self.seed)
        if faults:
            self.add_faults(faults)
        self.apis: dict[str, PlatformAPI] = {
            api.prefix: api
            for api in (
                twitter.API,
                instagram.API,
                linkedin.API,
                facebook.API,
                bluesky.API,
                mastodon.API,
                threads.API,
            )
        }
        self._save_lock = threading.Lock()
        self._seq = 0
        self._saved_seq = 0

    # ------------------------------------------------------------------ clock
    def now(self) -> datetime:
        base = self._external_now() if self._external_now else datetime.now(UTC)
        if base.tzinfo is None:
            raise ValueError("the emulator's now() callable must return an aware datetime")
        return base.astimezone(UTC) + timedelta(seconds=self.state.clock_offset)

    def now_ts(self) -> float:
        return self.now().timestamp()

    def set_clock(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("set_clock needs a timezone-aware datetime")
        with self.lock:
            self.state.clock_offset = 0.0
            self.state.clock_offset = (instant - self.now()).total_seconds()
        self.persist()
        return self.now()

    def advance(self, seconds: float) -> datetime:
        with self.lock:
            self.state.clock_offset += float(seconds)
        self.persist()
        return self.now()

    # ------------------------------------------------------------------ users
    def _ensure_default_users(self) -> None:
        for platform, (handle, name) in DEFAULT_USERS.items():
            if self.state.find_user(platform, handle=handle) is None:
                self.create_user(platform, handle, name)

    def create_user(self, platform: str, handle: str, name: str | None = None) -> User:
        name = name or handle
        if platform == "facebook":
            user = User(platform, self.state.new_id("fb_user"), handle, name)
            user.page_id = self.state.new_id("fb_page")
            user.page_name = f"{name} Page"
        elif platform == "bluesky":  # a DID from the handle: other networks' ids stay put
            user = User(platform, new_did(handle), handle, name)
        elif platform == "threads":
            # Numbered apart from the shared counter, so adding Threads moved no other id
            # (seeded engagement is a function of the post ids).
            count = sum(1 for u in self.state.users.values() if u.platform == "threads")
            user = User(platform, str(ID_BASES["th_user"] + count + 1), handle, name)
        else:
            user = User(platform, self.state.new_id(USER_ID_KIND[platform]), handle, name)
        return self.state.add_user(user)

    def resolve_user(self, platform: str, login_hint: str | None) -> User:
        handle = (login_hint or "").strip() or DEFAULT_USERS[platform][0]
        return self.state.find_user(platform, handle=handle) or self.create_user(platform, handle)

    def default_users(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            out = {}
            for platform, (handle, _) in DEFAULT_USERS.items():
                user = self.state.find_user(platform, handle=handle)
                assert user is not None
                out[platform] = user.public()
            return out

    def all_users(self) -> list[dict[str, Any]]:
        with self.lock:
            return [u.public() for u in self.state.users.values()]

    # ------------------------------------------------------------------ faults
    def add_faults(self, faults: str | Iterable[FaultRule | dict[str, Any]]) -> list[FaultRule]:
        if isinstance(faults, str):
            rules = parse_spec(faults)
        else:
            rules = [f if isinstance(f, FaultRule) else _rule_from_dict(f) for f in faults]
        with self.lock:
            for rule in rules:
                self.faults.add(rule)
        return rules

    # ------------------------------------------------------------------ inspection
    def post_dict(self, post: Post) -> dict[str, Any]:
        user = self.state.find_user(post.platform, user_id=post.extra.get("user_id", post.account))
        return {
            "platform": NETWORK_OF[post.platform].value,
            "account": post.account,
            "account_handle": user.handle if user else None,
            "external_id": post.external_id,
            "text": post.text,
            "media": list(post.media),
            "idempotency_key": post.idempotency_key,
            "created_at": iso_z(post.created_at),
            "deleted": post.deleted,
            "extra": dict(post.extra),
        }

    def published(self) -> list[dict[str, Any]]:
        with self.lock:
            return [self.post_dict(p) for p in self.state.posts]

    def published_count(self, text_prefix: str) -> int:
        """How many posts' text starts with `text_prefix`: a cheap poll (no dicts built)."""
        with self.lock:
            return sum(1 for p in self.state.posts if p.text.startswith(text_prefix))

    def issued_tokens(self) -> list[str]:
        with self.lock:
            return list(self.state.issued)

    def revoke_tokens(self, platform: str, user_id: str | None = None) -> int:
        key = str(platform).lower()
        key = {"x": "twitter"}.get(key, key)
        if key not in NETWORK_OF:
            raise ValueError(f"unknown platform {platform!r}")
        with self.lock:
            if user_id is not None and key == "facebook":  # a page id names its owner
                owner = next((u for u in self.state.users.values() if u.page_id == user_id), None)
                user_id = owner.id if owner else user_id
            count = revoke(self, key, user_id)
        self.persist()
        return count

    def reset(self) -> None:
        """Forget posts, tokens, codes, containers, uploads, counters, faults and extra users."""
        with self.lock:
            offset = self.state.clock_offset
            self.state = State()
            self.state.clock_offset = offset
            self._ensure_default_users()
            self.faults.clear()
        self.persist()

    def persist(self) -> None:
        if self.state_file is None:
            return
        with self.lock:
            self._seq += 1
            seq = self._seq
            text = json.dumps(self.state.to_dict(), separators=(",", ":"))
        with self._save_lock:
            if seq > self._saved_seq:
                write_atomically(self.state_file, text)
                self._saved_seq = seq

    # ------------------------------------------------------------------ dispatch
    def handle(self, method: str, target: str, headers: Message, body: bytes) -> Response:
        raw_path, _, query = target.partition("?")
        path = unquote(raw_path)
        if path == "/_emulator" or path.startswith("/_emulator/"):
            req = Request(method, path[len("/_emulator") :] or "/", parse_query(query), headers)
            req.body, req.raw_path = body, target
            return control.handle(self, req)
        prefix, _, rest = path.lstrip("/").partition("/")
        api = self.apis.get(prefix)
        if api is None:
            return json_response(404, {"error": f"no emulated platform at /{prefix}"})
        req = Request(method, "/" + rest, parse_query(query), headers, body, target)
        found = api.table.match(method, req.path)
        if found is None:
            return api.not_found(req)
        route, match = found
        with self.lock:
            rule = self.faults.pick(api.key, route.endpoint)
        try:
            if rule is None:
                return self._run(api, route, match, req)
            return self._apply_fault(api, route, match, req, rule)
        finally:
            self.persist()

    def _run(self, api: PlatformAPI, route: Route, match: Any, req: Request) -> Response:
        try:
            if route.locked:
                with self.lock:
                    return route.handler(self, req, match)
            return route.handler(self, req, match)
        except Exception:
            log.exception("emulator handler failed for %s %s", req.method, req.path)
            with self.lock:
                return api.fault_response(self, req, route, "500", {})

    def _apply_fault(
        self, api: PlatformAPI, route: Route, match: Any, req: Request, rule: FaultRule
    ) -> Response:
        kind, params = rule.kind, rule.params
        process = bool(params.get("process"))
        if kind == "timeout":
            delay = float(params.get("delay", self.timeout_delay_s))
            if self.stop_event.wait(delay) or not process:
                return Response(drop=True)
            self._run(api, route, match, req)
            return Response(drop=True)
        if kind == "lost":
            self._run(api, route, match, req)
            return Response(drop=True)
        if kind in ("malformed", "truncated"):
            if process:
                resp = self._run(api, route, match, req)
            else:
                resp = json_response(200, {"data": {"id": "0", "text": "emulated fault"}})
            if kind == "malformed":
                resp.body = (resp.body[: len(resp.body) // 2] or b"{") + b"\x00<html>"
                resp.headers = [(k, v) for k, v in resp.headers if k.lower() != "x-restli-id"]
                resp.content_type = "application/json; charset=utf-8"
            else:
                if not resp.body:
                    resp.body = b'{"emulated":"truncated"}'
                    resp.content_type = "application/json; charset=utf-8"
                resp.truncate = True
            return resp
        if kind == "revoked_refresh":
            with self.lock:
                token = self.state.tokens.get(presented_token(req) or "")
                if token is not None:
                    revoke(self, token.platform, token.user_id)
            return self._run(api, route, match, req)
        if kind == "error":
            if route.endpoint == "container_status":
                with self.lock:
                    instagram.fail_container(self, match.group("id"))
                return self._run(api, route, match, req)
            kind = "500"
        with self.lock:
            return api.fault_response(self, req, route, kind, params)
