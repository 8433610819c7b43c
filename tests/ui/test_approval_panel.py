"""The approval panel in the composer of an existing post: hidden while the workspace does
not use approvals; otherwise it shows the state, walks the steps, and shows a refusal."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from app.core.models import ApprovalState
from app.testing import add_members
from app.ui.composer.dialog import ComposerDialog

WALL = datetime(2026, 1, 5, 10, 0)


def _composer(qtbot, ctx, ws, post_id):
    dialog = ComposerDialog(ctx, ws, post_id=post_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_hidden_without_approvals(qtbot, herald_context, herald_workspace, herald_accounts):
    ctx = herald_context
    post = ctx.posts.create(herald_workspace.id, "hi", [herald_accounts["x"].id]).id
    dialog = _composer(qtbot, ctx, herald_workspace, post)
    assert dialog.approval_panel.isVisible() is False
    dialog._dirty = False
    dialog.close()


def test_steps_comments_and_refusals(
    qtbot, herald_context, herald_workspace, herald_accounts, herald_approvals, herald_act_as
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
    dialog = _composer(qtbot, ctx, herald_workspace, post)
    panel = dialog.findChild(type(dialog.approval_panel), "approvalPanel")
    assert panel.isVisible() and panel.state_label.text() == "Approval: Draft"
    assert not panel.approve_button.isEnabled()
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert panel.state_label.text() == "Approval: In review"

    qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)  # Ann may not
    assert panel.error_label.text() == "Ann is an editor here and can't approve posts."
    assert herald_approvals.state(post).state == ApprovalState.IN_REVIEW

    herald_act_as("Bob")
    panel.comment_edit.setText("Make it friendlier, @ann")
    qtbot.mouseClick(panel.changes_button, Qt.MouseButton.LeftButton)
    assert panel.state_label.text() == "Approval: Changes requested"
    assert panel.comment_edit.text() == "" and panel.error_label.isHidden()
    assert panel.comments.count() == 1
    assert panel.comments.item(0).text().startswith("Bob · Mon 05 Jan 09:00\n")
    dialog._dirty = False
    dialog.close()
