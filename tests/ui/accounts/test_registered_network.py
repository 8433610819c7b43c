"""The Accounts area offers whatever networks the registry holds: a network registered here
(and in no other file) gets its "Connect" entries, its empty-state button, its developer-app
card and, from its descriptor's data, a second way to connect and the media-hosting rules."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QPushButton

from app import platforms
from app.platforms.descriptor import (
    Analytics,
    Auth,
    ConnectOption,
    MediaRules,
    PlatformDescriptor,
    RateBudget,
    RateBudgets,
    TextRules,
)
from app.ui.developer_apps import DeveloperAppsDialog
from tests.ui.accounts.helpers import StubConnect

PINTEST = PlatformDescriptor(
    name="PINTEST",
    display_name="Pintest",
    icon="fa5s.thumbtack",
    colour="#e60023",
    text=TextRules(max_length=500),
    media=MediaRules(required=True, needs_hosting=True),
    auth=Auth(
        kind="oauth2",
        scopes=("pins:write",),
        extra_scopes=("boards:write",),
        redirect_port=8799,
    ),
    rate_budgets=RateBudgets(publish=RateBudget(100, 3600), read=RateBudget(100, 3600)),
    analytics=Analytics(fields=("saves",)),
    priors="resources/besttime_priors.json#platforms.PINTEST",
    setup_help="developers.example.com → My apps → Connect app → Redirect URIs.",
    connect_option=ConnectOption(
        label="Pintest business board",
        help="Publish to a board your business account owns",
        sign_in_flag="business_boards",
        name="Boards",
    ),
)


@pytest.fixture
def pintest():
    platforms.register(PINTEST)
    yield PINTEST
    platforms.unregister(PINTEST.name)


def test_the_connect_menu_and_empty_state_offer_a_registered_network(pintest, make_view):
    view = make_view()
    action = view.findChild(QAction, "connectPintestAction")
    assert action is not None and action.text() == "Pintest"
    assert view.connect_actions["PINTEST"] is action
    option = view.findChild(QAction, "connectPintestBoardsAction")
    assert option is not None and option.text() == "Pintest business board"
    assert option.toolTip() == "Publish to a board your business account owns"
    button = view.findChild(QPushButton, "emptyConnectPintestButton")
    assert button is not None and button.text() == "Connect Pintest"
    # Buttons past the fourth wrap to a second row instead of widening the window.
    first = view.findChild(QPushButton, "emptyConnectTwitterButton")
    fifth = view.findChild(QPushButton, "emptyConnectBlueskyButton")
    assert fifth.y() > first.y() and fifth.x() == first.x()
    label = view.findChild(QLabel, "accountsEmptyLabel")
    assert "X, Instagram, LinkedIn, Facebook, Bluesky, Mastodon, Threads or Pintest" in label.text()
    # The media-hosting button names every network that needs one, from the descriptors.
    assert "Instagram, Threads, Pintest" in view.media_button.toolTip()


def test_the_second_way_to_connect_passes_the_descriptors_flag(qtbot, pintest, make_view):
    from app.core.ports import AppCredentials

    stub = StubConnect([])
    view = make_view(connect_fn=stub)
    view.service.set_app_credentials("PINTEST", AppCredentials("pin-id", "pin-secret"))
    view.findChild(QAction, "connectPintestBoardsAction").trigger()
    qtbot.waitUntil(lambda: view.job is None, timeout=10_000)
    assert stub.calls[0]["platform"] == "PINTEST"
    assert stub.calls[0]["business_boards"] is True
    assert stub.calls[0]["app"].client_id == "pin-id"


def test_the_developer_apps_dialog_has_a_card_for_a_registered_network(qtbot, pintest, context):
    dialog = DeveloperAppsDialog(context.accounts)
    qtbot.addWidget(dialog)
    hint = dialog.findChild(QLabel, "developerAppHint_PINTEST")
    assert hint is not None and hint.text() == PINTEST.setup_help
    uri = dialog.findChild(QLabel, "redirectUriLabel_PINTEST")
    assert uri.text() == "http://127.0.0.1:8799/callback"
    assert list(dialog.sections)[-1] == "PINTEST"
