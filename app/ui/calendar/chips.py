"""How a post looks on the calendar: a chip with the status colour, a status icon (never colour
alone), the local time, platform icons and an excerpt. Pixmaps are cached: painting a month of
posts draws cached bitmaps, it never rebuilds an icon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from PySide6.QtCore import QCoreApplication, QLocale, QPointF, QRectF, Qt, QTime
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap, QStaticText

from app.core.posts import PostSummary
from app.ui import theme

STATUS_ICONS = {
    "DRAFT": "fa5s.pencil-alt",
    "SCHEDULED": "fa5s.clock",
    "PUBLISHING": "fa5s.paper-plane",
    "PUBLISHED": "fa5s.check-circle",
    "FAILED": "fa5s.exclamation-circle",
    "ATTENTION": "fa5s.hand-paper",
}


def status_label(status: str) -> str:
    label = theme.STATUS_COLOURS.get(status, theme.STATUS_COLOURS["DRAFT"])[1]
    return QCoreApplication.translate("Calendar", label)


@lru_cache(maxsize=64)
def status_pixmap(status: str, size: int) -> QPixmap:
    colour = theme.STATUS_COLOURS.get(status, theme.STATUS_COLOURS["DRAFT"])[0]
    return theme.icon(STATUS_ICONS.get(status, STATUS_ICONS["DRAFT"]), colour).pixmap(size, size)


@lru_cache(maxsize=64)
def platform_pixmap(platform: str, size: int) -> QPixmap:
    return theme.platform_icon(platform).pixmap(size, size)


@lru_cache(maxsize=16)
def tint(status: str) -> QColor:
    colour = QColor(theme.STATUS_COLOURS.get(status, theme.STATUS_COLOURS["DRAFT"])[0])
    # Mix with the surface instead of alpha, so the chip reads the same on any cell colour;
    # on dark surfaces a little more of the status colour shows.
    base = theme.colour("surface")
    share = 0.24 if theme.is_dark() else 0.14
    r, g, b = (
        int(c * share + s * (1 - share))
        for c, s in zip(
            (colour.red(), colour.green(), colour.blue()),
            (base.red(), base.green(), base.blue()),
            strict=True,
        )
    )
    return QColor(r, g, b)


def clear_caches() -> None:
    """The theme changed: tints and icons were drawn for the other one."""
    tint.cache_clear()
    status_pixmap.cache_clear()
    platform_pixmap.cache_clear()
    line_style.cache_clear()


@lru_cache(maxsize=32)
def line_style(status: str, dark: bool) -> tuple[QColor, QColor, QPixmap, float]:
    """A one-line chip's tint, status colour, status icon and the icon's width, looked up once
    per status (and theme) instead of once per chip and paint."""
    del dark  # part of the cache key: the tint and icon follow the theme
    pix = status_pixmap(status, 12)
    return tint(status), theme.status_colour(status), pix, pix.deviceIndependentSize().width()


@lru_cache(maxsize=2048)
def _static_time(text: str, font_key: str) -> QStaticText:
    del font_key  # the font the text was laid out for (cache key)
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    return static


def format_time(local: datetime) -> str:
    return _time_text(local.hour, local.minute)


@lru_cache(maxsize=1440)
def _time_text(hour: int, minute: int) -> str:
    """The system locale's short time (09:30 or 9:30 AM), cached per minute of the day."""
    text = QLocale().toString(QTime(hour, minute), QLocale.FormatType.ShortFormat)
    return text.replace(":00 ", " ") if len(text) > 6 else text


def describe(post: PostSummary, local: datetime | None) -> str:
    """What a screen reader and the tooltip say about a chip."""
    when = f"{local:%a %d %b %H:%M}" if local else QCoreApplication.translate("Calendar", "No time")
    platforms = ", ".join(p.label for p in post.platforms) or QCoreApplication.translate(
        "Calendar", "no accounts"
    )
    parts = [f"{status_label(post.display_status)} — {when}", platforms, post.excerpt]
    parts += post.failed_reasons
    return "\n".join(p for p in parts if p)


@dataclass
class Chip:
    post: PostSummary
    local: datetime  # wall time in the displayed zone
    rect: QRectF


