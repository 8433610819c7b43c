"""Connect Mastodon from the Accounts view: no developer app, the person names their
instance, the sign-in runs off the UI thread, and a failure is one clear message."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QPushButton

from app.adapters.oauth import OAuthError
from app.core.models import AccountStatus
from app.platforms.names import Platform
from app.ui.accounts.instance_dialog import InstanceDialog
from tests.ui.accounts.helpers import StubConnect, connected

MASTODON = Platform("MASTODON")


def _wait_done(qtbot, view, timeout=10_000):
    qtbot.waitUntil(lambda: view.job is None, timeout=timeout)


def _asking(answer):
    asked = []

    def ask(network, current, parent):
        asked.append((network, current))
        return answer

    return ask, asked


def test_connect_mastodon_asks_for_the_instance_and_needs_no_developer_app(
    qtbot, make_view, clock, workspace
):
    threads = []

    class Recording(StubConnect):
        def __call__(self, *args, **kwargs):
            threads.append(threading.current_thread())
            return super().__call__(*args, **kwargs)

    account = connected(clock, MASTODON, "@bakery@mastodon.social", "1090")
    stub = Recording([account])
    view = make_view(connect_fn=stub)
    view.ask_instance, asked = _asking("mastodon.social")
    view.connect_actions["MASTODON"].trigger()
    _wait_done(qtbot, view)
    assert asked == [("Mastodon", "")]
    assert threads and threads[0] is not threading.main_thread()
    assert stub.calls[0]["instance"] == "mastodon.social"
    assert stub.calls[0]["platform"] == "MASTODON"
    [info] = view.service.list(workspace.id)
    assert (info.handle, info.status) == ("@bakery@mastodon.social", AccountStatus.ACTIVE)
    assert view.last_message == "Connected Mastodon @bakery@mastodon.social."


def test_cancelling_the_instance_question_connects_nothing(qtbot, make_view, workspace):
    stub = StubConnect([])
    view = make_view(connect_fn=stub)
    view.ask_instance, asked = _asking(None)
    view.connect_actions["MASTODON"].trigger()
    assert asked and view.job is None and stub.calls == []


def test_a_failed_sign_in_is_one_clear_message(qtbot, make_view, workspace):
    error = OAuthError("Mastodon at https://nowhere.example: cannot reach the instance")
    view = make_view(connect_fn=StubConnect(error=error))
    view.ask_instance, _ = _asking("nowhere.example")
    view.connect_actions["MASTODON"].trigger()
    _wait_done(qtbot, view)

    def box():
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "connectErrorBox" and widget.isVisible():
                return widget
        return None

    qtbot.waitUntil(lambda: box() is not None, timeout=5000)
    assert "cannot reach the instance" in box().text()
    box().close()
    assert view.service.list(workspace.id) == []


def test_the_instance_dialog(qtbot):
    dialog = InstanceDialog("Mastodon")
    qtbot.addWidget(dialog)
    edit = dialog.findChild(QLineEdit, "instanceAddressEdit")
    ok = dialog.findChild(QPushButton, "instanceAddressOkButton")
    assert dialog.findChild(QDialogButtonBox, "instanceAddressButtons") is not None
    assert not ok.isEnabled() and ok.toolTip()
    edit.setText("  fosstodon.org ")
    assert ok.isEnabled() and dialog.address() == "fosstodon.org" and not ok.toolTip()


def test_demo_mode_connects_mastodon_against_the_emulator(qtbot, db, clock, workspace):
    """The real flow, off the UI thread: Herald registers on the emulated instance, signs in
    with PKCE and saves the account with that instance's limits; no question in the demo."""
    from app.core.appcontext import AppContext
    from app.emulator import EmulatorServer
    from app.ui.accounts import AccountsView

    server = EmulatorServer(port=0, seed=0, now=clock.now, mastodon_max_characters=5000).start()
    try:
        context = AppContext(db=db, clock=clock, demo=True, emulator_url=server.base_url)
        view = AccountsView(context)
        qtbot.addWidget(view)
        view.set_workspace(workspace)
        view.show()
        view.ask_instance, asked = _asking("never asked")
        view.connect_actions["MASTODON"].trigger()
        _wait_done(qtbot, view, timeout=20_000)
        assert asked == []
        [info] = view.service.list(workspace.id)
        assert info.platform == MASTODON and info.handle.startswith("@herald_demo@127.0.0.1:")
        assert info.settings["text_limits"]["max_length"] == 5000
        assert view.service.credentials(info.id).access_token.startswith("emu-md-at-")
    finally:
        server.stop()
