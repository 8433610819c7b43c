"""The calendar (month with posts, week, day) and the composer with warnings, in a real window
under Xvfb, saved to tests/e2e/artifacts/ at 1440x900 and 1024x700 for a person to look at
(UI-REVIEW.md). Also: the missed-posts dialog and the settings dialog.

Run directly as a script it is the child process that renders: `python this.py OUT W H`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SIZES = ((1440, 900), (1024, 700))
SHOTS = (
    "calendar-launch",
    "calendar-month",
    "calendar-week",
    "calendar-day",
    "calendar-paused",
    "composer-empty",
    "composer-warnings",
    "composer-preview",
    "missed-posts",
    "settings",
    "shortcuts",
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("theme", ("light", "dark"))
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_calendar_screenshots(size, theme, xvfb_display, tmp_path):
    from tests.e2e.conftest import ARTIFACTS, assert_screenshot, child_env, run_child, shot_name

    width, height = size
    display = xvfb_display(width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    run_child(
        [sys.executable, __file__, str(ARTIFACTS), str(width), str(height)],
        child_env(tmp_path, display, theme),
    )
    for name in SHOTS:
        assert_screenshot(ARTIFACTS / shot_name(name, width, height, theme), width, height)
    found = (ARTIFACTS / shot_name("layout-calendar", width, height, theme)).with_suffix(".txt")
    assert found.read_text(encoding="utf-8") == ""  # nothing clipped, nothing outside


# ---------------------------------------------------------------------- the child process

TEXTS = [
    "Fresh sourdough is out of the oven — come early, it goes fast!",
    "Our cinnamon buns are back this weekend. #baking #leeds",
    "Meet Sam, who has been shaping our loaves since 5am every day for ten years.",
    "We're hiring a weekend barista. Details on our site.",
    "Pumpkin and rye: a new loaf for the season. Tell us what you think.",
    "Closed on Monday for a deep clean; see you Tuesday!",
    "Behind the scenes: laminating croissant dough, 27 layers of butter.",
    "Thank you for 5,000 followers! Free coffee with any pastry today.",
]


def _seed(context):
    from datetime import datetime, timedelta

    from app.core.models import Account, AccountStatus, Post, TargetStatus
    from app.core.posts import PostService
    from app.core.poststatus import derive_post_status
    from app.platforms.names import Platform

    ws = context.workspaces.create("Corner Bakery", "Europe/London")
    ids = {}
    with context.db.session() as s:
        for platform, handle, status in (
            (Platform.TWITTER, "@cornerbakery", AccountStatus.ACTIVE),
            (Platform.INSTAGRAM, "@corner.bakery", AccountStatus.ACTIVE),
            (Platform.LINKEDIN, "Corner Bakery", AccountStatus.ACTIVE),
            (Platform.FACEBOOK, "Corner Bakery Leeds", AccountStatus.REQUIRES_REAUTH),
            (Platform("MASTODON"), "@cornerbakery@mastodon.social", AccountStatus.ACTIVE),
            (Platform.THREADS, "@corner.bakery", AccountStatus.ACTIVE),
        ):
            account = Account(
                workspace_id=ws.id,
                platform=platform,
                handle=handle,
                external_id=handle,
                status=status,
                status_reason="Facebook says the session expired (code 190)"
                if status != AccountStatus.ACTIVE
                else None,
                settings={},
                created_at=context.clock.now(),
            )
            s.add(account)
            s.flush()
            ids[platform] = account.id
        s.commit()
    names = ("TWITTER", "INSTAGRAM", "LINKEDIN", "FACEBOOK", "MASTODON", "THREADS")
    x, ig, li, fb, md, th = (ids[Platform(name)] for name in names)
    service = PostService(context.db, context.clock, context.events)
    photo = Path(context.db.url.removeprefix("sqlite:///")).with_name("bread.jpg")
    from PIL import Image

    Image.new("RGB", (1080, 1080), (222, 160, 90)).save(photo)
    combos = [[x, li, th], [x, md], [ig, x], [li, fb], [x, ig, li, md]]
    now = context.clock.now().replace(tzinfo=None)
    day0 = datetime(2026, 1, 1)
    n = 0
    for day in range(31):
        date = day0 + timedelta(days=day)
        per_day = (2, 1, 3, 0, 2, 1, 0)[date.weekday()]
        for k in range(per_day):
            when = date.replace(hour=(8, 12, 17)[k], minute=(30, 0, 15)[k])
            accounts = combos[n % len(combos)]
            media = [photo] if ig in accounts else []
            text = TEXTS[n % len(TEXTS)]
            n += 1
            action = "draft" if n % 9 == 0 else "schedule"
            post = service.create(
                ws.id, text, accounts, media_paths=media, scheduled_local=when, action="draft"
            )
            if action == "schedule":
                with context.db.session() as s:
                    row = s.get(Post, post.id)
                    for t in row.targets:
                        t.status = TargetStatus.PUBLISHED if when < now else TargetStatus.QUEUED
                        t.next_attempt_at = None if when < now else row.scheduled_at
                        if when < now:
                            t.external_url = f"https://example.com/p/{post.id}"
                    row.status = derive_post_status([t.status for t in row.targets])
                    s.commit()
    today = now.replace(hour=0, minute=0)
    special = [
        (today - timedelta(days=1) + timedelta(hours=11), [x], TargetStatus.FAILED),
        (today + timedelta(hours=10), [x, li], TargetStatus.IN_FLIGHT),
        (today - timedelta(days=1) + timedelta(hours=15), [li], TargetStatus.NEEDS_CONFIRMATION),
        (today - timedelta(days=2) + timedelta(hours=19), [x], TargetStatus.MISSED),
    ]
    for when, accounts, status in special:
        post = service.create(ws.id, TEXTS[n % len(TEXTS)], accounts, scheduled_local=when)
        n += 1
        with context.db.session() as s:
            row = s.get(Post, post.id)
            for t in row.targets:
                t.status = status
                if status == TargetStatus.FAILED:
                    t.error_code = "403"
                    t.error_message = (
                        "You are not allowed to create a Tweet with duplicate content."
                    )
            row.status = derive_post_status([t.status for t in row.targets])
            s.commit()
    return ws, ids


def _settle(app, rounds: int = 30) -> None:
    import time

    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.01)


PROBLEMS: list[str] = []


def _shot(widget, path: Path) -> None:
    from tests.e2e.layout_checks import problems

    widget.screen().grabWindow(widget.winId()).save(str(path))
    PROBLEMS.extend(problems(widget, path.stem))


def main(out: Path, width: int, height: int) -> None:
    from datetime import UTC, datetime

    from PySide6.QtWidgets import QApplication

    from app.core.appcontext import AppContext
    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.ui.main_window import MainWindow
    from app.ui.theme import apply_theme
    from tests.e2e.conftest import shot_name, theme_name

    app = QApplication(sys.argv[:1])
    apply_theme(app, theme_name())
    data = Path(__import__("os").environ["HERALD_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    db = open_database(f"sqlite:///{data / 'shots.db'}")
    context = AppContext(db=db, clock=FakeClock(datetime(2026, 1, 14, 10, 20, tzinfo=UTC)))
    _seed(context)
    window = MainWindow(context)
    window.show()  # at the size Herald opens with on this screen
    _settle(app)
    view = window.views["calendar"]
    missed = view._missed_dialog
    if missed is not None:
        _shot(missed, out / shot_name("missed-posts", width, height))
        missed.reject()
    _settle(app)
    _shot(window, out / shot_name("calendar-launch", width, height))
    window.resize(width, height)
    window.move(0, 0)
    _settle(app)
    _shot(window, out / shot_name("calendar-month", width, height))
    view.set_mode("week")
    _settle(app)
    _shot(window, out / shot_name("calendar-week", width, height))
    view.set_mode("day")
    _settle(app)
    _shot(window, out / shot_name("calendar-day", width, height))
    view.set_mode("month")
    view.on_network_state(False, "Cannot reach X (ConnectError)")
    view.on_storage_state(False, "The disk holding Herald's database (/home/sam/herald.db) is full")
    _settle(app)
    _shot(window, out / shot_name("calendar-paused", width, height))
    view.on_network_state(True)
    view.on_storage_state(True)
    empty = view.compose(datetime(2026, 1, 16, 9, 0))
    _settle(app, 40)
    _shot(empty, out / shot_name("composer-empty", width, height))
    empty._dirty = False
    empty.reject()
    window.open_settings()
    _settle(app)
    from app.ui.settings_dialog import SettingsDialog

    settings = next(d for d in window.findChildren(SettingsDialog) if d.isVisible())
    _shot(settings, out / shot_name("settings", width, height))
    settings.reject()
    _settle(app)
    shortcuts = view.show_shortcuts()
    _settle(app)
    _shot(shortcuts, out / shot_name("shortcuts", width, height))
    shortcuts.reject()
    _settle(app)
    dialog = view.compose(datetime(2026, 1, 16, 9, 0))
    dialog.base_edit.setPlainText(
        "Our new pumpkin & rye loaf is here! Made with pumpkins from Harrogate farms, "
        "baked slowly overnight, and best with salted butter. Order yours for the weekend at "
        "https://cornerbakery.example.com/order/pumpkin-rye-weekend-special and pick it up "
        "from 7am. Thanks to everyone who tasted the first batch and told us what they "
        "thought. #bread #leeds #baking #local"
    )
    _settle(app, 40)
    from app.platforms.names import Platform

    x_tab = next(t for t in dialog.tabs_by_account.values() if t.platform == Platform.TWITTER)
    dialog.tabs.setCurrentWidget(x_tab)
    _settle(app, 20)
    _shot(dialog, out / shot_name("composer-warnings", width, height))
    dialog.tabs.setCurrentIndex(0)
    dialog.media.add_paths(
        [str(Path(context.db.url.removeprefix("sqlite:///")).parent / "bread.jpg")]
    )
    _settle(app, 20)
    dialog._render_preview()
    switcher = dialog.preview.switcher
    ig = next(i for i in range(switcher.count()) if "corner.bakery" in switcher.itemText(i))
    switcher.setCurrentIndex(ig)
    switcher.activated.emit(ig)
    _settle(app, 20)
    _shot(dialog, out / shot_name("composer-preview", width, height))
    dialog._dirty = False
    dialog.reject()
    window.close()
    db.dispose()
    from tests.e2e.layout_checks import write

    write(out, shot_name("layout-calendar", width, height).replace(".png", ".txt"), PROBLEMS)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
