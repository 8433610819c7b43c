from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QRadioButton, QTableView

from app.core.models import AccountStatus, Post, PostStatus
from app.platforms.names import Platform
from app.ui.accounts.model import AccountRole, expiry_text
from tests.ui.accounts.helpers import add_account, add_post


def _cell(view, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    model = view.table.model()
    return model.data(model.index(row, column), role)


def _row_of(view, handle: str) -> int:
    for row in range(view.model.rowCount()):
        if _cell(view, row, 0) == handle:
            return row
    raise AssertionError(f"{handle} not listed")


def _when_dialog(name: str, action):
    """Run `action(dialog)` on the modal dialog called `name` once it is shown."""

    def poll():
        widget = QApplication.activeModalWidget()
        if widget is not None and widget.objectName() == name:
            action(widget)
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def test_lists_the_workspaces_accounts_with_status_and_expiry(
    make_view, db, clock, workspace, context
):
    add_account(db, clock, workspace.id, Platform.TWITTER, "@bakery")
    add_account(
        db,
        clock,
        workspace.id,
        Platform.LINKEDIN,
        "Corner Bakery Ltd",
        status=AccountStatus.REQUIRES_REAUTH,
        reason="The token was revoked.",
        expires_in=timedelta(days=-2),
    )
    add_account(
        db, clock, workspace.id, Platform.FACEBOOK, "Corner Bakery", status=AccountStatus.DISABLED
    )
    other = context.workspaces.create("Other client", "UTC")
    add_account(db, clock, other.id, Platform.TWITTER, "@someone_else")

    view = make_view()
    table = view.findChild(QTableView, "accountsTable")
    assert table is not None and table.model() is view.model
    assert view.model.rowCount() == 3
    assert view.stack.currentWidget() is table

    x = _row_of(view, "@bakery")
    assert _cell(view, x, 1) == "X"
    assert _cell(view, x, 2) == "Active"
    assert _cell(view, x, 2, Qt.ItemDataRole.DecorationRole) is not None  # icon + text
    assert _cell(view, x, 3) == "expires in 12 days"
    tip = _cell(view, x, 3, Qt.ItemDataRole.ToolTipRole)
    assert "(Europe/London)" in tip and "2026" in tip
    assert _cell(view, x, 0, Qt.ItemDataRole.ToolTipRole) == "X account @bakery"

    li = _row_of(view, "Corner Bakery Ltd")
    assert _cell(view, li, 2) == "Needs reconnect"
    assert _cell(view, li, 3) == "expired"
    assert "revoked" in _cell(view, li, 4)
    assert view.reauth_banner.isVisible()
    assert "LinkedIn Corner Bakery Ltd" in view.reauth_banner.label.text()

    fb = _row_of(view, "Corner Bakery")
    assert _cell(view, fb, 2) == "Disabled"


def test_expiry_wording(clock):
    now = clock.now()
    assert expiry_text(None, now) == "does not expire"
    assert expiry_text(now - timedelta(seconds=1), now) == "expired"
    assert expiry_text(now + timedelta(minutes=20), now) == "expires in less than an hour"
    assert expiry_text(now + timedelta(hours=2, minutes=5), now) == "expires in 2 hours"
    assert expiry_text(now + timedelta(days=1, hours=1), now) == "expires in 1 day"
    assert expiry_text(now + timedelta(days=60), now) == "expires in 60 days"


def test_empty_state_says_what_to_do(make_view):
    view = make_view()
    label = view.findChild(QLabel, "accountsEmptyLabel")
    assert view.stack.currentWidget() is view.empty
    assert label.isVisible()
    assert label.text() == (
        "No accounts yet — connect X, Instagram, LinkedIn, Facebook, Bluesky, Mastodon or Threads "
        "to start publishing."
    )
    assert view.findChild(QPushButton, "emptyConnectTwitterButton").isEnabled()


def test_buttons_are_disabled_with_a_reason_until_an_account_is_selected(
    make_view, db, clock, workspace
):
    add_account(db, clock, workspace.id)
    view = make_view()
    view.table.clearSelection()
    for name in ("reconnectAccountButton", "disableAccountButton", "removeAccountButton"):
        button = view.findChild(QPushButton, name)
        assert not button.isEnabled()
        assert "Select an account" in button.toolTip()
        assert button.accessibleName()
    media = view.findChild(QPushButton, "mediaHostingButton")
    assert not media.isEnabled() and "Instagram" in media.toolTip()
    view.table.selectRow(0)
    assert view.findChild(QPushButton, "removeAccountButton").isEnabled()
    # an X account needs no media hosting: still disabled, and says why
    assert not media.isEnabled() and "Instagram" in media.toolTip()


def test_every_interactive_widget_has_a_name(make_view, db, clock, workspace):
    add_account(db, clock, workspace.id)
    view = make_view()
    for widget in view.findChildren(QPushButton):
        assert widget.objectName(), widget.text()
        assert widget.accessibleName(), widget.objectName()
    assert view.connect_button.accessibleName()
    names = {a.objectName() for a in view.connect_menu.actions()}
    assert names == {
        "connectTwitterAction",
        "connectInstagramAction",
        "connectLinkedinAction",
        "connectFacebookAction",
        "connectBlueskyAction",
        "connectMastodonAction",
        "connectThreadsAction",
        "connectLinkedinPagesAction",
    }


def test_disable_and_enable(make_view, db, clock, workspace, context):
    account_id = add_account(db, clock, workspace.id)
    events = []
    context.events.subscribe(events.append)
    view = make_view()
    view.select_account(account_id)
    button = view.findChild(QPushButton, "disableAccountButton")
    button.click()
    assert view.service.get(account_id).status == AccountStatus.DISABLED
    assert _cell(view, 0, 2) == "Disabled"
    assert button.text() == "Enable"
    assert [e.kind for e in events] == ["accounts_changed"]
    button.click()
    assert view.service.get(account_id).status == AccountStatus.ACTIVE
    assert button.text() == "Disable"


def test_remove_asks_and_keeps_scheduled_posts_as_drafts(make_view, db, clock, workspace):
    account_id = add_account(db, clock, workspace.id)
    post_id = add_post(db, clock, workspace.id, account_id)
    view = make_view()
    view.select_account(account_id)
    seen = {}

    def choose(dialog):
        seen["keep"] = dialog.findChild(QRadioButton, "keepPostsAsDraftsRadio")
        seen["delete"] = dialog.findChild(QRadioButton, "deletePostsRadio")
        assert seen["keep"].isChecked()  # the safe choice is the default
        seen["keep"].setChecked(True)
        dialog.findChild(QPushButton, "removeAccountConfirmButton").click()

    _when_dialog("removeAccountDialog", choose)
    view.findChild(QPushButton, "removeAccountButton").click()
    assert seen["delete"] is not None
    assert view.service.list(workspace.id) == []
    assert view.stack.currentWidget() is view.empty
    with db.session() as s:
        post = s.get(Post, post_id)
        assert post.status == PostStatus.DRAFT
        assert post.deleted_at is None
        assert post.base_text == "Fresh bread at 8"
    assert "drafts" in view.last_message


def test_remove_can_delete_scheduled_posts(make_view, db, clock, workspace):
    account_id = add_account(db, clock, workspace.id)
    post_id = add_post(db, clock, workspace.id, account_id)
    view = make_view()
    view.select_account(account_id)

    def choose(dialog):
        dialog.findChild(QRadioButton, "deletePostsRadio").setChecked(True)
        dialog.findChild(QPushButton, "removeAccountConfirmButton").click()

    _when_dialog("removeAccountDialog", choose)
    view.remove_selected()
    with db.session() as s:
        assert s.get(Post, post_id).deleted_at is not None


def test_cancelling_remove_changes_nothing(make_view, db, clock, workspace):
    account_id = add_account(db, clock, workspace.id)
    view = make_view()
    view.select_account(account_id)
    _when_dialog("removeAccountDialog", lambda d: d.reject())
    view.remove_selected()
    assert [a.id for a in view.service.list(workspace.id)] == [account_id]


def test_reloads_when_accounts_change_elsewhere(qtbot, make_view, db, clock, workspace, context):
    view = make_view()
    assert view.model.rowCount() == 0
    add_account(db, clock, workspace.id)
    context.events.publish("accounts_changed", workspace_id=workspace.id)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.table.selectionModel().selectedRows()[0].data(AccountRole).handle == "@bakery"


def test_switching_workspace_shows_its_accounts(make_view, db, clock, workspace, context):
    add_account(db, clock, workspace.id)
    other = context.workspaces.create("Agency client", "Asia/Tokyo")
    add_account(db, clock, other.id, Platform.INSTAGRAM, "@client")
    view = make_view()
    view.set_workspace(other)
    assert view.model.rowCount() == 1
    assert _cell(view, 0, 0) == "@client"
    assert "(Asia/Tokyo)" in _cell(view, 0, 3, Qt.ItemDataRole.ToolTipRole)
    assert view.media_banner.isVisible()  # Instagram without a media hosting is explained
