"""The composer's preview: the post as each chosen account's feed would show it (avatar, name
and handle, the text folded where the network folds it, links as it prints them, the first
link's card, photos cropped to its shapes, its action bar), one account at a time, switchable.

Every difference between networks is data (`PreviewStyle` in the descriptor): this module
names no network. Text rules are in preview_text.py, pictures in preview_images.py."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QComboBox, QTextBrowser, QVBoxLayout, QWidget

from app import platforms
from app.core.posts import MediaFacts
from app.ui import theme
from app.ui.composer import preview_text as pt
from app.ui.composer.preview_images import avatar_url, card_url, image_for, nearest, photo_url
from app.ui.composer.rules import count, limit

AVATAR = 36


@dataclass(frozen=True)
class PreviewItem:
    """One chosen account and its version of the text."""

    account_id: int
    platform: str
    handle: str
    text: str
    name: str = ""


def account_name(handle: str, settings: Mapping[str, Any], fallback: str) -> str:
    """The name a feed shows above the handle: the account's own if the network told Herald,
    else the handle when it is a name ("Corner Bakery"), else `fallback` (the workspace)."""
    own = settings.get("display_name") or settings.get("name")
    if isinstance(own, str) and own.strip():
        return own.strip()
    return handle if not handle.startswith("@") else (fallback or handle)


def preview_item(tab: Any, fallback_name: str) -> PreviewItem:
    """The preview of one composer tab (an AccountTab: its account and its text)."""
    account = tab.account
    name = account_name(account.handle, getattr(account, "settings", {}) or {}, fallback_name)
    return PreviewItem(account.id, str(account.platform), account.handle, tab.text(), name)


def render(
    platform: str,
    handle: str,
    text: str,
    media: list[MediaFacts],
    *,
    name: str = "",
    width: int = 260,
    photo_height: int | None = None,
) -> str:
    """The post as `platform`'s feed shows it, `width` pixels wide; a photo is made narrower
    when needed to stay within `photo_height` (so the text under it stays in view)."""
    network = platforms.get(platform)
    style = network.preview
    muted = theme.hex_of("muted")
    link = theme.readable(style.link_colour)
    parts = ['<div style="margin-bottom:12px">', _author(platform, handle, name or handle)]
    photos = [m for m in media if m.mime.startswith("image/")]
    if style.media_first and media:
        parts.append(
            _media_html(
                photos,
                media,
                _photo_width(photos, width, photo_height, style.image_aspects),
                style.image_aspects,
            )
        )
    body, folded = pt.fold(text, network)
    tail = f'<span style="color:{muted}">{html.escape(style.more_label)}</span>' if folded else ""
    decorated = pt.decorate(body, network, link)
    if not text.strip():
        empty = html.escape("Your text will appear here.")
        decorated = f'<span style="color:{theme.hex_of("faint")}"><i>{empty}</i></span>'
    if style.media_first:
        author = html.escape(_shown_handle(handle, style.identity, name or handle))
        if media:
            parts.append(_actions(style.actions))
        parts.append(f'<p style="margin:6px 0 0 0"><b>{author}</b> {decorated}{tail}</p>')
    else:
        parts.append(f'<p style="margin:8px 0 0 0">{decorated}{tail}</p>')
    note = pt.link_note(text, network)
    if note:
        parts.append(f'<p style="margin:4px 0 0 0;color:{muted};font-size:small">{note}</p>')
    if style.fold_at is None:
        over = count(platform, text) - limit(platform)
        if over > 0:
            refusal = f"{network.display_name} will refuse this post: {over} characters too many."
            parts.append(_problem(refusal))
    if not style.media_first:
        if media:
            parts.append(
                _media_html(
                    photos,
                    media,
                    _photo_width(photos, width, photo_height, style.image_aspects),
                    style.image_aspects,
                )
            )
        elif style.link_card and network.text.links_clickable and pt.first_link(text):
            parts.append(_card(pt.first_link(text) or "", style.card_aspect, width))
        parts.append(_actions(style.actions))
    if network.media.required and not media:
        parts.append(_problem(f"{network.display_name} posts need a photo or video."))
    parts.append("</div>")
    return "".join(parts)


def _shown_handle(handle: str, identity: str, name: str) -> str:
    if identity == "handle":
        return handle.removeprefix("@")
    return name if identity == "name" else handle


def _author(platform: str, handle: str, name: str) -> str:
    network = platforms.get(platform)
    style = network.preview
    muted = theme.hex_of("muted")
    shown = handle.removeprefix("@") if style.identity == "handle" else name
    avatar = avatar_url(pt.initials(shown), handle, style.avatar_shape, AVATAR)
    lines = [f"<b>{html.escape(shown)}</b>"]
    small = []
    if style.identity == "name_and_handle" and handle != name:
        small.append(html.escape(handle))
    if style.time_label:
        small.append(html.escape(style.time_label))
    if small:
        lines.append(f'<span style="color:{muted}">{" · ".join(small)}</span>')
    title = f"{network.display_name}: {shown}"
    return (
        '<table cellspacing="0" cellpadding="0"><tr>'
        f'<td width="{AVATAR + 8}" valign="middle"><img src="{avatar}" width="{AVATAR}" '
        f'height="{AVATAR}" title="{html.escape(title)}"></td>'
        f'<td valign="middle">{"<br>".join(lines)}</td></tr></table>'
    )


def _media_html(
    photos: list[MediaFacts],
    media: list[MediaFacts],
    width: int,
    aspects: tuple[tuple[int, int], ...],
) -> str:
    muted = theme.hex_of("muted")
    if not photos:
        return f'<p style="color:{muted}">[{len(media)} video(s)]</p>'
    src = photo_url(photos[0].path, aspects, width)
    extra = len(media) - 1
    more = f'<br><span style="color:{muted}">+{extra} more</span>' if extra > 0 else ""
    return f'<p style="margin:8px 0 0 0"><img src="{html.escape(src)}" width="{width}">{more}</p>'


def _photo_width(
    photos: list[MediaFacts],
    width: int,
    height: int | None,
    aspects: tuple[tuple[int, int], ...],
) -> int:
    if not photos or height is None:
        return width
    first = photos[0]
    own = (first.width or 1) / (first.height or 1) if first.width and first.height else 1.0
    ratio = nearest(own, aspects) if aspects else own
    return max(120, min(width, int(height * ratio)))


def _card(url: str, aspect: tuple[int, int], width: int) -> str:
    domain, title = pt.card_parts(url)
    src = card_url(domain, aspect, width - 2)
    bg, muted = theme.hex_of("outside"), theme.hex_of("muted")
    return (
        f'<table width="100%" cellspacing="0" cellpadding="0" bgcolor="{bg}" '
        f'style="margin-top:8px"><tr><td><img src="{html.escape(src)}" width="{width - 2}"></td>'
        f'</tr><tr><td style="padding:6px 8px"><span style="color:{muted};font-size:small">'
        f"{html.escape(domain)}</span><br><b>{html.escape(title)}</b></td></tr></table>"
    )


def _actions(actions: tuple[str, ...]) -> str:
    if not actions:
        return ""
    muted = theme.hex_of("muted")
    cells = "".join(
        f'<td style="color:{muted};padding-right:14px">{html.escape(a)}</td>' for a in actions
    )
    return f'<table cellspacing="0" cellpadding="0" style="margin-top:8px"><tr>{cells}</tr></table>'


def _problem(message: str) -> str:
    colour = theme.hex_of("error_text")
    return f'<p style="color:{colour};margin:6px 0 0 0">{html.escape(message)}</p>'


class PreviewPane(QWidget):
    """The account switcher (previewAccountSwitcher) over the feed (previewPane)."""

    switched = Signal(int)  # account id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPanel")
        self.switcher = QComboBox(self)
        self.switcher.setObjectName("previewAccountSwitcher")
        self.switcher.setAccessibleName(self.tr("Preview as account"))
        self.switcher.setToolTip(self.tr("Which account's feed the preview imitates"))
        self.switcher.activated.connect(self._on_switched)
        self.browser = _FeedBrowser(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.switcher)
        layout.addWidget(self.browser, 1)
        self._items: list[PreviewItem] = []
        self._media: list[MediaFacts] = []
        self._chosen: int | None = None
        self._tab: int | None = None  # the account of the composer's open tab, if any
        self._last = ""
        self.setMinimumWidth(240)

    def current_account(self) -> int | None:
        data = self.switcher.currentData()
        return int(data) if data is not None else None

    def show_posts(
        self, items: list[PreviewItem], media: list[MediaFacts], current: int | None = None
    ) -> None:
        """Preview `items` (one per chosen account); `current`: the account to show (the
        composer's open tab, when it changes), else the one chosen in the switcher, else the
        first."""
        self._items, self._media = list(items), list(media)
        if current != self._tab:  # the composer's tab changed: show that account
            self._tab = current
            if current is not None:
                self._chosen = current
        ids = [i.account_id for i in items]
        if [self.switcher.itemData(k) for k in range(self.switcher.count())] != ids or any(
            self.switcher.itemText(k) != _label(i) for k, i in enumerate(items)
        ):
            self.switcher.blockSignals(True)
            self.switcher.clear()
            for item in items:
                self.switcher.addItem(
                    theme.platform_icon(item.platform), _label(item), item.account_id
                )
            self.switcher.blockSignals(False)
        self.switcher.setVisible(bool(items))
        self.switcher.setEnabled(len(items) > 1)
        if self._chosen in ids:
            self.switcher.setCurrentIndex(ids.index(self._chosen))
        self._show()

    def _on_switched(self, index: int) -> None:
        self._chosen = self.switcher.itemData(index)
        self._show()
        if self._chosen is not None:
            self.switched.emit(int(self._chosen))

    def _show(self) -> None:
        index = self.switcher.currentIndex()
        if not self._items or index < 0:
            muted = theme.hex_of("muted")
            hint = self.tr("Choose an account to see how the post will look.")
            page = f'<p style="color:{muted}">{html.escape(hint)}</p>'
        else:
            width = max(160, self.browser.viewport().width() - 16)
            height = max(120, self.browser.viewport().height() // 2)
            page = render_item(self._items[index], self._media, width, height)
        if page != self._last:
            self._last = page
            self.browser.setHtml(page)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._show()


def render_item(
    item: PreviewItem, media: list[MediaFacts], width: int = 260, photo_height: int | None = None
) -> str:
    return render(
        item.platform,
        item.handle,
        item.text,
        media,
        name=item.name,
        width=width,
        photo_height=photo_height,
    )


def _label(item: PreviewItem) -> str:
    network = platforms.get(item.platform).display_name
    return f"{network} · {item.handle}"


class _FeedBrowser(QTextBrowser):
    """Draws the `herald-preview:` pictures (avatars, cropped photos, link cards)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("previewPane")
        self.setAccessibleName(self.tr("Preview"))
        self.setOpenLinks(False)
        self._images: dict[str, QImage] = {}

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        if kind == QTextDocument.ResourceType.ImageResource.value:
            image = image_for(QUrl(url), self._images)
            if image is not None:
                return image
        return super().loadResource(kind, url)
