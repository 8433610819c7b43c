"""Link cards (app.bsky.embed.external): the client fetches the page's Open Graph title and
description itself; the PDS does not unfurl. Best effort: a card that cannot be built is
left out, never a reason to fail the post."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from typing import Any

import httpx

log = logging.getLogger(__name__)

#: url -> {"title": ..., "description": ...} or None; injectable (tests, no network)
CardFetcher = Callable[[str], "dict[str, str] | None"]

_META = re.compile(r"<meta\s+[^>]*>", re.I)
_ATTR = re.compile(r"""([a-zA-Z:_-]+)\s*=\s*("([^"]*)"|'([^']*)')""")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
MAX_PAGE = 512 * 1024


def parse_open_graph(page: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in _META.findall(page):
        attrs = {m.group(1).lower(): (m.group(3) or m.group(4) or "") for m in _ATTR.finditer(tag)}
        key = attrs.get("property") or attrs.get("name") or ""
        if key in ("og:title", "og:description", "description") and "content" in attrs:
            found.setdefault(key, html.unescape(attrs["content"]).strip())
    title = found.get("og:title")
    if not title:
        m = _TITLE.search(page)
        title = html.unescape(m.group(1)).strip() if m else ""
    return {
        "title": " ".join(title.split())[:300],
        "description": " ".join(
            (found.get("og:description") or found.get("description") or "").split()
        )[:1000],
    }


def fetch_card(url: str, *, timeout: float = 5.0) -> dict[str, str] | None:
    """The page's title and description over plain HTTP(S), or None."""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            resp = client.get(url, headers={"User-Agent": "Herald link preview"})
        if resp.status_code != 200 or "html" not in resp.headers.get("content-type", ""):
            return None
        return parse_open_graph(resp.content[:MAX_PAGE].decode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - a card is optional; nothing about it may fail a post
        log.info("no link card for a post: the page could not be read")
        return None


def external_embed(url: str, fetcher: CardFetcher) -> dict[str, Any] | None:
    try:
        card = fetcher(url)
    except Exception:  # noqa: BLE001 - an injected fetcher's bug must not fail a post either
        card = None
    if not card:
        return None
    return {
        "$type": "app.bsky.embed.external",
        "external": {
            "uri": url,
            "title": card.get("title") or url,
            "description": card.get("description") or "",
        },
    }
