"""The queue slots editor in a real window under Xvfb (xcb) at 1024x700, screenshotted into
tests/e2e/artifacts/queue-slots-1024x700.png for a person to look at (the copy in
docs/screenshots/queue-slots.png comes from it). Skips, naming Xvfb, without an X screen."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, assert_screenshot, child_env, run_child

pytestmark = pytest.mark.e2e


def test_queue_slots_screenshot(xvfb_display, tmp_path):
    width, height = 1024, 700
    display = xvfb_display(width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, __file__, str(tmp_path / "shots.db"), str(ARTIFACTS)]
    run_child(args + [str(width), str(height)], child_env(tmp_path, display))
    assert_screenshot(ARTIFACTS / f"queue-slots-{width}x{height}.png", width, height)


# ---------------------------------------------------------------------- the child process


def _settle(app, rounds: int = 40) -> None:
    import time

    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.01)


def _seed(context) -> tuple[int, list[int]]:
    from app.core.models import Account
    from app.core.queues import QueueService, parse_slots
    from app.platforms.names import Platform

    ws = context.workspaces.create("Corner Bakery", "Europe/London")
    ids = []
    with context.db.session() as s:
        for platform, handle in (
            (Platform.TWITTER, "@cornerbakery"),
            (Platform.LINKEDIN, "Corner Bakery Ltd"),
            (Platform.INSTAGRAM, "cornerbakery"),
        ):
            account = Account(
                workspace_id=ws.id,
                platform=platform,
                handle=handle,
                external_id=f"{platform}-{handle}",
                settings={},
                created_at=context.clock.now(),
            )
            s.add(account)
            s.flush()
            ids.append(account.id)
        s.commit()
    queues = QueueService(context.db, context.clock, context.events)
    queues.set_slots(ids[:2], parse_slots("Mon–Fri 09:00, 12:30, 17:00; Sat 10:00"))
    for text in ("Sourdough is back on Saturday!", "Meet our new pastry chef"):
        queues.add(ws.id, text, ids[:2])
    return ws.id, ids


def main(db_path: str, out_dir: str, width: int, height: int) -> int:
    from datetime import UTC, datetime

    from PySide6.QtWidgets import QApplication

    from app.core.appcontext import AppContext
    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.ui.main_window import MainWindow
    from app.ui.queue_slots import QueueSlotsEditor
    from app.ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app)
    db = open_database(f"sqlite:///{db_path}")
    context = AppContext(db=db, clock=FakeClock(datetime(2026, 3, 18, 15, tzinfo=UTC)))
    workspace_id, ids = _seed(context)
    window = MainWindow(context)
    window.move(0, 0)
    window.resize(width, height)
    window.show()
    window.select_workspace(workspace_id)
    _settle(app)
    window.findChild(type(window.settings_menu.actions()[0]), "queueSlotsAction").trigger()
    editor = window.findChild(QueueSlotsEditor, "queueSlotsEditor")
    editor.set_selected(ids[:2])
    editor._load_first()
    _settle(app, 60)
    path = Path(out_dir) / f"queue-slots-{width}x{height}.png"
    editor.screen().grabWindow(editor.winId()).save(str(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
