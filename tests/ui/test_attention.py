from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel, QPushButton

from app.core.models import AccountStatus, TargetStatus
from app.platforms.names import Platform
from app.ui.attention import AttentionBanner, ConfirmationDialog, MissedPostsDialog, ProblemsPanel
from tests.ui.calendar.helpers import (
    make_context,
    schedule,
    service,
    set_targets,
    setup_workspace,
    target_statuses,
)

WALL = datetime(2026, 1, 6, 10, 30)


class _Account:
    def __init__(self, id, status, handle="@bakery", reason="Token revoked"):
        self.id = id
        self.status = status
        self.handle = handle
        self.platform = Platform.TWITTER
        self.status_reason = reason


def test_banner_shows_reauth_accounts_with_reconnect(qtbot):
    banner = AttentionBanner()
    qtbot.addWidget(banner)
    banner.show()
    banner.set_accounts([_Account(1, AccountStatus.ACTIVE)])
    assert not banner.isVisible()
    banner.set_accounts([_Account(1, AccountStatus.REQUIRES_REAUTH)])
    assert banner.isVisible()
    text = banner.findChild(QLabel, "reauthLabel_1").text()
    assert "X (@bakery) needs to be reconnected: Token revoked" in text
    with qtbot.waitSignal(banner.reconnectRequested) as blocker:
        banner.findChild(QPushButton, "reconnectButton").click()
    assert blocker.args == [1]
    banner.set_accounts([])
    assert not banner.isVisible()
    banner.show_reauth(7, "refresh refused")
    assert banner.account_ids() == [7]


def test_problems_panel_retry(qtbot, db, clock):
    context = make_context(db, clock)
    ws, x, li = setup_workspace(context)
    post_id = schedule(context, ws.id, [x, li], WALL)
    set_targets(context, post_id, TargetStatus.FAILED, account_id=li, error_message="Bad token")
    svc = service(context)
    panel = ProblemsPanel(svc)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_problems(svc.problems(ws.id), ws.timezone)
    assert panel.isVisible()
    assert any("Bad token" in lbl.text() for lbl in panel.findChildren(QLabel))
    with qtbot.waitSignal(panel.notice):
        panel.findChild(QPushButton, "retryButton").click()
    assert target_statuses(context, post_id) == {x: TargetStatus.QUEUED, li: TargetStatus.QUEUED}
    panel.set_problems(svc.problems(ws.id), ws.timezone)
    assert not panel.isVisible()


def test_confirmation_dialog_choices(qtbot, db, clock):
    context = make_context(db, clock)
    ws, x, li = setup_workspace(context)
    post_id = schedule(context, ws.id, [x, li], WALL)
    set_targets(context, post_id, TargetStatus.NEEDS_CONFIRMATION)
    svc = service(context)
    first, second = svc.problems(ws.id)
    dialog = ConfirmationDialog(svc, first)
    qtbot.addWidget(dialog)
    dialog.findChild(QPushButton, "confirmPublishedButton").click()
    again = ConfirmationDialog(svc, second)
    qtbot.addWidget(again)
    again.findChild(QPushButton, "publishAgainButton").click()
    statuses = target_statuses(context, post_id)
    assert statuses[first.account_id] == TargetStatus.PUBLISHED
    assert statuses[second.account_id] == TargetStatus.QUEUED
    stale = ConfirmationDialog(svc, first)  # already answered: says so
    qtbot.addWidget(stale)
    stale.show()
    stale.findChild(QPushButton, "publishAgainButton").click()
    assert "not waiting" in stale.error_label.text()


def test_missed_posts_dialog_explains_dst_gap(qtbot, db, clock):
    context = make_context(db, clock)
    ws = context.workspaces.create("NY", "America/New_York")
    from tests.ui.calendar.helpers import add_account

    x = add_account(context, ws.id)
    post_id = schedule(context, ws.id, [x], WALL)
    set_targets(context, post_id, TargetStatus.MISSED)
    dialog = MissedPostsDialog(service(context), ws.id, ws.timezone)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.list.count() == 1
    dialog.when_edit.setDateTime(datetime(2026, 3, 8, 2, 30))
    dialog.reschedule_button.click()
    assert "does not exist" in dialog.error_label.text()
    dialog.when_edit.setDateTime(datetime(2026, 3, 8, 3, 30))
    dialog.reschedule_button.click()
    assert target_statuses(context, post_id) == {x: TargetStatus.QUEUED}
