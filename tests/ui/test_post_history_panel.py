"""The composer's History tab (issue 23): an existing post's steps newest first with who and
when in the workspace's zone, refreshed by the approval panel, exported as CSV."""

from __future__ import annotations

import csv
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QPushButton

from app.testing import add_members
from app.ui.composer.dialog import ComposerDialog
from app.ui.composer.history import PostHistoryPanel

WALL = datetime(2026, 1, 5, 10, 0)


def _composer(qtbot, ctx, ws, post_id=None):
    dialog = ComposerDialog(ctx, ws, post_id=post_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _open_history(dialog) -> PostHistoryPanel:
    panel = dialog.findChild(PostHistoryPanel, "postHistoryPanel")
    dialog.tabs.setCurrentWidget(panel)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "History"
    return panel


def test_history_tab_lists_steps_refreshes_and_exports(
    qtbot,
    herald_context,
    herald_workspace,
    herald_accounts,
    herald_approvals,
    herald_act_as,
    tmp_path,
):
    ctx = herald_context
    add_members(ctx, herald_workspace, {"Ann": "editor", "Bob": "approver", "Ada": "admin"})
    herald_act_as("Ada")
    herald_approvals.set_required(herald_workspace.id, True)
    herald_act_as("Ann")
    post = ctx.posts.create(
        herald_workspace.id,
        "hi",
        [herald_accounts["x"].id],
        scheduled_local=WALL,
        action="schedule",
    ).id
    herald_approvals.submit(post)
    herald_act_as("Bob")
    dialog = _composer(qtbot, ctx, herald_workspace, post)
    panel = _open_history(dialog)
    rows = panel.findChild(QListWidget, "postHistoryList")
    texts = [rows.item(i).text() for i in range(rows.count())]
    zone_time = texts[0].split(" · ")[0]
    assert texts == [
        f"{zone_time} · Ann submitted it for review",
        f"{zone_time} · Ann created the post",
    ]
    assert zone_time.endswith("09:00")  # the plugin's clock, in the workspace's zone

    # A step taken in the approval panel shows at once, with the comment's text.
    dialog.approval_panel.comment_edit.setText("Friendlier please, @Ann")
    qtbot.mouseClick(dialog.approval_panel.changes_button, Qt.MouseButton.LeftButton)
    assert rows.item(0).text() == f"{zone_time} · Bob commented\nFriendlier please, @Ann"
    assert rows.item(1).text() == f"{zone_time} · Bob requested changes"

    target = tmp_path / "history.csv"
    panel.ask_export_path = lambda: str(target)
    qtbot.mouseClick(
        panel.findChild(QPushButton, "postHistoryExportButton"), Qt.MouseButton.LeftButton
    )
    lines = list(csv.reader(target.read_text(encoding="utf-8").splitlines()))
    assert [r[2:4] for r in lines[1:]] == [
        ["Bob", "commented"],
        ["Bob", "requested changes"],
        ["Ann", "submitted it for review"],
        ["Ann", "created the post"],
    ]
    assert panel.summary.text() == f"4 steps exported to {target}"

    panel.ask_export_path = lambda: str(tmp_path / "gone" / "h.csv")  # a folder that isn't
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert panel.error_label.isVisible() and panel.error_label.text().startswith("No folder ")
    panel.ask_export_path = lambda: ""  # cancelled: nothing happens
    assert panel.export() is False
    dialog._dirty = False
    dialog.close()


def test_a_new_post_has_no_history_tab(qtbot, herald_context, herald_workspace, herald_accounts):
    dialog = _composer(qtbot, herald_context, herald_workspace)
    assert dialog.findChild(PostHistoryPanel, "postHistoryPanel") is None
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "History" not in titles
    dialog._dirty = False
    dialog.close()
