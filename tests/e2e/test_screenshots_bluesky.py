"""Bluesky in a real window under Xvfb: the composer with a Bluesky tab counting graphemes
(and bytes near 3,000), its preview, and the Accounts "Connect Bluesky" dialog (empty, and with the
one clear error a refused app password gives), at 1440x900 and 1024x700 into tests/e2e/artifacts/ (UI-REVIEW.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, assert_screenshot, child_env, run_child, shot_name

SIZES = ((1440, 900), (1024, 700))
SHOTS = (
    "bluesky-composer",
    "bluesky-composer-bytes",
    "bluesky-connect",
    "bluesky-connect-error",
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_bluesky_screenshots(xvfb_display, tmp_path, size):
    width, height = size
    display = xvfb_display(width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, __file__, str(tmp_path / "shots.db"), str(ARTIFACTS)]
    run_child(args + [str(width), str(height)], child_env(tmp_path, display, "light"))
    for name in SHOTS:
        assert_screenshot(ARTIFACTS / shot_name(name, width, height, "light"), width, height)


# ---------------------------------------------------------------------- the child process


def _settle(app, rounds: int = 40) -> None:
    import time

    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.01)


def _shot(widget, path: Path) -> None:
    widget.screen().grabWindow(widget.winId()).save(str(path))


def main(db_path: str, out_dir: str, width: int, height: int) -> int:
    from datetime import UTC, datetime, timedelta

    from PySide6.QtWidgets import QApplication, QLabel

    from app.core.appcontext import AppContext
    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.core.ports import ConnectedAccount, Credentials
    from app.platforms.bluesky.connect import ConnectError
    from app.platforms.names import Platform
    from app.ui.accounts.password_dialog import AppPasswordDialog
    from app.ui.accounts.services import accounts_of
    from app.ui.main_window import MainWindow
    from app.ui.theme import apply_theme
    from tests.e2e.conftest import shot_name

    app = QApplication(sys.argv[:1])
    apply_theme(app, "light")
    out = Path(out_dir)
    db = open_database(f"sqlite:///{db_path}")
    context = AppContext(db=db, clock=FakeClock(datetime(2026, 3, 18, 15, tzinfo=UTC)))
    now = context.clock.now()
    service = accounts_of(context)
    ws = context.workspaces.create("Corner Bakery", "Europe/London")
    for platform, handle, ext in (
        (Platform.BLUESKY, "cornerbakery.bsky.social", "did:plc:corner"),
        (Platform.TWITTER, "@cornerbakery", "x-1"),
    ):
        creds = Credentials(f"token-{ext}", None, now + timedelta(hours=2))
        service.save_connected(ws.id, ConnectedAccount(platform, ext, handle, creds))

    window = MainWindow(context)
    window.move(0, 0)
    window.resize(width, height)
    window.show()
    window.select_workspace(ws.id)
    _settle(app)
    view = window.views["calendar"]
    dialog = view.compose(datetime(2026, 3, 20, 9, 0))
    dialog.base_edit.setPlainText(
        "Crème brûlée croissants 🥐 are back! Café au lait on us before 9 👩🏽‍🍳 "
        "https://cornerbakery.example.com/menu with @friends.bsky.social #bakery #Frühstück"
    )
    _settle(app, 40)
    tab = next(t for t in dialog.tabs_by_account.values() if t.platform == Platform.BLUESKY)
    dialog.tabs.setCurrentWidget(tab)
    _settle(app, 30)
    label = dialog.counter_labels[tab.account_id]
    assert label.text().startswith("Bluesky ") and "/ 300" in label.text(), label.text()
    _shot(dialog, out / shot_name("bluesky-composer", width, height, "light"))
    dialog.base_edit.setPlainText("Our bakers: " + "👩🏽‍🍳" * 185)  # 197 graphemes, 2,787 bytes
    _settle(app, 40)
    assert "bytes" in label.text(), label.text()
    _shot(dialog, out / shot_name("bluesky-composer-bytes", width, height, "light"))
    dialog._dirty = False
    dialog.reject()
    _settle(app)

    window.show_area("accounts")
    accounts = window.views["accounts"]
    _settle(app)

    def refused(platform, app_credentials, config, **_kwargs):
        raise ConnectError(
            "Bluesky did not accept that handle and app password; check both and try again."
        )

    accounts.connect_fn = refused
    plans = []

    def make_job(handle, password, service_url):
        from app.ui.accounts.connect import ConnectJob

        plans.append(handle)
        plan = accounts.connecting.plan_password(
            "BLUESKY", handle=handle, password=password, service=service_url
        )
        return ConnectJob(refused, "BLUESKY", plan.app, plan.config, plan.options, parent=window)

    connect = AppPasswordDialog("BLUESKY", make_job, window)
    connect.show()
    _settle(app)
    _shot(connect, out / shot_name("bluesky-connect", width, height, "light"))
    connect.handle.setText("cornerbakery.bsky.social")
    connect.password.setText("abcd-efgh-ijkl-mnop")
    connect.sign_in()
    for _ in range(200):
        _settle(app, 2)
        if connect.error.isVisible():
            break
    error = connect.findChild(QLabel, "appPasswordError")
    assert error.isVisible() and "did not accept" in error.text(), error.text()
    _settle(app)
    _shot(connect, out / shot_name("bluesky-connect-error", width, height, "light"))
    connect.reject()
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
