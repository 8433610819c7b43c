"""One spacing scale, one type scale, status colours that mean the same everywhere, and the
light and dark palettes.

Colours are named by role ("surface", "text", "line"...) and looked up in the current palette:
style.qss writes `{surface}`, painting code calls `colour("surface")`, so one switch of
`apply_theme` re-colours both. The mode is "light", "dark" or "system" (follow the desktop's
colour scheme, and keep following it while Herald runs)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app import platforms

MODES = ("system", "light", "dark")

# role -> (light, dark). The navigation bar is dark in both themes.
ROLES: dict[str, tuple[str, str]] = {
    "window": ("#f6f7fb", "#0f172a"),
    "surface": ("#ffffff", "#1e293b"),
    "text": ("#1f2937", "#e5e7eb"),
    "strong": ("#111827", "#f8fafc"),
    "body": ("#374151", "#d1d5db"),
    "status": ("#4b5563", "#cbd5e1"),
    "muted": ("#6b7280", "#94a3b8"),
    "faint": ("#9ca3af", "#64748b"),
    "border": ("#d1d5db", "#475569"),
    "line": ("#e5e7eb", "#334155"),
    "hairline": ("#eef0f3", "#243147"),
    "hover": ("#f3f4f6", "#334155"),
    "outside": ("#f9fafb", "#162032"),
    "accent": ("#2563eb", "#3b82f6"),
    "accent_strong": ("#1d4ed8", "#93c5fd"),
    "accent_soft": ("#eff6ff", "#1e3a5f"),
    "today_bg": ("#f5f9ff", "#17233b"),
    "on_accent": ("#ffffff", "#ffffff"),
    "accent_hover": ("#1d4ed8", "#2563eb"),
    "primary_disabled": ("#93c5fd", "#263449"),
    "primary_disabled_text": ("#ffffff", "#7c8aa0"),
    "tooltip_bg": ("#111827", "#f1f5f9"),
    "tooltip_fg": ("#f9fafb", "#0f172a"),
    "nav": ("#111827", "#020617"),
    "nav_hover": ("#1f2937", "#1e293b"),
    "nav_text": ("#cbd5e1", "#cbd5e1"),
    "nav_title": ("#f9fafb", "#f9fafb"),
    "nav_focus": ("#60a5fa", "#60a5fa"),
    "banner_bg": ("#fef3c7", "#422006"),
    "banner_border": ("#f59e0b", "#b45309"),
    "warning_text": ("#b45309", "#fbbf24"),
    "error_text": ("#b91c1c", "#f87171"),
    "now": ("#dc2626", "#f87171"),
    # icons and marks that carry a state (always with text or a tooltip beside them)
    "success": ("#16a34a", "#4ade80"),
    "danger": ("#dc2626", "#f87171"),
    "warning_icon": ("#d97706", "#fbbf24"),
    "star": ("#f59e0b", "#fbbf24"),
    "attention": ("#9333ea", "#c084fc"),
    "icon": ("#475569", "#cbd5e1"),
    # the danger button (Remove account)
    "danger_bg": ("#dc2626", "#b91c1c"),
    "danger_hover": ("#b91c1c", "#dc2626"),
    "danger_focus": ("#7f1d1d", "#fecaca"),
    "accent_focus": ("#1e3a8a", "#bfdbfe"),
    "selection": ("#dbeafe", "#1e3a5f"),
    # an informational banner (blue) beside the warning one (banner_*)
    "info_bg": ("#eff6ff", "#172554"),
    "info_border": ("#93c5fd", "#1e40af"),
    "info_text": ("#2563eb", "#93c5fd"),
    # the "Scheduled for…" toast
    "success_bg": ("#ecfdf5", "#052e16"),
    "success_border": ("#6ee7b7", "#166534"),
    "success_icon": ("#059669", "#34d399"),
    # the composer's marks over the text: pale in both themes, with dark ink on them
    "mark_error": ("#fecaca", "#fecaca"),
    "mark_warning": ("#fde68a", "#fde68a"),
    "mark_ink": ("#111827", "#111827"),
    # a near-black brand colour (X) drawn in a chart
    "chart_ink": ("#4b5563", "#94a3b8"),
}

# The best-time heatmap: (light, dark) RGB of the lowest and highest score, a cell without
# data, and the grey of the gaps between cells. Dark: more is brighter.
HEAT: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "low": ((224, 236, 255), (30, 48, 88)),
    "high": ((30, 64, 175), (147, 197, 253)),
    "empty": ((243, 244, 246), (38, 50, 70)),
    "gap": ((255, 255, 255), (30, 30, 30)),
}
#: the rank numbers on heatmap cells: dark ink on pale cells, light ink on deep ones
INK_ON_PALE = "#111827"
INK_ON_DEEP = "#ffffff"


def heat(name: str) -> tuple[int, int, int]:
    return HEAT[name][1 if _dark else 0]


def with_alpha(role: str, alpha: int) -> QColor:
    """A role's colour, see-through (0-255): drop hints, veils."""
    c = colour(role)
    c.setAlpha(alpha)
    return c


_dark = False
_mode = "system"

# Status -> (colour, label). Colour never carries meaning alone: chips also show the label/icon.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "DRAFT": ("#8a94a6", "Draft"),
    "SCHEDULED": ("#3b82f6", "Scheduled"),
    "PUBLISHING": ("#f59e0b", "Publishing"),
    "PUBLISHED": ("#16a34a", "Published"),
    "FAILED": ("#dc2626", "Failed"),
    "ATTENTION": ("#9333ea", "Needs attention"),
}


