"""The composer's Mastodon tab counts as the account's own instance does: that instance's
limit (5,000 here, from its settings, as `GET /api/v2/instance` said) and every link as 23."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton

from app.core.appcontext import AppContext
from app.core.ports import ConnectedAccount, Credentials
from app.platforms.names import Platform
from app.ui.composer import ComposerDialog

LIMITS = {"max_length": 5000, "url_length": 23, "max_media": 4}


@pytest.fixture
def cafe(db, clock):
    context = AppContext(db=db, clock=clock)
    workspace = context.workspaces.create("Harbour Cafe", "Europe/Berlin")
    ids = {}
    for external_id, handle, limits in (
        ("1", "@cafe@big.example", LIMITS),
        ("2", "@cafe@small.example", None),
    ):
        settings = {"instance": f"https://{handle.rsplit('@', 1)[1]}"}
        if limits:
            settings["text_limits"] = limits
        ids[handle] = context.accounts.save_connected(
            workspace.id,
            ConnectedAccount(
                platform=Platform("MASTODON"),
                external_id=external_id,
                handle=handle,
                credentials=Credentials("md-token", None, None),
                settings=settings,
            ),
        )
    return context, workspace, ids


def test_each_account_counts_against_its_own_instance(qtbot, cafe):
    context, workspace, ids = cafe
    dialog = ComposerDialog(context, workspace)
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "_dirty", False))
    dialog.resize(1024, 700)
    dialog.show()
    big, small = ids["@cafe@big.example"], ids["@cafe@small.example"]
    tab = dialog.tabs_by_account[big]
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "Mastodon @cafe@big.example"
    base = dialog.findChild(QPlainTextEdit, "baseTextEdit")
    big_counter = dialog.findChild(QLabel, f"counterLabel_{big}")
    small_counter = dialog.findChild(QLabel, f"counterLabel_{small}")

    link = "https://example.com/" + "menu/" * 40  # 220 characters, counted 23
    base.setPlainText(f"Today's menu {link}")
    qtbot.waitUntil(lambda: big_counter.text() == "Mastodon 36 / 5,000", timeout=2000)
    assert small_counter.text() == "Mastodon 36 / 500"

    base.setPlainText("Soup. " * 100)  # 600 characters: fine on one instance, not the other
    qtbot.waitUntil(lambda: big_counter.text() == "Mastodon 600 / 5,000", timeout=2000)
    assert big_counter.property("state") == "ok"
    assert small_counter.text() == "Mastodon 600 / 500"
    assert small_counter.property("state") == "over"
    assert not dialog.findChild(QPushButton, "scheduleButton").isEnabled()

    shots = os.environ.get("HERALD_SCREENSHOTS")
    if shots:
        dialog.tabs.setCurrentWidget(tab)
        qtbot.wait(100)
        dialog.grab().save(os.path.join(shots, "composer-mastodon-1024x700.png"))
