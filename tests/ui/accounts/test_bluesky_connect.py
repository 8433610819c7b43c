"""Connecting Bluesky from the Accounts view: a small dialog (handle, app password, service
with its default) that signs in off the UI thread, shows one clear error and keeps what was
typed; no developer app is asked for."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from app.core.ports import ConnectedAccount, Credentials
from app.platforms.bluesky.connect import ConnectError
from app.platforms.names import Platform
from app.ui.accounts import password_dialog
from app.ui.accounts.connect import ConnectJob
from app.ui.accounts.password_dialog import AppPasswordDialog

ACCOUNT = ConnectedAccount(
    Platform.BLUESKY,
    "did:plc:corner",
    "corner.bsky.social",
    Credentials("access", "refresh", datetime(2030, 1, 1, tzinfo=UTC)),
    {"pds": "https://pds.example"},
)


def job_factory(fn, calls):
    def make(handle, password, service):
        calls.append((handle, password, service))
        return ConnectJob(fn, "BLUESKY", None, None, {})

    return make


def test_the_dialog_has_named_fields_and_the_default_service(qtbot):
    dialog = AppPasswordDialog("BLUESKY", job_factory(lambda *a: [], []))
    qtbot.addWidget(dialog)
    for name in ("appPasswordHandleEdit", "appPasswordEdit", "appPasswordServiceEdit"):
        assert dialog.findChild(QLineEdit, name) is not None
    for name in ("appPasswordConnectButton", "appPasswordCancelButton"):
        assert dialog.findChild(QPushButton, name) is not None
    assert dialog.service.text() == "https://bsky.social"
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    assert "No developer app needed" in dialog.findChild(QLabel, "appPasswordHelp").text()


def test_missing_fields_are_one_message_and_nothing_runs(qtbot):
    calls: list = []
    dialog = AppPasswordDialog("BLUESKY", job_factory(lambda *a: [], calls))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.handle.setText("corner.bsky.social")
    dialog.sign_in()
    assert dialog.error.isVisible() and dialog.error.text() == (
        "Enter your handle and an app password."
    )
    assert calls == [] and dialog.job is None


def test_signing_in_runs_off_the_ui_thread_and_a_refusal_keeps_the_fields(qtbot):
    threads = []

    def refuse(platform, app, config, **options):
        threads.append(threading.current_thread())
        raise ConnectError("Bluesky did not accept that handle and app password.")

    calls: list = []
    dialog = AppPasswordDialog("BLUESKY", job_factory(refuse, calls))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.handle.setText("@corner.bsky.social")
    dialog.password.setText("abcd-efgh")
    dialog.service.setText("https://pds.example")
    dialog.sign_in()
    assert not dialog.connect_button.isEnabled()  # busy while signing in
    qtbot.waitUntil(lambda: dialog.job is None, timeout=5000)
    assert threads and threads[0] is not threading.main_thread()
    assert calls == [("@corner.bsky.social", "abcd-efgh", "https://pds.example")]
    assert dialog.error.text() == "Bluesky did not accept that handle and app password."
    assert dialog.isVisible() and dialog.handle.text() == "@corner.bsky.social"
    assert dialog.connect_button.isEnabled()


def test_a_good_sign_in_accepts_with_the_account(qtbot):
    dialog = AppPasswordDialog("BLUESKY", job_factory(lambda *a, **k: [ACCOUNT], []))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.handle.setText("corner.bsky.social")
    dialog.password.setText("pw")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.sign_in()
    assert dialog.accounts == [ACCOUNT]
    qtbot.waitUntil(lambda: dialog.job is None, timeout=5000)


def test_the_accounts_view_connects_bluesky_without_a_developer_app(make_view, monkeypatch):
    view = make_view()
    seen = {}

    def exec_(self):
        seen["title"] = self.windowTitle()
        job = self._make_job("corner.bsky.social", "pw", "https://bsky.social")
        seen["options"] = dict(job._options)
        job.deleteLater()
        self.accounts = [ACCOUNT]
        return 1

    monkeypatch.setattr(password_dialog.AppPasswordDialog, "exec", exec_)
    assert view.connect_actions["BLUESKY"].text() == "Bluesky"
    view.connect_actions["BLUESKY"].trigger()
    assert seen["title"] == "Connect Bluesky"
    assert seen["options"]["handle"] == "corner.bsky.social"
    assert seen["options"]["service"] == "https://bsky.social"
    assert [a.handle for a in view.model.accounts] == ["corner.bsky.social"]
    assert view.findChild(QPushButton, "emptyConnectBlueskyButton").text() == "Connect Bluesky"


def test_developer_apps_do_not_ask_for_a_bluesky_app():
    from app.ui import developer_apps

    listed = [d.name for d in developer_apps.networks()]
    assert "BLUESKY" not in listed and "TWITTER" in listed
    assert "BLUESKY" not in developer_apps.redirect_uris()
