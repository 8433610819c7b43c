"""Shared set-up for real-window runs: an Xvfb screen of the size under review, and the
environment for a child process that renders into it (the test process's own QApplication is
offscreen, so the window runs in a child with QT_QPA_PLATFORM=xcb).

    def test_my_screens(xvfb_display, tmp_path):
        display = xvfb_display(1440, 900)          # skips when neither Xvfb nor DISPLAY exist
        env = child_env(tmp_path, display)
        run_child([sys.executable, __file__, ...], env)

One Xvfb per screen size is started for the whole session and stopped at its end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def start_xvfb(width: int, height: int) -> tuple[subprocess.Popen | None, str | None]:
    """Start Xvfb on a free display (it picks and reports the number); (None, None) if absent."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        return None, None
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24"]
        + ["-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as fh:
        number = fh.readline().strip()
    if not number:
        stop_xvfb(proc)
        return None, None
    return proc, f":{number}"


def stop_xvfb(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@pytest.fixture(scope="session")
def xvfb_display():
    """factory(width, height) -> DISPLAY of an X screen of exactly that size.

    Falls back to an existing DISPLAY when there is no Xvfb binary; skips (naming Xvfb) when
    there is neither."""
    started: dict[tuple[int, int], tuple[subprocess.Popen, str]] = {}

    def get(width: int, height: int) -> str:
        key = (width, height)
        if key not in started:
            proc, display = start_xvfb(width, height)
            if proc is None or display is None:
                if os.environ.get("DISPLAY"):
                    return os.environ["DISPLAY"]
                pytest.skip(
                    "no Xvfb binary (apt-get install xvfb) and no DISPLAY for a real window"
                )
            started[key] = (proc, display)
        return started[key][1]

    yield get
    for proc, _display in started.values():
        stop_xvfb(proc)


THEMES = ("light", "dark")


def theme_name() -> str:
    """In the child: the theme it was asked to render (HERALD_THEME), light by default."""
    return "dark" if os.environ.get("HERALD_THEME") == "dark" else "light"


def shot_name(base: str, width: int, height: int, theme: str | None = None) -> str:
    """calendar-week-1440x900.png, or calendar-week-dark-1440x900.png in the dark theme."""
    dark = (theme or theme_name()) == "dark"
    return f"{base}{'-dark' if dark else ''}-{width}x{height}.png"


def child_env(tmp_path: Path, display: str, theme: str = "light") -> dict[str, str]:
    """A clean environment for the rendering child: its own data folder, the X display,
    the theme to render in."""
    return {
        "HERALD_THEME": theme,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "HERALD_DATA_DIR": str(tmp_path / "data"),
        "HERALD_VAULT_KEY": "screenshot-passphrase-not-a-secret",
        "PYTHONPATH": str(ROOT),
    }


def run_child(args: list[str], env: dict[str, str], timeout: int = 240) -> None:
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def assert_screenshot(path: Path, width: int, height: int) -> None:
    """The PNG exists, fits the screen and is not blank."""
    from PIL import Image

    with Image.open(path) as image:
        w, h = image.size
        assert w <= width and h <= height, f"{path.name} is {w}x{h}: larger than the screen"
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 50, f"{path.name} looks blank"
