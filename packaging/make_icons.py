"""Draw Herald's icon: an SVG and PNGs (16-512 px), plus .ico (Windows) and .icns (macOS).

One geometry, two renderers: the SVG is written from the same shapes that Pillow draws, so
the PNGs and the SVG match. The outputs are committed; run this again after a change:

    .venv/bin/python packaging/make_icons.py

The icon: a white megaphone on a blue rounded square, with two amber "signal" arcs. Below
32 px the outer arc is left out so the small sizes stay legible.
"""

from __future__ import annotations

import argparse
import math
import shutil
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ICON_DIR = HERE / "icons"
APP_ICON_DIR = HERE.parent / "app" / "ui" / "icons"

SIZES = (16, 32, 48, 64, 128, 256, 512)
APP_SIZES = (16, 32, 48, 64, 128, 256)  # the window icon; the SVG covers the rest
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

VIEW = 512  # the design grid; everything below is in these units
RADIUS = 112
TOP, BOTTOM = "#3b82f6", "#4338ca"  # background gradient (the app's "scheduled" blue)
WHITE = "#ffffff"
SHADE = "#dbe4ff"  # the megaphone's rear, a step darker than white for depth
AMBER = "#fbbf24"

# Megaphone, pointing right.
REAR = [(68, 214), (134, 214), (134, 298), (68, 298)]
HORN = [(128, 214), (290, 132), (290, 380), (128, 298)]
RIM = (282, 118, 316, 394, 17)  # x0, y0, x1, y1, corner radius
HANDLE = [(148, 290), (196, 290), (222, 382), (180, 394)]
# Signal arcs: centre, radius, half-angle (degrees), stroke width.
ARC_CENTRE = (316, 256)
ARCS = ((68, 38, 24), (116, 38, 24))


def _arc_points(radius: float, half_angle: float) -> tuple[tuple[float, float], ...]:
    cx, cy = ARC_CENTRE
    a = math.radians(half_angle)
    return (
        (cx + radius * math.cos(-a), cy + radius * math.sin(-a)),
        (cx + radius * math.cos(a), cy + radius * math.sin(a)),
    )


def _arcs(detailed: bool) -> tuple[tuple[int, int, int], ...]:
    return ARCS if detailed else ARCS[:1]


def svg(detailed: bool = True) -> str:
    def poly(points: Sequence[tuple[float, float]], fill: str) -> str:
        coords = " ".join(f"{x:g},{y:g}" for x, y in points)
        return f'  <polygon points="{coords}" fill="{fill}" stroke="{fill}" stroke-width="6" stroke-linejoin="round"/>'

    x0, y0, x1, y1, r = RIM
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{VIEW}" height="{VIEW}" '
        f'viewBox="0 0 {VIEW} {VIEW}">',
        "  <title>Herald</title>",
        "  <defs>",
        '    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">',
        f'      <stop offset="0" stop-color="{TOP}"/>',
        f'      <stop offset="1" stop-color="{BOTTOM}"/>',
        "    </linearGradient>",
        "  </defs>",
        f'  <rect width="{VIEW}" height="{VIEW}" rx="{RADIUS}" fill="url(#bg)"/>',
        poly(HANDLE, SHADE),
        poly(REAR, SHADE),
        poly(HORN, WHITE),
        f'  <rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{r}" fill="{WHITE}"/>',
    ]
    for radius, half, width in _arcs(detailed):
        (sx, sy), (ex, ey) = _arc_points(radius, half)
        lines.append(
            f'  <path d="M {sx:.1f} {sy:.1f} A {radius} {radius} 0 0 1 {ex:.1f} {ey:.1f}" '
            f'fill="none" stroke="{AMBER}" stroke-width="{width}" stroke-linecap="round"/>'
        )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _hex(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def render(size: int) -> Image.Image:
    """The icon at `size` px: drawn large on the design grid, then scaled down (anti-aliasing)."""
    detailed = size >= 32
    big = 1024
    k = big / VIEW

    def s(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(x * k, y * k) for x, y in points]

    gradient = Image.linear_gradient("L").resize((big, big))
    top = Image.new("RGBA", (big, big), (*_hex(TOP), 255))
    bottom = Image.new("RGBA", (big, big), (*_hex(BOTTOM), 255))
    background = Image.composite(bottom, top, gradient)
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, big - 1, big - 1), RADIUS * k, fill=255)
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    image.paste(background, (0, 0), mask)

    draw = ImageDraw.Draw(image)
    for points, colour in ((HANDLE, SHADE), (REAR, SHADE), (HORN, WHITE)):
        draw.polygon(s(points), fill=colour)
        draw.line(s(points) + s(points[:1]), fill=colour, width=round(6 * k), joint="curve")
    x0, y0, x1, y1, r = RIM
    draw.rounded_rectangle((x0 * k, y0 * k, x1 * k, y1 * k), r * k, fill=WHITE)
    cx, cy = ARC_CENTRE
    for radius, half, width in _arcs(detailed):
        box = ((cx - radius) * k, (cy - radius) * k, (cx + radius) * k, (cy + radius) * k)
        # Pillow strokes inward from the box; grow it by half the width to centre the stroke.
        pad = width * k / 2
        box = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
        draw.arc(box, -half, half, fill=AMBER, width=round(width * k))
        for px, py in _arc_points(radius, half):  # round caps
            draw.ellipse(
                (px * k - pad, py * k - pad, px * k + pad, py * k + pad),
                fill=AMBER,
            )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_png(size: int, path: Path) -> None:
    render(size).save(path, optimize=True)


def write_ico(path: Path) -> None:
    images = [render(n) for n in ICO_SIZES]
    images[-1].save(path, format="ICO", sizes=[(n, n) for n in ICO_SIZES], append_images=images)


def write_icns(path: Path) -> None:
    images = [render(n) for n in (16, 32, 64, 128, 256, 512, 1024)]
    images[-1].save(path, format="ICNS", append_images=images[:-1])


def build(out: Path = ICON_DIR, app_out: Path | None = APP_ICON_DIR) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "herald.svg").write_text(svg(), encoding="utf-8")
    for n in SIZES:
        write_png(n, out / f"herald-{n}.png")
    write_ico(out / "herald.ico")
    write_icns(out / "herald.icns")
    if app_out is not None:
        app_out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "herald.svg", app_out / "herald.svg")
        for n in APP_SIZES:
            shutil.copyfile(out / f"herald-{n}.png", app_out / f"herald-{n}.png")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ICON_DIR, help="folder for the icons")
    parser.add_argument(
        "--no-app-copy", action="store_true", help="do not copy the icon into app/ui/icons"
    )
    args = parser.parse_args(argv)
    build(args.out, None if args.no_app_copy else APP_ICON_DIR)
    print(f"icons written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
