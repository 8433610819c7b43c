"""The analytics dashboard in a real window under Xvfb (xcb), screenshotted at 1440x900 and
1024x700 into tests/e2e/artifacts/ for a person to look at (UI-REVIEW.md).

The window runs in a child process: the test process's QApplication is offscreen. Uses the
session's DISPLAY when there is one, else starts its own Xvfb; skips (naming Xvfb) when
neither exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import shot_name, theme_name

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SIZES = ((1440, 900), (1024, 700))
TABS = ("best", "platforms", "posts")

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def display():
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("no DISPLAY and no Xvfb binary (apt-get install xvfb) for a real window")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as fh:
            number = fh.readline().strip()
        if not number:
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.mark.parametrize("theme", ("light", "dark"))
def test_analytics_screenshots(display, tmp_path, theme):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {
        "HERALD_THEME": theme,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "HERALD_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, __file__, str(tmp_path / "shots.db"), str(ARTIFACTS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from PIL import Image

    for width, height in SIZES:
        for tab in TABS:
            path = ARTIFACTS / shot_name(f"analytics-{tab}", width, height, theme)
            with Image.open(path) as image:
                assert image.size == (width, height)
                colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
                assert colours is not None and len(colours) > 200  # charts, not a blank window
    with Image.open(ARTIFACTS / shot_name("analytics-empty", 1024, 700, theme)) as image:
        assert image.size == (1024, 700)
    found = ARTIFACTS / shot_name("layout-analytics", 0, 0, theme).replace("-0x0.png", ".txt")
    assert found.read_text(encoding="utf-8") == ""  # nothing clipped, nothing outside


# ---------------------------------------------------------------------- the child process


def _settle(app, view, seconds: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if view.data is not None and view.is_idle():
            break
        time.sleep(0.02)
    for _ in range(30):
        app.processEvents()
        time.sleep(0.01)


def shot(window):
    """What the X server shows of the window (not a widget render)."""
    return window.screen().grabWindow(window.winId())


def main(db_path: str, out_dir: str) -> int:
    from datetime import UTC, datetime

    from PySide6.QtWidgets import QApplication

    from app.core.appcontext import AppContext
    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.ui.main_window import MainWindow
    from app.ui.theme import apply_theme
    from tests.ui.analytics.seed import seed_dashboard

    app = QApplication(sys.argv[:1])
    apply_theme(app, theme_name())
    db = open_database(f"sqlite:///{db_path}")
    clock = FakeClock(datetime(2026, 3, 18, 15, tzinfo=UTC))
    ids = seed_dashboard(db, clock.now(), "Europe/London")
    context = AppContext(db=db, clock=clock)
    context.workspaces.create("New Shop", "America/New_York")
    window = MainWindow(context)
    window.show()
    window.select_workspace(ids["workspace"])
    window.show_area("analytics")
    view = window.views["analytics"]
    from tests.e2e.layout_checks import problems, write

    out = Path(out_dir)
    found: list[str] = []
    for width, height in SIZES:
        window.resize(width, height)
        _settle(app, view)
        for index, tab in enumerate(TABS):
            view.tabs.setCurrentIndex(index)
            _settle(app, view)
            name = shot_name(f"analytics-{tab}", width, height)
            shot(window).save(str(out / name))
            found.extend(problems(window, name.removesuffix(".png")))
    # a workspace with nothing published: the empty state
    window.resize(1024, 700)
    window.select_workspace(context.workspaces.by_name("New Shop").id)
    _settle(app, view)
    shot(window).save(str(out / shot_name("analytics-empty", 1024, 700)))
    found.extend(problems(window, "analytics-empty"))
    write(out, shot_name("layout-analytics", 0, 0).replace("-0x0.png", ".txt"), found)
    view.wait_idle()
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
