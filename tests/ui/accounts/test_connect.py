"""Connecting and reconnecting: the OAuth call runs off the UI thread (a stub here, or the real
flow against the emulator in demo mode) and its result is saved through AccountService."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app.core.models import AccountStatus, Post, PostStatus
from app.core.ports import AppCredentials
from app.platforms.names import Platform
from tests.ui.accounts.helpers import StubConnect, add_account, add_post, connected


def _wait_done(qtbot, view, timeout=10_000):
    qtbot.waitUntil(lambda: view.job is None, timeout=timeout)


def _set_app(view, platform=Platform.TWITTER):
    view.service.set_app_credentials(platform, AppCredentials("my-client-id", "my-secret"))


def _top_level(name: str):
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == name and widget.isVisible():
            return widget
    return None


def test_connect_runs_off_the_ui_thread_and_saves_the_account(qtbot, make_view, clock, workspace):
    seen_threads = []

    class Recording(StubConnect):
        def __call__(self, *args, **kwargs):
            seen_threads.append(threading.current_thread())
            return super().__call__(*args, **kwargs)

    stub = Recording([connected(clock)])
    view = make_view(connect_fn=stub)
    _set_app(view)
    view.connect_actions[Platform.TWITTER].trigger()
    assert view.progress is not None and view.progress.objectName() == "connectProgressDialog"
    assert "approve Herald in your browser" in view.progress.labelText()
    _wait_done(qtbot, view)

    assert seen_threads and seen_threads[0] is not threading.main_thread()
    call = stub.calls[0]
    assert call["platform"] == Platform.TWITTER
    assert call["app"].client_id == "my-client-id"
    assert call["config"].redirect_uri(Platform.TWITTER) == "http://127.0.0.1:8765/callback"
    assert call["clock"] is view.context.clock
    accounts = view.service.list(workspace.id)
    assert [(a.handle, a.status) for a in accounts] == [("@bakery", AccountStatus.ACTIVE)]
    assert view.service.credentials(accounts[0].id).access_token == "stub-access-token-0001"
    assert view.model.rowCount() == 1
    assert view.last_message == "Connected X @bakery."
    assert view.progress is None


def test_reconnect_keeps_history_and_scheduled_posts(qtbot, make_view, db, clock, workspace):
    account_id = add_account(
        db,
        clock,
        workspace.id,
        external_id="x-1",
        status=AccountStatus.REQUIRES_REAUTH,
        reason="Token revoked.",
        expires_in=timedelta(days=-1),
    )
    post_id = add_post(db, clock, workspace.id, account_id)
    stub = StubConnect([connected(clock, external_id="x-1", token="fresh-token-0002")])
    view = make_view(connect_fn=stub)
    _set_app(view)
    view.select_account(account_id)
    view.findChild(QPushButton, "reconnectAccountButton").click()
    _wait_done(qtbot, view)

    assert stub.calls[0]["login_hint"] == "bakery"
    info = view.service.get(account_id)  # same id: history and targets kept
    assert info.status == AccountStatus.ACTIVE and info.status_reason is None
    assert view.service.credentials(account_id).access_token == "fresh-token-0002"
    assert len(view.service.list(workspace.id)) == 1
    with db.session() as s:
        post = s.get(Post, post_id)
        assert post.status == PostStatus.SCHEDULED
        assert [t.account_id for t in post.targets] == [account_id]
    assert not view.reauth_banner.isVisible()
    assert view.last_message == "Reconnected X @bakery."


def test_reconnect_as_someone_else_says_so(qtbot, make_view, db, clock, workspace):
    account_id = add_account(db, clock, workspace.id, external_id="x-1")
    stub = StubConnect([connected(clock, handle="@other", external_id="x-2")])
    view = make_view(connect_fn=stub)
    _set_app(view)
    view.select_account(account_id)
    view.reconnect_selected()
    _wait_done(qtbot, view)
    box = _top_level("reconnectMismatchBox")
    assert box is not None and "@other" in box.text() and "@bakery" in box.text()
    box.close()
    assert len(view.service.list(workspace.id)) == 2


def test_cancel_stops_waiting_and_saves_nothing(qtbot, make_view, workspace):
    stub = StubConnect(block=True)
    view = make_view(connect_fn=stub)
    _set_app(view)
    view.connect_platform(Platform.TWITTER)
    assert not view.connect_button.isEnabled()
    assert "already connecting" in view.connect_button.toolTip()
    cancel = view.progress.findChild(QPushButton, "connectCancelButton")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    _wait_done(qtbot, view)
    assert view.service.list(workspace.id) == []
    assert view.last_message == "Connecting was cancelled."
    assert view.connect_button.isEnabled()


def test_failure_shows_the_platforms_words_and_offers_retry(qtbot, make_view, workspace):
    stub = StubConnect(error=RuntimeError("X did not grant access: access_denied"))
    view = make_view(connect_fn=stub)
    _set_app(view)
    view.connect_platform(Platform.TWITTER)
    _wait_done(qtbot, view)
    box = _top_level("connectErrorBox")
    assert box is not None
    assert "access_denied" in box.text()
    assert box.button(QMessageBox.StandardButton.Retry) is not None
    stub.error = None
    stub.result = [connected(view.context.clock)]
    box.button(QMessageBox.StandardButton.Retry).click()
    _wait_done(qtbot, view)
    assert len(stub.calls) == 2
    assert len(view.service.list(workspace.id)) == 1


def test_connect_without_a_developer_app_points_to_developer_apps(qtbot, make_view, monkeypatch):
    stub = StubConnect()
    view = make_view(connect_fn=stub)
    opened = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: opened.append(box.objectName()) or 0)
    view.connect_platform(Platform.LINKEDIN)
    assert opened == ["developerAppNeededBox"]
    assert stub.calls == [] and view.job is None


def test_facebook_pages_are_picked(qtbot, make_view, clock, workspace, monkeypatch):
    pages = [
        connected(clock, Platform.FACEBOOK, "Corner Bakery", "page-1"),
        connected(clock, Platform.FACEBOOK, "Bakery Jobs", "page-2"),
    ]
    view = make_view(connect_fn=StubConnect(pages))
    _set_app(view, Platform.FACEBOOK)

    from app.ui.accounts.pick_dialog import PickAccountsDialog

    def pick(dialog):
        dialog.list.item(1).setCheckState(Qt.CheckState.Unchecked)
        return 1

    monkeypatch.setattr(PickAccountsDialog, "exec", pick)
    view.connect_platform(Platform.FACEBOOK)
    _wait_done(qtbot, view)
    assert [a.handle for a in view.service.list(workspace.id)] == ["Corner Bakery"]


def test_view_never_imports_adapters_at_module_top():
    code = (
        "import sys, app.ui.accounts, app.ui.developer_apps, app.ui.media_hosting; "
        "print(sorted(m for m in sys.modules if m.startswith('app.adapters')))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_demo_mode_connects_x_against_the_emulator(qtbot, db, clock, workspace):
    from app.core.appcontext import AppContext
    from app.emulator import EmulatorServer
    from app.ui.accounts import AccountsView

    server = EmulatorServer(port=0, seed=0, now=clock.now).start()
    try:
        context = AppContext(db=db, clock=clock, demo=True, emulator_url=server.base_url)
        view = AccountsView(context)
        qtbot.addWidget(view)
        view.set_workspace(workspace)
        view.show()
        view.connect_actions[Platform.TWITTER].trigger()
        assert "demo" in view.progress.labelText()
        _wait_done(qtbot, view, timeout=20_000)
        assert _top_level("connectErrorBox") is None, _top_level("connectErrorBox").text()
        accounts = view.service.list(workspace.id)
        assert [(a.platform, a.handle) for a in accounts] == [(Platform.TWITTER, "@herald_demo")]
        creds = view.service.credentials(accounts[0].id)
        assert creds.access_token.startswith("emu-x-at-")
        assert accounts[0].token_expires_at == clock.now() + timedelta(hours=2)

        # reconnecting the same emulator user updates the same row
        view.reconnect_selected()
        _wait_done(qtbot, view, timeout=20_000)
        again = view.service.list(workspace.id)
        assert [a.id for a in again] == [accounts[0].id]
        assert view.service.credentials(accounts[0].id).access_token != creds.access_token
    finally:
        server.stop()
