"""Issue 21: every colour of the UI comes from the theme (app/ui/theme.py, style.qss written
with {role} names), so the light and dark palettes both reach it. This test greps app/ui for
colour literals anywhere else; the few allowed are listed with the reason."""

from __future__ import annotations

import re
from pathlib import Path

from app.ui import theme

UI = Path(__file__).resolve().parents[2] / "app" / "ui"

LITERAL = re.compile(
    r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{8}\b|(?<![\w{])#[0-9a-fA-F]{3}\b"  # #rrggbb, #rgb
    r"|\brgba?\s*\("  # rgb( / rgba(
    r"|\bQColor\(\s*\d"  # QColor(37, 99, 235)
    r"|\bQt\.GlobalColor\.(?!transparent\b)\w+"  # Qt.GlobalColor.red (transparent is no colour)
    r"|(?:color|colour|background)\s*[:=]\s*[\"']?(?:white|black|red|green|blue|yellow|gr[ae]y)\b",
    re.IGNORECASE,
)

# file (relative to app/ui) -> why literals are allowed there
ALLOWED = {
    "theme.py": "the palette itself",
    "calendar/ideas_board.py": "the label colours a person picks from: data, the same in both themes",
    "calendar/selection_bar.py": "a translucent tint computed from the theme's own accent colour",
}


def _hits() -> list[str]:
    hits = []
    for path in sorted([*UI.rglob("*.py"), *UI.rglob("*.qss")]):
        rel = path.relative_to(UI).as_posix()
        if rel in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("#") and path.suffix == ".py":
                continue  # a comment
            if LITERAL.search(line):
                hits.append(f"app/ui/{rel}:{number}: {line.strip()}")
    return hits


def test_no_colour_literal_outside_the_theme():
    assert _hits() == []


def test_the_grep_finds_what_it_is_meant_to():
    for line in (
        'label.setStyleSheet("color: #b91c1c;")',
        "p.setBrush(QColor(37, 99, 235, 28))",
        "pix.fill(Qt.GlobalColor.red)",
        '"background: rgba(0, 0, 0, 0.5)"',
        '"color: white;"',
    ):
        assert LITERAL.search(line), line
    for line in ('theme.icon("fa5s.star", "star")', "pix.fill(Qt.GlobalColor.transparent)"):
        assert not LITERAL.search(line), line


def test_every_role_has_a_light_and_a_dark_colour_that_differ_from_the_surface():
    for role, (light, dark) in theme.ROLES.items():
        assert re.fullmatch(r"#[0-9a-f]{6}", light) and re.fullmatch(r"#[0-9a-f]{6}", dark), role
    for name, (light, dark) in theme.HEAT.items():
        assert len(light) == len(dark) == 3, name


def test_style_sheet_has_no_unfilled_role(qapp):
    for dark in (False, True):
        theme._dark = dark
        try:
            qss = theme.style_sheet()
        finally:
            theme._dark = False
        rules = re.sub(r"/\*.*?\*/", "", qss, flags=re.DOTALL)  # not the comments
        assert not re.search(r"\{[a-z_]+\}", rules)
        assert ("chevron-down-dark.svg" in qss) == dark
