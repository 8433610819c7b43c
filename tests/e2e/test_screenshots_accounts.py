"""The Accounts area, Developer apps, Media hosting and the first-run welcome in a real window
under Xvfb (xcb), screenshotted at 1440x900 and 1024x700 into tests/e2e/artifacts/ for a
person to look at (UI-REVIEW.md).

The window runs in a child process (the test process's QApplication is offscreen), on an X
screen of exactly the size being reviewed (tests/e2e/conftest.py's `xvfb_display`), so
dialogs meet the real screen limits. Skips, naming Xvfb, when there is neither Xvfb nor a
DISPLAY.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    ARTIFACTS,
    assert_screenshot,
    child_env,
    run_child,
    shot_name,
    theme_name,
)

SIZES = ((1440, 900), (1024, 700))
SHOTS = (
    "accounts",
    "accounts-empty",
    "connecting",
    "developer-apps",
    "media-hosting",
    "remove",
    "welcome",
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("theme", ("light", "dark"))
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_accounts_screenshots(xvfb_display, tmp_path, size, theme):
    width, height = size
    display = xvfb_display(width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, __file__, str(tmp_path / "shots.db"), str(ARTIFACTS)]
    run_child(args + [str(width), str(height)], child_env(tmp_path, display, theme))
    for name in SHOTS:
        assert_screenshot(ARTIFACTS / shot_name(name, width, height, theme), width, height)
    from PIL import Image

    with Image.open(ARTIFACTS / shot_name("accounts", width, height, theme)) as image:
        assert image.size == (width, height)
    found = (ARTIFACTS / shot_name("layout-accounts", width, height, theme)).with_suffix(".txt")
    assert found.read_text(encoding="utf-8") == ""  # nothing clipped, nothing outside


# ---------------------------------------------------------------------- the child process


def _settle(app, rounds: int = 40) -> None:
    import time

    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.01)


PROBLEMS: list[str] = []


def _shot(widget, path: Path) -> None:
    """What the X server shows of this top-level window (not a widget render), and what the
    layout checks find cut off or outside it."""
    from tests.e2e.layout_checks import problems

    widget.screen().grabWindow(widget.winId()).save(str(path))
    PROBLEMS.extend(problems(widget, path.stem))


def _seed(context) -> dict:
    from datetime import timedelta

    from app.core.models import AccountStatus
    from app.core.ports import ConnectedAccount, Credentials
    from app.platforms.names import Platform
    from app.ui.accounts.services import accounts_of

    service = accounts_of(context)
    ws = context.workspaces.create("Corner Bakery", "Europe/London")
    now = context.clock.now()

    def add(platform, handle, external_id, expires, **settings):
        creds = Credentials(f"token-{external_id}", None, now + expires if expires else None)
        account = ConnectedAccount(platform, external_id, handle, creds, settings)
        return service.save_connected(ws.id, account)

    add(Platform.TWITTER, "@cornerbakery", "x-1", timedelta(hours=1, minutes=40))
    fb = add(Platform.FACEBOOK, "Corner Bakery", "page-1", None)
    ig = add(Platform.INSTAGRAM, "@cornerbakery.ig", "ig-1", timedelta(days=57))
    service.update_settings(
        ig, {"media_hosting": {"kind": "facebook_page_photo", "page_id": "page-1"}}
    )
    add(Platform.INSTAGRAM, "@bakery.jobs", "ig-2", timedelta(days=12, hours=4))
    li = add(Platform.LINKEDIN, "Corner Bakery Ltd", "urn:li:organization:1", timedelta(days=-2))
    service.set_status(
        li,
        AccountStatus.REQUIRES_REAUTH,
        "LinkedIn said: The token used in the request has been revoked by the user.",
    )
    old = add(Platform.FACEBOOK, "Bakery Events", "page-2", None)
    service.disable(old, "Disabled by you.")
    empty = context.workspaces.create("New client", "America/New_York")
    return {"workspace": ws.id, "empty": empty.id, "ig": ig, "fb": fb}


def main(db_path: str, out_dir: str, width: int, height: int) -> int:
    from datetime import UTC, datetime

    from PySide6.QtWidgets import QApplication

    from app.core.appcontext import AppContext
    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.core.ports import AppCredentials
    from app.platforms.names import Platform
    from app.ui.developer_apps import DeveloperAppsDialog
    from app.ui.first_run import WelcomeDialog
    from app.ui.main_window import MainWindow
    from app.ui.media_hosting import MediaHostingDialog
    from app.ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app, theme_name())
    out = Path(out_dir)
    db = open_database(f"sqlite:///{db_path}")
    context = AppContext(db=db, clock=FakeClock(datetime(2026, 3, 18, 15, tzinfo=UTC)))

    # First run: the welcome, on an empty database.
    welcome = WelcomeDialog(context.workspaces, zone="Europe/London")
    welcome.show()
    _settle(app)
    _shot(welcome, out / shot_name("welcome", width, height))
    welcome.close()

    ids = _seed(context)
    from app.ui.accounts.services import accounts_of

    accounts_of(context).set_app_credentials(Platform.TWITTER, AppCredentials("x-client-id"))
    window = MainWindow(context)
    window.move(0, 0)
    window.resize(width, height)
    window.show()
    window.select_workspace(ids["workspace"])
    window.show_area("accounts")
    view = window.views["accounts"]
    view.select_account(ids["ig"])
    _settle(app)
    _shot(window, out / shot_name("accounts", width, height))

    dialog = DeveloperAppsDialog(view.service, window)
    dialog.show()
    _settle(app)
    _shot(dialog, out / shot_name("developer-apps", width, height))
    dialog.close()

    account = view.service.get(ids["ig"])
    pages = [a for a in view.model.accounts if a.platform == Platform.FACEBOOK]
    media = MediaHostingDialog(account, pages, parent=window)
    media.show()
    _settle(app)
    _shot(media, out / shot_name("media-hosting", width, height))
    media.close()

    from app.ui.accounts.remove_dialog import RemoveAccountDialog

    remove = RemoveAccountDialog(account, window)
    remove.show()
    _settle(app)
    _shot(remove, out / shot_name("remove", width, height))
    remove.close()

    def waiting_for_browser(platform, app_credentials, config, *, cancel, **_kwargs):
        cancel.wait(30)  # stands in for the browser sign-in until Cancel
        raise RuntimeError("Sign-in cancelled.")

    view.connect_fn = waiting_for_browser
    view.connect_platform(Platform.TWITTER)
    _settle(app)
    _shot(view.progress, out / shot_name("connecting", width, height))
    view.progress.cancel()
    assert view.shutdown(10)
    _settle(app)

    window.select_workspace(ids["empty"])
    _settle(app)
    _shot(window, out / shot_name("accounts-empty", width, height))
    window.close()
    db.dispose()
    from tests.e2e.layout_checks import write

    write(out, shot_name("layout-accounts", width, height).replace(".png", ".txt"), PROBLEMS)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
