"""The composer's History tab (issue 23) of a post that went through review and was
published, in a real window under Xvfb (xcb) at 1440x900 and 1024x700, saved to
tests/e2e/artifacts/ for a person to look at (docs/screenshots/composer-history.png is the
1440x900 one). Skips, naming Xvfb, without an X screen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, assert_screenshot, child_env, run_child

pytestmark = pytest.mark.e2e
SIZES = ((1440, 900), (1024, 700))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_composer_history_screenshot(size, xvfb_display, tmp_path):
    width, height = size
    display = xvfb_display(width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, __file__, str(tmp_path / "shots.db"), str(ARTIFACTS)]
    run_child(args + [str(width), str(height)], child_env(tmp_path, display))
    assert_screenshot(ARTIFACTS / f"composer-history-{width}x{height}.png", width, height)


# ---------------------------------------------------------------------- the child process


def _settle(app, rounds: int = 40) -> None:
    import time

    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.01)


def _as(person: str) -> None:
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        os.environ[var] = person


def main(db_path: str, out_dir: str, width: int, height: int) -> int:
    from datetime import UTC, datetime, timedelta

    from PySide6.QtWidgets import QApplication

    from app.core.appcontext import AppContext
    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.core.engine import audit_trail
    from app.core.members.service import MemberService
    from app.core.models import Account, MemberRole, Target
    from app.platforms.names import Platform
    from app.ui.composer import ComposerDialog
    from app.ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app)
    db = open_database(f"sqlite:///{db_path}")
    clock = FakeClock(datetime(2026, 3, 18, 9, 12, tzinfo=UTC))
    context = AppContext(db=db, clock=clock)
    ws = context.workspaces.create("Corner Bakery", "Europe/London")
    members = MemberService(db, clock)
    for name, role in (("Maya", MemberRole.EDITOR), ("Tom", MemberRole.APPROVER)):
        members.add("Corner Bakery", name, role)
    members.add("Corner Bakery", "Owner", MemberRole.ADMIN)
    with db.session() as s:
        ids = []
        for platform, handle in (
            (Platform.TWITTER, "@cornerbakery"),
            (Platform.LINKEDIN, "Corner Bakery Ltd"),
        ):
            a = Account(
                workspace_id=ws.id,
                platform=platform,
                handle=handle,
                external_id=f"{platform}-{handle}",
                settings={},
                created_at=clock.now(),
            )
            s.add(a)
            s.flush()
            ids.append(a.id)
        s.commit()
    _as("Owner")
    context.approvals.set_required(ws.id, True)
    _as("Maya")
    text = "Hot cross buns are back! Fresh every morning from 7am until Easter. #bakery"
    post = context.posts.create(
        ws.id, text, ids, scheduled_local=datetime(2026, 3, 20, 9, 0), action="schedule"
    ).id
    context.approvals.submit(post)
    clock.advance(timedelta(minutes=47))
    _as("Tom")
    context.approvals.request_changes(post, "Can we say 'until Easter Monday'? @Maya")
    clock.advance(timedelta(hours=2, minutes=5))
    _as("Maya")
    context.posts.update(
        post,
        text.replace("until Easter", "until Easter Monday"),
        ids,
        scheduled_local=datetime(2026, 3, 20, 9, 0),
        action="schedule",
    )
    context.approvals.submit(post)
    clock.advance(timedelta(minutes=20))
    _as("Tom")
    context.approvals.approve(post)
    context.approvals.comment(post, "Lovely, thanks!")
    with db.write_session() as s:
        targets = s.scalars(
            Target.__table__.select().with_only_columns(Target.id).where(Target.post_id == post)
        ).all()
        at = datetime(2026, 3, 20, 9, 0, 2, tzinfo=UTC)
        audit_trail.record(s, audit_trail.PUBLISH, targets[:1], at)
        audit_trail.record(
            s, audit_trail.FAIL, targets[1:], at, {targets[1]: "The access token has expired."}
        )
        s.commit()
    _as("Maya")
    dialog = ComposerDialog(context, ws, post_id=post)
    dialog.move(0, 0)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.history_panel)
    _settle(app, 60)
    path = Path(out_dir) / f"composer-history-{width}x{height}.png"
    dialog.screen().grabWindow(dialog.winId()).save(str(path))
    dialog._dirty = False
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
