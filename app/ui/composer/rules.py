"""The composer's view of the content rules: per-account results (counter, warnings, ranges to
highlight), cached by text so an unchanged tab costs nothing on the next keystroke."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app import platforms
from app.core import posts
from app.platforms.counting import plain_length


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str  # "error" | "warning"
    message: str
    start: int | None
    end: int | None


@dataclass(frozen=True)
class Result:
    length: int
    limit: int
    issues: tuple[Issue, ...]

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


def limit(platform: str) -> int:
    return platforms.get(platform).text.max_length


def count(platform: str, text: str) -> int:
    """The length as the network counts it (its descriptor says how)."""
    if platforms.get(platform).text.counting == "x_weighted":
        return posts.weighted_length(text)
    return plain_length(text, platforms.get(platform).text.counting)


class RuleCache:
    """validate() results keyed by (platform, text, media); a few entries per account."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._cache: dict[tuple[Any, ...], Result] = {}

    def check(self, platform: str, text: str, media: Sequence[Any]) -> Result:
        key = (platform, text, tuple(getattr(m, "sha256", id(m)) for m in media))
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
            for w in posts.validate(platform, text, list(media))
        )
        result = Result(count(platform, text), limit(platform), issues)
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
