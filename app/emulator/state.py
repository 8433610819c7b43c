"""Everything the emulator remembers, as plain dataclasses that round-trip through JSON.

Times are epoch seconds (floats) on the emulator clock. The state lives in memory and, when a
state file is given, is written after every API call atomically (temp file in the same
folder, then os.replace) so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from app.emulator.ratelimit import RateLimiter

FORMAT_VERSION = 1


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def iso_z(ts: float) -> str:
    """2026-01-05T09:00:00.000Z (X and the control API)."""
    return utc(ts).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_iso(value: str | None) -> float | None:
    """Epoch seconds from an ISO 8601 string (Z or offset); None when absent or malformed."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


# First ids per kind: real-looking magnitudes, then a shared counter is added.
ID_BASES = {
    "tweet": 1_880_000_000_000_000_000,
    "x_media": 1_890_000_000_000_000_000,
    "ig_container": 17_900_000_000_000_000,
    "ig_media": 18_000_000_000_000_000,
    "li_share": 7_300_000_000_000_000_000,
    "fb_post": 122_100_000_000_000_000,
    "fb_photo": 122_200_000_000_000_000,
    "x_user": 1_500_000_000_000_000_000,
    "ig_user": 17_841_400_000_000_000,
    "li_user": 0,
    "li_image": 4_000_000_000_000_000,
    "li_video": 5_000_000_000_000_000,
    "fb_user": 100_000_000_000_000,
    "fb_page": 200_000_000_000_000,
    "comment": 17_850_000_000_000_000,  # first comments (app/emulator/comments.py)
    # Mastodon ids are snowflakes (millisecond time << 16); real-looking magnitudes
    "md_account": 117_020_000_000_000_000,
    "md_status": 117_030_000_000_000_000,
    "md_media": 117_040_000_000_000_000,
    "md_app": 0,
    "th_user": 25_000_000_000_000_000,
    "th_container": 17_950_000_000_000_000,
    "th_media": 18_050_000_000_000_000,
}


@dataclass
class User:
    platform: str  # twitter | instagram | linkedin | facebook
    id: str
    handle: str
    name: str
    page_id: str | None = None  # facebook: the page this user manages
    page_name: str | None = None

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {"platform": self.platform, "id": self.id, "handle": self.handle}
        out["name"] = self.name
        if self.platform == "linkedin":
            out["urn"] = f"urn:li:person:{self.id}"
        if self.page_id:
            out["page_id"] = self.page_id
            out["page_name"] = self.page_name
        return out


@dataclass
class Token:
    value: str
    kind: str  # access | refresh | page
    platform: str
    user_id: str
    client_id: str
    issued_at: float
    expires_at: float | None
    scope: str = ""
    revoked: bool = False
    used: bool = False  # a rotated (single-use) refresh token that was spent
    page_id: str | None = None
    long_lived: bool = False
    page_token: str | None = None  # facebook user token -> the page token derived from it


@dataclass
class AuthCode:
    value: str
    platform: str
    client_id: str
    redirect_uri: str
    user_id: str
    scope: str
    challenge: str | None
    method: str | None
    expires_at: float
    used: bool = False


@dataclass
class Post:
    platform: str
    account: str
    external_id: str
    text: str
    created_at: float
    media: list[Any] = field(default_factory=list)
    idempotency_key: str | None = None
    deleted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Container:
    id: str
    user_id: str
    media_type: str
    caption: str
    created_at: float
    image_url: str | None = None
    video_url: str | None = None
    children: list[str] = field(default_factory=list)
    is_carousel_item: bool = False
    polls: int = 0
    status: str = "IN_PROGRESS"
    media_id: str | None = None
    error_message: str | None = None  # Threads: why a container is in ERROR
    reply_to: str | None = None  # Threads: the thread a reply container answers
    alt_text: str | None = None


@dataclass
class Upload:
    id: str
    user_id: str
    created_at: float
    size: int
    category: str
    mime: str
    state: str = "succeeded"  # pending (chunked INIT, LinkedIn before PUT) | succeeded
    total_bytes: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


T = TypeVar("T")


def _load_records(cls: type[T], items: dict[str, Any]) -> dict[str, T]:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return {k: cls(**{n: v for n, v in item.items() if n in names}) for k, item in items.items()}


