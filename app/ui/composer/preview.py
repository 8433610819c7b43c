"""A plain preview of each platform's post: what the platform shows before "more", links as
the platform renders them (X shortens them, Instagram captions don't link), media first."""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser

from app.core.posts import MediaFacts
from app.platforms.names import Platform
from app.ui.composer.rules import count, limit

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
TAG = re.compile(r"(?<![\w&])([#@][\w.]+)")
# What the platform shows before cutting the text with a "more" link.
FOLD_AT = {Platform.INSTAGRAM: 125, Platform.LINKEDIN: 210, Platform.FACEBOOK: 480}
MORE = {
    Platform.INSTAGRAM: "… more",
    Platform.LINKEDIN: "…see more",
    Platform.FACEBOOK: "… See more",
}


def _shorten(url: str) -> str:
    bare = re.sub(r"^https?://(www\.)?", "", url)
    return bare if len(bare) <= 23 else bare[:22] + "…"


def _decorate(text: str, platform: Platform) -> str:
    """Escape and colour links, hashtags and mentions the way the platform does."""
    out = []
    pos = 0
    for m in URL.finditer(text):
        out.append(_tags(text[pos : m.start()]))
        url = m.group(0)
        if platform == Platform.INSTAGRAM:  # not clickable in captions: plain text
            out.append(html.escape(url))
        elif platform == Platform.TWITTER:
            out.append(f'<span style="color:#1d9bf0">{html.escape(_shorten(url))}</span>')
        else:
            out.append(f'<span style="color:#0a66c2">{html.escape(url)}</span>')
        pos = m.end()
    out.append(_tags(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def _tags(text: str) -> str:
    escaped = html.escape(text)
    return TAG.sub(r'<span style="color:#2563eb">\1</span>', escaped)


def render(platform: Platform, handle: str, text: str, media: list[MediaFacts]) -> str:
    name = html.escape(handle)
    parts = [
        '<div style="margin-bottom:12px">',
        f'<p style="margin:0"><b>{html.escape(platform.label)}</b> '
        f'<span style="color:#6b7280">{name}</span></p>',
    ]
    images = [m for m in media if m.mime.startswith("image/") and Path(m.path).is_file()]
    if platform == Platform.INSTAGRAM and media:
        parts.append(_media_html(images, media, width=220))
    body = text
    tail = ""
    if platform == Platform.TWITTER:
        over = count(platform, text) - limit(platform)
        if over > 0:
            tail = (
                '<p style="color:#b91c1c;margin:4px 0 0 0">'
                + html.escape(f"X will refuse this post: {over} characters too many.")
                + "</p>"
            )
    elif platform in FOLD_AT and len(text) > FOLD_AT[platform]:
        body = text[: FOLD_AT[platform]].rstrip()
        tail = f'<span style="color:#6b7280">{html.escape(MORE[platform])}</span>'
    if platform == Platform.INSTAGRAM:
        caption = f"<b>{name}</b> {_decorate(body, platform)}{tail}"
        parts.append(f'<p style="margin:6px 0 0 0">{caption}</p>')
    else:
        parts.append(f'<p style="margin:6px 0 0 0">{_decorate(body, platform)}{tail}</p>')
        if media:
            parts.append(_media_html(images, media, width=220))
    if platform == Platform.INSTAGRAM and not media:
        parts.append('<p style="color:#b91c1c">Instagram posts need a photo or video.</p>')
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

    def show_posts(self, items: list[tuple[Platform, str, str]], media: list[MediaFacts]) -> None:
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