class ChipPainter:
    """Paints chips in two densities: one line (month) or two lines (week/day)."""

    def __init__(self, font: QFont) -> None:
        self.font = QFont(font)
        self.small = QFont(font)
        self.small.setPixelSize(11)
        self.bold_small = QFont(self.small)
        self.bold_small.setWeight(QFont.Weight.DemiBold)
        self.fm = QFontMetrics(self.small)
        self.bold_fm = QFontMetrics(self.bold_small)
        self._font_key = self.bold_small.key()
        # where AlignVCenter in an 18 px line puts the top of a line of the bold font
        self._time_dy = (18.0 - self.bold_fm.height()) / 2
        self._text_dy = (18.0 - self.fm.height()) / 2
        # A post's excerpt elided to its room, laid out once: months are visited again and
        # again (next, previous), and the chips of a month mostly share a few widths.
        self.excerpt_text = lru_cache(maxsize=4096)(self._excerpt_text)

    def _excerpt_text(self, excerpt: str, width: int) -> QStaticText:
        static = QStaticText(self.fm.elidedText(excerpt, Qt.TextElideMode.ElideRight, width))
        static.setTextFormat(Qt.TextFormat.PlainText)
        return static

    def paint_lines(self, p: QPainter, chips: list[Chip], marked) -> None:
        """One-line chips (the month), the same pixels as paint(two_lines=False) for each, with
        the per-chip Python work cut down (issue 20: a month of chips in a few ms): status
        look-ups once per status, the time as cached static text, fonts set once per pass."""
        dark = theme.is_dark()
        ink = theme.colour("text")
        ring = theme.colour("accent_strong")
        line_h = 18.0
        no_pen = Qt.PenStyle.NoPen
        for chip in chips:
            post = chip.post
            r = chip.rect
            left, top_r, width, height = r.left(), r.top(), r.width(), r.height()
            tinted, colour, status_pix, status_w = line_style(post.display_status, dark)
            p.setPen(no_pen)
            p.setBrush(tinted)
            p.drawRoundedRect(r, 4, 4)
            p.setBrush(colour)
            p.drawRoundedRect(QRectF(left, top_r, 3, height), 1.5, 1.5)
            if marked(post.id):
                pen = p.pen()
                pen.setStyle(Qt.PenStyle.SolidLine)
                pen.setColor(ring)
                pen.setWidthF(2)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(r.adjusted(1, 1, -1, -1), 4, 4)
            top = top_r + (height - line_h) / 2
            right = left + width - 4
            x = left + 7
            icon_y = int(top + (line_h - 12) / 2)
            p.drawPixmap(int(x), icon_y, status_pix)
            x += status_w + 4
            p.setPen(ink)
            time_text = format_time(chip.local)
            tw = self.bold_fm.horizontalAdvance(time_text)
            if x + tw < right:
                p.setFont(self.bold_small)
                p.drawStaticText(
                    QPointF(x, top + self._time_dy), _static_time(time_text, self._font_key)
                )
                x += tw + 5
            for platform in post.platforms:
                if x + 12 > right:
                    break
                pix = platform_pixmap(str(platform), 12)
                size = pix.deviceIndependentSize()
                p.drawPixmap(int(x), int(top + (line_h - size.height()) / 2), pix)
                x += size.width() + 3
            if x + 16 < right:
                p.setFont(self.small)
                excerpt = self.excerpt_text(post.excerpt, int(right - x))
                p.drawStaticText(QPointF(x, top + self._text_dy), excerpt)

    def paint(self, p: QPainter, chip: Chip, *, selected: bool, two_lines: bool) -> None:
        post = chip.post
        r = chip.rect
        status = post.display_status
        colour = theme.status_colour(status)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(tint(status))
        p.drawRoundedRect(r, 4, 4)
        p.setBrush(colour)
        p.drawRoundedRect(QRectF(r.left(), r.top(), 3, r.height()), 1.5, 1.5)
        if selected:
            pen = p.pen()
            pen.setStyle(Qt.PenStyle.SolidLine)
            pen.setColor(theme.colour("accent_strong"))
            pen.setWidthF(2)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(r.adjusted(1, 1, -1, -1), 4, 4)
        line_h = 18.0
        x = r.left() + 7
        top = r.top() + (1 if two_lines else (r.height() - line_h) / 2)
        right = r.right() - 4
        x = self._icon(p, status_pixmap(status, 12), x, top, line_h)
        p.setPen(theme.colour("text"))
        p.setFont(self.bold_small)
        time_text = format_time(chip.local)
        tw = self.bold_fm.horizontalAdvance(time_text)
        if x + tw < right:
            p.drawText(QRectF(x, top, tw + 1, line_h), Qt.AlignmentFlag.AlignVCenter, time_text)
            x += tw + 5
        for platform in post.platforms:
            if x + 12 > right:
                break
            x = self._icon(p, platform_pixmap(str(platform), 12), x, top, line_h, gap=3)
        p.setFont(self.small)
        if two_lines and r.height() >= 36:
            if r.width() > 220:  # room for the status in words too
                label = status_label(status)
                lw = self.fm.horizontalAdvance(label)
                if x + lw + 8 < right:
                    status_text = theme.status_colour(status)
                    p.setPen(
                        status_text.lighter(140) if theme.is_dark() else status_text.darker(130)
                    )
                    p.drawText(
                        QRectF(right - lw, top, lw, line_h), Qt.AlignmentFlag.AlignVCenter, label
                    )
            p.setPen(theme.colour("text"))
            text_rect = QRectF(r.left() + 7, top + line_h, r.width() - 11, line_h)
            lines = max(1, int((r.bottom() - text_rect.top() - 2) // line_h))
            text_rect.setHeight(line_h * lines)
            excerpt = self.fm.elidedText(
                post.excerpt, Qt.TextElideMode.ElideRight, int(text_rect.width()) * lines - 8
            )
            flags = Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            p.drawText(text_rect, int(flags), excerpt)
        elif x + 16 < right:
            p.setPen(theme.colour("text"))
            text = self.fm.elidedText(post.excerpt, Qt.TextElideMode.ElideRight, int(right - x))
            p.drawText(QRectF(x, top, right - x, line_h), Qt.AlignmentFlag.AlignVCenter, text)

    @staticmethod
    def _icon(
        p: QPainter, pix: QPixmap, x: float, top: float, line_h: float, gap: float = 4
    ) -> float:
        size = pix.deviceIndependentSize()
        p.drawPixmap(int(x), int(top + (line_h - size.height()) / 2), pix)
        return x + size.width() + gap
