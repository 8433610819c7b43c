"""The pictures of a preview, drawn when the preview's document asks for them: an initials
avatar (circle or square), a photo cropped to the network's aspect ratio, a link card's
placeholder. Addresses are `herald-preview:` URLs that the preview's HTML names."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode

from PySide6.QtCore import QRect, QRectF, Qt, QUrl
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath

from app.ui import theme

SCHEME = "herald-preview"


def avatar_url(initials: str, seed: str, shape: str, size: int) -> str:
    query = urlencode({"i": initials, "seed": seed, "shape": shape, "size": size})
    return f"{SCHEME}:avatar?{query}"


def photo_url(path: str, aspects: tuple[tuple[int, int], ...], width: int) -> str:
    shapes = ",".join(f"{w}x{h}" for w, h in aspects)
    return f"{SCHEME}:photo?" + urlencode({"p": path, "a": shapes, "w": width})


def card_url(domain: str, aspect: tuple[int, int], width: int) -> str:
    return f"{SCHEME}:card?" + urlencode({"d": domain, "a": f"{aspect[0]}x{aspect[1]}", "w": width})


def nearest(own: float, aspects: tuple[tuple[int, int], ...]) -> float:
    """The allowed shape (width/height) nearest to the photo's own."""
    return min((w / h for w, h in aspects), key=lambda r: abs(r - own))


def image_for(url: QUrl, cache: dict[str, QImage]) -> QImage | None:
    """The picture a `herald-preview:` address names, drawn once and kept in `cache`."""
    if url.scheme() != SCHEME:
        return None
    key = f"{theme.is_dark()}:{url.toString()}"  # placeholders are drawn in theme colours
    if key in cache:
        return cache[key]
    kind = url.path()
    query = {
        k: v[0] for k, v in parse_qs(url.query(QUrl.ComponentFormattingOption.FullyDecoded)).items()
    }
    if kind == "avatar":
        image = _avatar(query["i"], query["seed"], query["shape"], int(query["size"]))
    elif kind == "photo":
        image = _photo(query["p"], query.get("a", ""), int(query["w"]))
    elif kind == "card":
        image = _card(query["d"], query["a"], int(query["w"]))
    else:
        return None
    cache[key] = image
    return image


def _avatar(letters: str, seed: str, shape: str, size: int) -> QImage:
    scale = 2  # drawn at twice the size: crisp on high-density screens
    image = QImage(size * scale, size * scale, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    rect = QRectF(0, 0, size * scale, size * scale)
    if shape == "square":
        path.addRoundedRect(rect, 4 * scale, 4 * scale)
    else:
        path.addEllipse(rect)
    painter.fillPath(path, QColor(theme.avatar_colour(seed)))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * scale * 0.4))
    painter.setFont(font)
    painter.setPen(theme.colour("on_accent"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, letters)
    painter.end()
    return image


def _photo(path: str, shapes: str, width: int) -> QImage:
    source = QImage(path) if Path(path).is_file() else QImage()
    if source.isNull():
        return _placeholder(width, max(1, width * 9 // 16), "?")
    aspects = tuple(
        (int(w), int(h)) for w, h in (s.split("x") for s in shapes.split(",") if "x" in s)
    )
    own = source.width() / source.height()
    ratio = nearest(own, aspects) if aspects else own
    if ratio > own:  # the frame is wider: crop top and bottom
        h = round(source.width() / ratio)
        crop = QRect(0, (source.height() - h) // 2, source.width(), h)
    else:
        w = round(source.height() * ratio)
        crop = QRect((source.width() - w) // 2, 0, w, source.height())
    height = max(1, round(width / ratio))
    return source.copy(crop).scaled(
        width * 2,
        height * 2,
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def _card(domain: str, shape: str, width: int) -> QImage:
    w, h = (int(n) for n in shape.split("x"))
    return _placeholder(width, max(1, round(width * h / w)), domain[:1].upper())


def _placeholder(width: int, height: int, letter: str) -> QImage:
    image = QImage(width * 2, height * 2, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(theme.colour("line"))
    painter = QPainter(image)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(12, height))
    painter.setFont(font)
    painter.setPen(theme.colour("faint"))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, letter)
    painter.end()
    return image
