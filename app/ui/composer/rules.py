"""The composer's view of the content rules: per-account results (counter, warnings, ranges to
highlight), cached by text so an unchanged tab costs nothing on the next keystroke."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app import platforms
from app.core import posts


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str  # "error" | "warning"
    message: str
    start: int | None
    end: int | None


#: the byte count joins the counter once a text uses this share of the network's byte cap
BYTES_SHOWN_FROM = 0.8


@dataclass(frozen=True)
class Result:
    length: int
    limit: int
    issues: tuple[Issue, ...]
    #: the UTF-8 size and its cap, for a network that caps both (Bluesky: 3,000 bytes)
    size: int | None = None
    max_bytes: int | None = None

    def counter_text(self, network: str) -> str:
        """ "Bluesky 120 / 300", with "· 2,650 / 3,000 bytes" once the bytes come near."""
        text = f"{network} {self.length:,} / {self.limit:,}"
        if (
            self.max_bytes
            and self.size is not None
            and self.size >= self.max_bytes * BYTES_SHOWN_FROM
        ):
            text += f" · {self.size:,} / {self.max_bytes:,} bytes"
        return text

    @property
    def length_state(self) -> str:
        """By length (and bytes) only: "over", "near" or "ok"."""
        over_bytes = bool(self.max_bytes and self.size is not None and self.size > self.max_bytes)
        if self.length > self.limit or over_bytes:
            return "over"
        near_bytes = bool(self.max_bytes and (self.size or 0) > self.max_bytes * 0.9)
        if self.length > self.limit * 0.9 or near_bytes:
            return "near"
        return "ok"

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def state(self) -> str:
        if self.length > self.limit or self.errors:
            return "over" if self.length > self.limit else "error"
        if self.length > self.limit * 0.9:
            return "near"
        return "ok"


def limit(platform: str, settings: Mapping[str, Any] | None = None) -> int:
    """The network's limit, or the account's own (its server's) when it has one."""
    return posts.rules_for_account(platform, settings).max_length


def count(platform: str, text: str, settings: Mapping[str, Any] | None = None) -> int:
    """The length as the network counts it (its descriptor says how)."""
    return posts.counted_length(posts.rules_for_account(platform, settings), text)


class RuleCache:
    """validate() results keyed by (platform, text, media); a few entries per account."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._cache: dict[tuple[Any, ...], Result] = {}

    def check(
        self,
        platform: str,
        text: str,
        media: Sequence[Any],
        settings: Mapping[str, Any] | None = None,
    ) -> Result:
        limits = repr(sorted((settings or {}).get(posts.ACCOUNT_LIMITS, {}).items()))
        key = (platform, text, tuple(getattr(m, "sha256", id(m)) for m in media), limits)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        issues = tuple(
            Issue(
                code=str(getattr(w, "code", "")),
                severity=str(getattr(w, "severity", "warning")),
                message=str(getattr(w, "message", w)),
                start=getattr(w, "start", None),
                end=getattr(w, "end", None),
            )
            for w in posts.validate(platform, text, list(media), settings)
        )
        max_bytes = platforms.get(platform).text.max_bytes
        size = posts.utf8_length(text) if max_bytes else None
        result = Result(
            count(platform, text, settings), limit(platform, settings), issues, size, max_bytes
        )
        if len(self._cache) >= self._size:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = result
        return result


def utf16_offsets(text: str, start: int, end: int) -> tuple[int, int]:
    """Python string offsets -> QTextDocument positions (UTF-16 code units)."""
    if text.isascii() or all(ord(c) <= 0xFFFF for c in text[:end]):
        return start, end

    def conv(i: int) -> int:
        return i + sum(1 for c in text[:i] if ord(c) > 0xFFFF)

    return conv(start), conv(end)