class _PlatformIcons(Mapping[str, tuple[str, str]]):
    """(qtawesome icon, brand colour) per network name, read live from the registry, so a
    network registered later has its icon too."""

    def __getitem__(self, name: str) -> tuple[str, str]:
        descriptor = platforms.get(name)
        return descriptor.icon, descriptor.colour

    def __iter__(self) -> Iterator[str]:
        return iter([d.name for d in platforms.all_platforms()])

    def __len__(self) -> int:
        return len(platforms.all_platforms())


PLATFORM_ICONS: Mapping[str, tuple[str, str]] = _PlatformIcons()


def is_dark() -> bool:
    return _dark


def mode() -> str:
    return _mode


def colour(role: str) -> QColor:
    """The current palette's colour for a role (see ROLES)."""
    return QColor(ROLES[role][1 if _dark else 0])


def hex_of(role: str) -> str:
    return ROLES[role][1 if _dark else 0]


# Initials avatars: one of these, picked by the account's handle (white letters on each).
AVATAR_COLOURS = ("#0f766e", "#b45309", "#7c3aed", "#be123c", "#1d4ed8", "#4d7c0f", "#9d174d")


def avatar_colour(seed: str) -> str:
    return AVATAR_COLOURS[sum(seed.encode("utf-8")) % len(AVATAR_COLOURS)]


def readable(hex_colour: str) -> str:
    """A brand or link colour made readable on the current surface: dark blues are lightened
    in the dark theme."""
    colour_ = QColor(hex_colour)
    if _dark and colour_.lightness() < 110:
        colour_ = colour_.lighter(150 if colour_.lightness() > 60 else 300)
    return str(colour_.name())


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, STATUS_COLOURS["DRAFT"])[0])


def brand(platform: str) -> str:
    """A network's brand colour (from its descriptor), readable on the current background:
    a near-black brand (X) is drawn light on dark grey, a deep blue (LinkedIn) lighter."""
    colour_ = platforms.get(str(platform)).colour
    if not _dark:
        return colour_
    return hex_of("text") if QColor(colour_).lightness() < 40 else readable(colour_)


def platform_icon(platform: str, colour: str | None = None):
    import qtawesome as qta

    return qta.icon(platforms.get(str(platform)).icon, color=colour or brand(platform))


def icon(name: str, colour: str | None = None):
    """A qtawesome icon in a role's colour ("icon" by default): icon("fa5s.star", "star").
    Font Awesome's solid icons are drawn without importing qtawesome (app/ui/glyphs.py)."""
    from app.ui import glyphs

    shade = (hex_of(colour) if colour in ROLES else colour) or hex_of("icon")
    if glyphs.available(name):
        return glyphs.icon(name, shade)
    import qtawesome as qta

    return qta.icon(name, color=shade)


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def resolve(mode_: str) -> bool:
    """True when `mode_` ("system", "light", "dark") means dark now."""
    if mode_ == "dark":
        return True
    if mode_ == "light":
        return False
    return system_is_dark()


def style_sheet() -> str:
    qss = resources.files("app.ui").joinpath("style.qss").read_text(encoding="utf-8")
    # Style sheets need a file path for images; the icons folder ships inside the package.
    icons = Path(str(resources.files("app.ui").joinpath("icons"))).as_posix()
    qss = qss.replace("{icons}", icons).replace("{dark_suffix}", "-dark" if _dark else "")
    for role in ROLES:
        qss = qss.replace("{" + role + "}", hex_of(role))
    return qss


def palette() -> QPalette:
    """Fusion's palette in the theme's colours, for what the style sheet does not cover."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: "window",
        QPalette.ColorRole.WindowText: "text",
        QPalette.ColorRole.Base: "surface",
        QPalette.ColorRole.AlternateBase: "outside",
        QPalette.ColorRole.Text: "text",
        QPalette.ColorRole.Button: "surface",
        QPalette.ColorRole.ButtonText: "text",
        QPalette.ColorRole.ToolTipBase: "tooltip_bg",
        QPalette.ColorRole.ToolTipText: "tooltip_fg",
        QPalette.ColorRole.PlaceholderText: "faint",
        QPalette.ColorRole.Highlight: "accent",
        QPalette.ColorRole.HighlightedText: "on_accent",
        QPalette.ColorRole.Link: "accent_strong",
        QPalette.ColorRole.Mid: "border",
        QPalette.ColorRole.Midlight: "line",
    }
    for role, name in roles.items():
        pal.setColor(role, colour(name))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, colour("faint"))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, colour("faint"))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, colour("faint"))
    return pal


def apply_theme(app: QApplication, mode_: str = "system") -> None:
    """Style the whole app in `mode_`; with "system", follow the desktop's changes too."""
    global _dark, _mode
    if mode_ not in MODES:
        mode_ = "system"
    _mode = mode_
    _dark = resolve(mode_)
    app.setStyle("Fusion")
    app.setPalette(palette())
    app.setStyleSheet(style_sheet())
    _clear_caches()
    hints = QGuiApplication.styleHints()
    if not getattr(app, "_herald_follows_scheme", False):
        hints.colorSchemeChanged.connect(lambda _scheme: _system_changed(app))
        app._herald_follows_scheme = True  # type: ignore[attr-defined]
    for widget in app.topLevelWidgets():
        widget.update()


def _system_changed(app: QApplication) -> None:
    if _mode == "system" and resolve("system") != _dark:
        apply_theme(app, "system")


def _clear_caches() -> None:
    """Cached pixmaps and tints were drawn for the other theme."""
    import sys

    chips = sys.modules.get("app.ui.calendar.chips")
    if chips is not None:
        chips.clear_caches()
