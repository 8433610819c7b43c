"""Issue 22's screens in a real window under Xvfb (xcb), at 1440x900 and 1024x700: the
queue slots editor, a bulk selection in the week view (with its selection bar), the list
view, the ideas board under the calendar, and the CSV import preview with a bad row. PNGs go
to tests/e2e/artifacts/ for a person to look at; the 1440x900 ones are copied by hand into
docs/screenshots/. Skips, naming Xvfb, without an X screen."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, assert_screenshot, child_env, run_child

pytestmark = pytest.mark.e2e
SHOTS = ("queue-slots", "bulk-selection", "list-view", "ideas-board", "csv-import")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1024, 700)])
def test_issue22_screenshots(xvfb_display, tmp_path, width, height):
    display = xvfb_display(width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, __file__, str(tmp_path / "shots.db"), str(ARTIFACTS)]
    run_child(args + [str(width), str(height), str(tmp_path)], child_env(tmp_path, display))
    for name in SHOTS:
        assert_screenshot(ARTIFACTS / f"{name}-{width}x{height}.png", width, height)


# ---------------------------------------------------------------------- the child process


def _settle(app, rounds: int = 40) -> None:
    import time

    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.01)


POSTS = (
    "Sourdough is back on Saturday — get there early!",
    "Meet our new pastry chef, Amélie",
    "Behind the ovens: 4 a.m. at the bakery",
    "Croissant Friday: two for one",
    "Our rye starter turns ten",
    "Gluten-free loaves now every day",
    "Thank you for 5,000 followers!",
    "New opening hours from April",
    "Recipe: brown-butter financiers",
    "Weekend market stall at Borough",
)


def _seed(context):
    from datetime import datetime, timedelta

    from app.core.ideas import IdeasService
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
                workspace_id=ws.id, platform=platform, handle=handle,
                external_id=f"{platform}-{handle}", settings={}, created_at=context.clock.now(),
            )  # fmt: skip
            s.add(account)
            s.flush()
            ids.append(account.id)
        s.commit()
    QueueService(context.db, context.clock, context.events).set_slots(
        ids[:2], parse_slots("Mon–Fri 09:00, 12:30, 17:00; Sat 10:00")
    )
    monday = datetime(2026, 3, 16, 0, 0)
    posts = []
    for n, text in enumerate(POSTS):
        wall = monday + timedelta(days=n % 6, hours=9 + (n * 3) % 9)
        accounts = [ids[0]] if n % 3 else [ids[0], ids[1]]
        posts.append(
            context.posts.create(ws.id, text, accounts, scheduled_local=wall, action="schedule").id
        )
    ideas = IdeasService(context.db, context.clock, context.events, context.posts)
    columns = ideas.columns(ws.id)
    promo = ideas.add_label(ws.id, "Promo", "#dc2626")
    recipe = ideas.add_label(ws.id, "Recipe", "#2563eb")
    for column, text, labels in (
        (0, "Video: shaping a baguette", [recipe.id]),
        (0, "Ask followers for their favourite bun", []),
        (0, "Staff pick of the month", [promo.id]),
        (1, "Easter hot cross buns countdown", [promo.id]),
        (1, "Flour supplier story (farm visit)", []),
        (2, "Recipe card: cinnamon knots", [recipe.id, promo.id]),
    ):
        card = ideas.add_card(ws.id, text, columns[column].id, [ids[0]])
        if labels:
            ideas.set_labels(card, labels)
    ideas.set_labels(posts[3], [promo.id])  # labels show on the calendar's chips too
    ideas.set_labels(posts[8], [recipe.id])
    return ws.id, ids, posts


def _grab(widget, path: Path) -> None:
    widget.screen().grabWindow(widget.winId()).save(str(path))


def main(db_path: str, out_dir: str, width: int, height: int, tmp: str) -> int:
    from datetime import UTC, datetime

    from PySide6.QtWidgets import QApplication

    from app.core.appcontext import AppContext
    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.ui.import_dialog import open_import
    from app.ui.main_window import MainWindow
    from app.ui.queue_slots import QueueSlotsEditor
    from app.ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app)
    db = open_database(f"sqlite:///{db_path}")
    context = AppContext(db=db, clock=FakeClock(datetime(2026, 3, 16, 8, tzinfo=UTC)))
    workspace_id, ids, posts = _seed(context)
    window = MainWindow(context)
    window.move(0, 0)
    window.resize(width, height)
    window.show()
    window.select_workspace(workspace_id)
    _settle(app)
    out = Path(out_dir)
    size = f"{width}x{height}"

    window.findChild(type(window.settings_menu.actions()[0]), "queueSlotsAction").trigger()
    editor = window.findChild(QueueSlotsEditor, "queueSlotsEditor")
    editor.set_selected(ids[:2])
    editor._load_first()
    _settle(app, 60)
    _grab(editor, out / f"queue-slots-{size}.png")
    editor.close()
    _settle(app)

    view = window.calendar
    view.set_mode("week")
    _settle(app)
    grid = view.week.grid
    grid.mark({c.post.id for c in grid.chips[:7]})
    view.bulk.refresh()
    _settle(app)
    _grab(window, out / f"bulk-selection-{size}.png")

    view.bulk.clear()
    view.set_mode("list")
    _settle(app)
    _grab(window, out / f"list-view-{size}.png")

    view.set_mode("week")
    view.toolbar.ideas_button.setChecked(True)
    _settle(app, 60)
    _grab(window, out / f"ideas-board-{size}.png")
    view.toolbar.ideas_button.setChecked(False)

    handle = "twitter:@cornerbakery"  # the Instagram account is "cornerbakery" too
    csv = Path(tmp) / "march.csv"
    csv.write_text(
        "scheduled_at,timezone,accounts,text,media\n"
        f"2026-03-23 09:00,Europe/London,{handle},Spring menu is here,\n"
        f"2026-03-23 12:30,Europe/Londn,{handle},Lunch boxes to go,\n"
        f"2026-03-24 09:00,Europe/London,@nobody,Tuesday treats,\n"
        f"2026-03-29 01:30,Europe/London,{handle},Clocks go forward,\n"
        f"2026-03-25 17:00,Europe/London,{handle},Evening bake sale,\n",
        encoding="utf-8",
    )
    dialog = open_import(window)
    dialog.load(csv)
    for _ in range(200):
        _settle(app, 5)
        if not dialog.busy():
            break
    _settle(app, 30)
    _grab(dialog, out / f"csv-import-{size}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]))
