"""One spacing scale, one type scale, status colours that mean the same everywhere."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

# Status -> (colour, label). Colour never carries meaning alone: chips also show the label/icon.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "DRAFT": ("#8a94a6", "Draft"),
    "SCHEDULED": ("#3b82f6", "Scheduled"),
    "PUBLISHING": ("#f59e0b", "Publishing"),
    "PUBLISHED": ("#16a34a", "Published"),
    "FAILED": ("#dc2626", "Failed"),
    "ATTENTION": ("#9333ea", "Needs attention"),
}

PLATFORM_ICONS = {
    "TWITTER": ("fa6b.x-twitter", "#111111"),
    "INSTAGRAM": ("fa6b.instagram", "#d62976"),
    "LINKEDIN": ("fa6b.linkedin", "#0a66c2"),
    "FACEBOOK": ("fa6b.facebook", "#1877f2"),
}


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, STATUS_COLOURS["DRAFT"])[0])


def platform_icon(platform: str, colour: str | None = None):
    import qtawesome as qta

    name, brand = PLATFORM_ICONS[str(platform)]
    return qta.icon(name, color=colour or brand)


def icon(name: str, colour: str = "#475569"):
    import qtawesome as qta

    return qta.icon(name, color=colour)


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    qss = resources.files("app.ui").joinpath("style.qss").read_text(encoding="utf-8")
    # Style sheets need a file path for images; the icons folder ships inside the package.
    icons = Path(str(resources.files("app.ui").joinpath("icons"))).as_posix()
    app.setStyleSheet(qss.replace("{icons}", icons))
