"""The desktop file, the icons and the spec are where installers and the bundle expect them."""

from __future__ import annotations

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def test_desktop_file_names_the_app():
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(PACKAGING / "herald.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Herald"
    assert entry["Exec"] == "herald"
    assert entry["Icon"] == "herald"
    assert entry["Categories"] == "Office;Network;"
    assert entry["StartupWMClass"] == "Herald"  # Qt's WM_CLASS class is the application name
    assert entry["Comment"]


@pytest.mark.parametrize("size", SIZES)
def test_png_icons_have_their_size(size):
    with Image.open(PACKAGING / "icons" / f"herald-{size}.png") as image:
        assert image.size == (size, size)
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0  # rounded corner: transparent
        assert image.getpixel((size // 2, size // 2))[3] == 255


def test_svg_icon_is_valid_and_copied_into_the_app():
    svg = (PACKAGING / "icons" / "herald.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 512 512"
    assert (ROOT / "app" / "ui" / "icons" / "herald.svg").read_text(encoding="utf-8") == svg


def test_windows_and_macos_icons_are_there():
    with Image.open(PACKAGING / "icons" / "herald.ico") as ico:
        assert (256, 256) in ico.info["sizes"]
    with Image.open(PACKAGING / "icons" / "herald.icns") as icns:
        assert icns.size[0] >= 512


def test_svg_matches_what_make_icons_draws():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icons", PACKAGING / "make_icons.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.svg() == (PACKAGING / "icons" / "herald.svg").read_text(encoding="utf-8")


def test_app_icon_has_every_size(qapp):
    from app.ui.icons import app_icon, svg_path

    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} == {16, 32, 48, 64, 128, 256}
    assert svg_path().is_file()
