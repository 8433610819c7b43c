"""Rich-text facets (app.bsky.richtext.facet): links, mentions and hashtags with UTF-8 byte
offsets (`byteStart` inclusive, `byteEnd` exclusive). Bluesky links nothing by itself: text
without a facet is plain text.

Links come from Herald's link finder (the same one the composer uses); a mention becomes a
facet only when its handle resolves to a DID (`resolve`, None when it does not).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from app.core.textrules.urls import find_urls

MENTION_RE = re.compile(
    r"(?:^|(?<=[\s(\[{\"'“‘]))@([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+)"
)
SCHEME_URL = re.compile(r"(?:^|(?<=[\s(]))https?://[^\s]+", re.IGNORECASE)
TRAILING_PUNCT = re.compile(r"[.,;:!?)\]}'\"”’]+$")
MAX_TAG = 64

Resolver = Callable[[str], "str | None"]


def byte_index(text: str, char_index: int) -> int:
    """The UTF-8 byte offset of the code point at `char_index`."""
    return len(text[:char_index].encode("utf-8"))


def _span(text: str, start: int, end: int) -> dict[str, int]:
    return {"byteStart": byte_index(text, start), "byteEnd": byte_index(text, end)}


def _trim(raw: str) -> str:
    trimmed = TRAILING_PUNCT.sub("", raw)
    if trimmed.endswith(")") and trimmed.count("(") < trimmed.count(")"):
        trimmed = trimmed[:-1]
    return trimmed


def links(text: str) -> list[tuple[int, int, str]]:
    """(start, end, uri) of each link, as code-point indices. A link with http(s):// is a link
    whatever its domain (as in the Bluesky app); one without a scheme must end in a known
    top-level domain (Herald's link finder) and gets https://."""
    found: list[tuple[int, int, str]] = []
    for m in SCHEME_URL.finditer(text):
        trimmed = _trim(m.group(0))
        if "." in trimmed.split("://", 1)[1]:
            found.append((m.start(), m.start() + len(trimmed), trimmed))
    for url in find_urls(text):
        if any(url.start < end and url.end > start for start, end, _ in found):
            continue
        trimmed = _trim(text[url.start : url.end])
        uri = trimmed if re.match(r"(?i)https?://", trimmed) else f"https://{trimmed}"
        found.append((url.start, url.start + len(trimmed), uri))
    return sorted(found)


def mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, handle) of each @handle that looks like a domain name (alice.bsky.social)."""
    return [
        (m.start(0) + m.group(0).index("@"), m.end(0), m.group(1))
        for m in MENTION_RE.finditer(text)
    ]


def hashtags(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in re.finditer(r"(?:^|(?<=\s))[#＃](\S+)", text):
        tag = TRAILING_PUNCT.sub("", m.group(1))
        if not tag or tag.isdigit() or len(tag) > MAX_TAG or tag.startswith(("#", "＃")):
            continue
        start = m.start(0)
        out.append((start, start + 1 + len(tag), tag))
    return out


def build(text: str, resolve: Resolver | None = None) -> list[dict[str, Any]]:
    """The facets of `text`, in order of their start; overlapping ones keep the first found
    (links before mentions before hashtags: a URL's '#fragment' is no hashtag)."""
    taken: list[tuple[int, int]] = []
    facets: list[tuple[int, dict[str, Any]]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for start, end, uri in links(text):
        if free(start, end):
            taken.append((start, end))
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": uri}
            facets.append((start, {"index": _span(text, start, end), "features": [feature]}))
    for start, end, handle in mentions(text):
        if not free(start, end):
            continue
        did = resolve(handle.lower()) if resolve is not None else None
        if not did:
            continue  # an unknown handle stays plain text, as in the Bluesky app
        taken.append((start, end))
        feature = {"$type": "app.bsky.richtext.facet#mention", "did": did}
        facets.append((start, {"index": _span(text, start, end), "features": [feature]}))
    for start, end, tag in hashtags(text):
        if free(start, end):
            taken.append((start, end))
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": tag}
            facets.append((start, {"index": _span(text, start, end), "features": [feature]}))
    return [facet for _, facet in sorted(facets, key=lambda f: f[0])]


def first_link(text: str) -> str | None:
    found = links(text)
    return found[0][2] if found else None
