"""The text of a preview as the network's feed prints it: folded behind its "more" label,
links shortened or plain, hashtags and mentions in the link colour, the first link's card.

Pure functions of the text and the network's descriptor (no widget): every difference between
networks is data in `PreviewStyle`, `TextRules` and `MediaRules`."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from app.platforms.descriptor import PlatformDescriptor

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
TAG = re.compile(r"(?<![\w&])([#@][\w.]+)")
WORD = re.compile(r"[A-Za-z0-9]+")


def shorten(url: str, length: int = 23) -> str:
    """A link as a shortener's display form prints it: no scheme or "www.", cut with "…"."""
    bare = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE)
    return bare if len(bare) <= length else bare[: length - 1] + "…"


def fold(text: str, network: PlatformDescriptor) -> tuple[str, bool]:
    """The part of `text` the feed shows before its "more" label, and whether it folded."""
    fold_at = network.preview.fold_at
    if fold_at is None or len(text) <= fold_at:
        return text, False
    return text[:fold_at].rstrip(), True


def decorate(text: str, network: PlatformDescriptor, link_colour: str) -> str:
    """Escaped HTML: links shortened or plain as the network prints them, tags coloured."""
    out = []
    pos = 0
    style = network.preview
    for m in URL.finditer(text):
        out.append(_tags(text[pos : m.start()], link_colour))
        url = m.group(0)
        if not network.text.links_clickable:  # e.g. Instagram captions: plain text
            out.append(html.escape(url))
        else:
            shown = shorten(url, style.short_link_length) if style.shorten_links else url
            out.append(f'<span style="color:{link_colour}">{html.escape(shown)}</span>')
        pos = m.end()
    out.append(_tags(text[pos:], link_colour))
    return "".join(out).replace("\n", "<br>")


def _tags(text: str, colour: str) -> str:
    escaped = html.escape(text)
    return TAG.sub(rf'<span style="color:{colour}">\1</span>', escaped)


def first_link(text: str) -> str | None:
    m = URL.search(text)
    return m.group(0).rstrip(".,;:!?)") if m else None


def card_parts(url: str) -> tuple[str, str]:
    """(domain, title) a link card shows, from the address alone (Herald fetches no page
    while composing): "cornerbakery.example.com", "Order / Pumpkin rye weekend special"."""
    full = url if "://" in url else "https://" + url
    parts = urlsplit(full)
    domain = (parts.hostname or url).removeprefix("www.")
    words = [w for w in parts.path.split("/") if w]
    title = " / ".join(" ".join(WORD.findall(w)).capitalize() for w in words[-2:] if WORD.search(w))
    return domain, title or domain


def link_note(text: str, network: PlatformDescriptor) -> str:
    """ "2 links count as 23 characters each (t.co)" for a network that shortens links."""
    style = network.preview
    if not (style.shorten_links and style.link_shortener and network.text.links_clickable):
        return ""
    links = len(URL.findall(text))
    if not links:
        return ""
    what = "1 link counts" if links == 1 else f"{links} links count"
    each = "" if links == 1 else " each"
    return f"{what} as {style.short_link_length} characters{each} ({style.link_shortener})"


def initials(name: str) -> str:
    """ "Corner Bakery" -> "CB", "@corner.bakery" -> "CB", "@cornerbakery" -> "C"."""
    words = WORD.findall(name)
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or "?"
