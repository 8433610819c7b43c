"""The composer's "Thread & comment" tab with a 4-part chain and a first comment, in a real
window under Xvfb (xcb) at 1440x900 and 1024x700, saved to tests/e2e/artifacts/ for a person
to look at (docs/screenshots/composer-chain.png is the 1440x900 one). A second set selects
Bluesky, Threads, Mastodon and LinkedIn: each part counted by each network's rule, and what
LinkedIn (no threads) gets instead (docs/screenshots/composer-chain-bluesky-threads.png).
Skips, naming Xvfb, without an X screen."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, assert_screenshot, child_env, run_child

pytestmark = pytest.mark.e2e
SIZES = ((1440, 900), (1024, 700))
TEXT = " ".join(
    f"Tip {i}: feed your starter twice a day and keep it somewhere warm, around 24 degrees."
    for i in range(1, 12)
)


#: variant -> the handles selected in the composer
VARIANTS = {
    "": ("@cornerbakery", "Corner Bakery Ltd"),
    "-bluesky-threads": (
        "cornerbakery.bsky.social",
        "cornerbakery_threads",
        "@cornerbakery@mastodon.social",
        "Corner Bakery Ltd",
    ),
}
BAKED = "Tip {i}: feed your starter 🍞 twice a day and keep it somewhere warm 🌡️, around 24 degrees."


@pytest.mark.parametrize("variant", list(VARIANTS), ids=lambda v: v.strip("-") or "x-linkedin")
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_composer_chain_screenshot(size, variant, xvfb_display, tmp_path):
    width, height = size
    display = xvfb_display(width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, __file__, str(tmp_path / "shots.db"), str(ARTIFACTS)]
    run_child(args + [str(width), str(height), variant or "-"], child_env(tmp_path, display))
    shot = ARTIFACTS / f"composer-chain{variant}-{width}x{height}.png"
    assert_screenshot(shot, width, height)


# ---------------------------------------------------------------------- the child process


def _settle(app, rounds: int = 40) -> None:
    import time

    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.01)


def main(db_path: str, out_dir: str, width: int, height: int, variant: str = "") -> int:
    from datetime import UTC, datetime

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.core.appcontext import AppContext
    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.core.models import Account
    from app.platforms.names import Platform
    from app.ui.composer import ComposerDialog
    from app.ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app)
    db = open_database(f"sqlite:///{db_path}")
    context = AppContext(db=db, clock=FakeClock(datetime(2026, 3, 18, 15, tzinfo=UTC)))
    ws = context.workspaces.create("Corner Bakery", "Europe/London")
    with context.db.session() as s:
        for platform, handle in (
            (Platform.TWITTER, "@cornerbakery"),
            (Platform.LINKEDIN, "Corner Bakery Ltd"),
            (Platform.INSTAGRAM, "cornerbakery"),
            (Platform.BLUESKY, "cornerbakery.bsky.social"),
            (Platform.THREADS, "cornerbakery_threads"),
            (Platform.MASTODON, "@cornerbakery@mastodon.social"),
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
    dialog = ComposerDialog(context, ws, initial_local=datetime(2026, 3, 20, 9, 0))
    dialog.move(0, 0)
    accounts = dialog.account_list
    for i in range(accounts.count()):
        item = accounts.item(i)
        keep = item.text() in VARIANTS[variant]
        item.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
    text = TEXT
    if variant:
        text = " ".join(BAKED.format(i=i) for i in range(1, 10))
    dialog.base_edit.setPlainText(text)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.chain_panel)
    dialog.chain_panel.split()
    dialog.chain_panel.comment_edit.setPlainText(
        "Our full starter guide: https://cornerbakery.example.com/starter #sourdough"
    )
    assert len(dialog.chain_panel.rows) == 4 or variant, len(dialog.chain_panel.rows)
    _settle(app, 60)
    path = Path(out_dir) / f"composer-chain{variant}-{width}x{height}.png"
    dialog.screen().grabWindow(dialog.winId()).save(str(path))
    dialog._dirty = False
    return 0


if __name__ == "__main__":
    variant = sys.argv[5].replace("-", "", 1) if len(sys.argv) > 5 else ""
    variant = "" if variant == "" else "-" + variant
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), variant))