class State:
    def __init__(self) -> None:
        self.counter = 0
        # networks added later count their ids apart, so the others' ids (and the engagement
        # noise drawn from them) stay what they were
        self.sequences: dict[str, int] = {}
        self.clock_offset = 0.0
        self.users: dict[str, User] = {}
        self.tokens: dict[str, Token] = {}
        self.issued: list[str] = []
        self.codes: dict[str, AuthCode] = {}
        self.posts: list[Post] = []
        self.index: dict[tuple[str, str], Post] = {}
        # (platform, account, text, link) -> the latest such post: duplicate checks in O(1)
        self.same_text: dict[tuple[str, str, str, str | None], Post] = {}
        self.containers: dict[str, Container] = {}
        self.uploads: dict[str, Upload] = {}
        self.limits = RateLimiter()
        self.blobs: dict[str, tuple[str, bytes]] = {}  # stored photo bytes, memory only
        self.comments: list[Any] = []  # app.emulator.comments.Comment, memory only

    # ------------------------------------------------------------------ ids and records
    def new_id(self, kind: str) -> str:
        if kind.startswith("md_"):
            self.sequences[kind] = self.sequences.get(kind, 0) + 1
            return str(ID_BASES[kind] + self.sequences[kind])
        self.counter += 1
        if kind == "li_user":
            return f"EmuMember{self.counter:04d}"
        return str(ID_BASES[kind] + self.counter)

    def add_post(self, post: Post) -> Post:
        self.posts.append(post)
        self.index[(post.platform, post.external_id)] = post
        for alias in post.extra.get("aliases", ()):  # e.g. a Facebook video id
            self.index.setdefault((post.platform, alias), post)
        key = (post.platform, post.account, post.text, post.extra.get("link"))
        self.same_text[key] = post
        return post

    def last_same_text(
        self, platform: str, account: str, text: str, link: str | None = None
    ) -> Post | None:
        """The latest post of this account with exactly this text (and link)."""
        return self.same_text.get((platform, account, text, link))

    def post(self, platform: str, external_id: str) -> Post | None:
        return self.index.get((platform, external_id))

    def add_token(self, token: Token) -> Token:
        self.tokens[token.value] = token
        self.issued.append(token.value)
        return token

    def find_user(
        self, platform: str, *, user_id: str | None = None, handle: str | None = None
    ) -> User | None:
        if user_id is not None:
            return self.users.get(f"{platform}:{user_id}")
        wanted = (handle or "").strip().lower()
        for user in self.users.values():
            if user.platform == platform and wanted in (user.handle.lower(), user.name.lower()):
                return user
        return None

    def add_user(self, user: User) -> User:
        self.users[f"{user.platform}:{user.id}"] = user
        return user

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "counter": self.counter,
            "sequences": dict(self.sequences),
            "clock_offset": self.clock_offset,
            "users": {k: asdict(v) for k, v in self.users.items()},
            "tokens": {k: asdict(v) for k, v in self.tokens.items()},
            "issued": list(self.issued),
            "codes": {k: asdict(v) for k, v in self.codes.items()},
            "posts": [asdict(p) for p in self.posts],
            "containers": {k: asdict(v) for k, v in self.containers.items()},
            "uploads": {k: asdict(v) for k, v in self.uploads.items()},
            "limits": self.limits.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> State:
        state = cls()
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported emulator state format {data.get('format')!r}")
        state.counter = int(data.get("counter", 0))
        state.sequences = {str(k): int(v) for k, v in data.get("sequences", {}).items()}
        state.clock_offset = float(data.get("clock_offset", 0.0))
        state.users = _load_records(User, data.get("users", {}))
        state.tokens = _load_records(Token, data.get("tokens", {}))
        state.issued = list(data.get("issued", []))
        state.codes = _load_records(AuthCode, data.get("codes", {}))
        posts = _load_records(Post, {str(i): p for i, p in enumerate(data.get("posts", []))})
        for post in posts.values():
            state.add_post(post)
        state.containers = _load_records(Container, data.get("containers", {}))
        state.uploads = _load_records(Upload, data.get("uploads", {}))
        state.limits = RateLimiter.from_dict(data.get("limits", {}))
        return state

    @classmethod
    def load(cls, path: Path) -> State | None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return cls.from_dict(json.loads(text))


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)  # atomic; no fsync: it guards a process crash, not power loss
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
