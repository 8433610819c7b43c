"""The composer with a carousel (issue 19) in a real window under Xvfb (xcb): three photos in
the media strip, the second selected with its alt text, one still without (the warning), an
Instagram tab. Saved to tests/e2e/artifacts/composer-carousel-WxH.png at 1440x900 and 1024x700
for a person to look at; docs/screenshots/composer-carousel.png is the 1440x900 one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, assert_screenshot, child_env, run_child

pytestmark = pytest.mark.e2e
SIZES = ((1440, 900), (1024, 700))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_composer_carousel_screenshot(size, xvfb_display, tmp_path):
    width, height = size
    display = xvfb_display(width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, __file__, str(tmp_path), str(ARTIFACTS), str(width), str(height)]
    run_child(args, child_env(tmp_path, display))
    assert_screenshot(ARTIFACTS / f"composer-carousel-{width}x{height}.png", width, height)


# ---------------------------------------------------------------------- the child process


def _settle(app, rounds: int = 40) -> None:
    import time

    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.01)


def main(work: Path, out: Path, width: int, height: int) -> None:
    from datetime import UTC, datetime

    from PIL import Image, ImageDraw
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.core.appcontext import AppContext
    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.core.models import Account
    from app.platforms.names import Platform
    from app.ui.composer import ComposerDialog
    from app.ui.theme import apply_theme
    from tests.e2e.conftest import theme_name

    app = QApplication(sys.argv[:1])
    apply_theme(app, theme_name())
    db = open_database(f"sqlite:///{work / 'shots.db'}")
    context = AppContext(db=db, clock=FakeClock(datetime(2026, 1, 14, 10, 20, tzinfo=UTC)))
    ws = context.workspaces.create("Corner Bakery", "Europe/London")
    with context.db.session() as s:
        for platform, handle in (
            (Platform.INSTAGRAM, "cornerbakery"),
            (Platform.LINKEDIN, "Corner Bakery Ltd"),
        ):
            s.add(
                Account(
                    workspace_id=ws.id,
                    platform=platform,
                    handle=handle,
                    external_id=f"{platform}-{handle}",
                    settings={},
                    created_at=context.clock.now(),
                )
            )
        s.commit()
    photos = []
    for i, colour in enumerate(((222, 160, 90), (150, 90, 50), (240, 230, 210))):
        path = work / f"loaf{i}.jpg"
        image = Image.new("RGB", (1080, 1080), colour)
        ImageDraw.Draw(image).ellipse((240, 340, 840, 740), fill=(120 + 30 * i, 70, 30))
        image.save(path, "JPEG")
        photos.append(str(path))

    dialog = ComposerDialog(context, ws, initial_local=datetime(2026, 1, 16, 9, 0))
    dialog.resize(min(width, 1280), height - 40)
    dialog.move(0, 0)
    dialog.show()
    for row in range(dialog.account_list.count()):
        dialog.account_list.item(row).setCheckState(Qt.CheckState.Checked)
    dialog.base_edit.setPlainText(
        "Three loaves from this morning's bake: pumpkin & rye, dark rye, and our white "
        "sourdough. Swipe to see them all! #bread #leeds"
    )
    dialog.media.add_paths(photos)
    tools = dialog.media.tools
    thumbs = dialog.media.thumbs
    for row, text in ((0, "A golden pumpkin and rye loaf on a wooden board"),
                      (1, "A dark rye loaf, sliced, showing a dense crumb")):  # fmt: skip
        thumbs.setCurrentRow(row)
        tools.alt_edit.setText(text)
        tools.alt_edit.textEdited.emit(text)
    thumbs.setCurrentRow(1)
    tools.alt_edit.setCursorPosition(0)
    _settle(app, 60)
    dialog.screen().grabWindow(dialog.winId()).save(
        str(out / f"composer-carousel-{width}x{height}.png")
    )
    dialog._dirty = False
    dialog.reject()
    db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
