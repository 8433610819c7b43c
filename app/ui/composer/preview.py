"""A plain preview of each platform's post: what the platform shows before "more", links as
the platform renders them (X shortens them, Instagram captions don't link), media first."""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser

from app import platforms
from app.core.posts import MediaFacts
from app.platforms.descriptor import PlatformDescriptor
from app.ui.composer.rules import count, limit

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
TAG = re.compile(r"(?<![\w&])([#@][\w.]+)")


def _shorten(url: str) -> str:
    bare = re.sub(r"^https?://(www\.)?", "", url)
    return bare if len(bare) <= 23 else bare[:22] + "…"


def _decorate(text: str, network: PlatformDescriptor) -> str:
    """Escape and colour links, hashtags and mentions the way the network does."""
    out = []
    pos = 0
    for m in URL.finditer(text):
        out.append(_tags(text[pos : m.start()]))
        url = m.group(0)
        if not network.text.links_clickable:  # e.g. Instagram captions: plain text
            out.append(html.escape(url))
        else:
            shown = _shorten(url) if network.preview.shorten_links else url
            colour = network.preview.link_colour
            out.append(f'<span style="color:{colour}">{html.escape(shown)}</span>')
        pos = m.end()
    out.append(_tags(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def _tags(text: str) -> str:
    escaped = html.escape(text)
    return TAG.sub(r'<span style="color:#2563eb">\1</span>', escaped)


def render(platform: str, handle: str, text: str, media: list[MediaFacts]) -> str:
    network = platforms.get(platform)
    style = network.preview
    name = html.escape(handle)
    parts = [
        '<div style="margin-bottom:12px">',
        f'<p style="margin:0"><b>{html.escape(network.display_name)}</b> '
        f'<span style="color:#6b7280">{name}</span></p>',
    ]
    images = [m for m in media if m.mime.startswith("image/") and Path(m.path).is_file()]
    if style.media_first and media:
        parts.append(_media_html(images, media, width=220))
    body = text
    tail = ""
    if style.fold_at is None:
        over = count(platform, text) - limit(platform)
        if over > 0:
            refusal = f"{network.display_name} will refuse this post: {over} characters too many."
            tail = '<p style="color:#b91c1c;margin:4px 0 0 0">' + html.escape(refusal) + "</p>"
    elif len(text) > style.fold_at:
        body = text[: style.fold_at].rstrip()
        tail = f'<span style="color:#6b7280">{html.escape(style.more_label)}</span>'
    if style.media_first:
        caption = f"<b>{name}</b> {_decorate(body, network)}{tail}"
        parts.append(f'<p style="margin:6px 0 0 0">{caption}</p>')
    else:
        parts.append(f'<p style="margin:6px 0 0 0">{_decorate(body, network)}{tail}</p>')
        if media:
            parts.append(_media_html(images, media, width=220))
    if network.media.required and not media:
        needs = f"{network.display_name} posts need a photo or video."
        parts.append(f'<p style="color:#b91c1c">{html.escape(needs)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _media_html(images: list[MediaFacts], media: list[MediaFacts], width: int) -> str:
    if images:
        first = QUrl.fromLocalFile(images[0].path).toString()
        extra = len(media) - 1
        more = f' <span style="color:#6b7280">+{extra}</span>' if extra > 0 else ""
        return f'<p style="margin:6px 0 0 0"><img src="{first}" width="{width}">{more}</p>'
    return f'<p style="color:#6b7280">[{len(media)} video(s)]</p>'


class PreviewPane(QTextBrowser):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPane")
        self.setAccessibleName(self.tr("Preview"))
        self.setOpenLinks(False)
        self.setMinimumWidth(240)
        self._last = ""

    def show_posts(self, items: list[tuple[str, str, str]], media: list[MediaFacts]) -> None:
        if not items:
            page = (
                '<p style="color:#6b7280">'
                + html.escape(self.tr("Choose an account to see how the post will look."))
                + "</p>"
            )
        else:
            page = "<hr>".join(render(p, h, t, media) for p, h, t in items)
        if page != self._last:
            self._last = page
            self.setHtml(page)
