"""The composer's half of issue 17's fifth-network test: a network registered here, and in no
other file, is offered by the composer with its own name, colour and length rule, and a post
to it is scheduled through the services the composer is handed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QPlainTextEdit, QPushButton

from app import platforms
from app.core.appcontext import AppContext
from app.core.ports import ConnectedAccount, Credentials
from app.platforms.descriptor import (
    Analytics,
    Auth,
    PlatformDescriptor,
    RateBudget,
    RateBudgets,
    TextRules,
)
from app.ui import theme
from app.ui.composer import ComposerDialog

MASTOTEST = PlatformDescriptor(
    name="MASTOTEST",
    display_name="Mastotest",
    icon="fa5s.hashtag",
    colour="#6364ff",
    # 500 code points: an emoji counts 1 here, where X's weighted count gives it 2.
    text=TextRules(max_length=500, counting="code_points"),
    auth=Auth(kind="oauth2", scopes=("write:statuses",)),
    rate_budgets=RateBudgets(publish=RateBudget(300, 3 * 3600), read=RateBudget(300, 300)),
    analytics=Analytics(fields=("favourites_count", "reblogs_count", "replies_count")),
    priors="resources/besttime_priors.json#platforms.MASTOTEST",
    setup_help="example.social → Preferences → Development → New application.",
)


@pytest.fixture
def fifth_network():
    platforms.register(MASTOTEST)
    yield MASTOTEST
    platforms.unregister(MASTOTEST.name)


@pytest.fixture
def bakery(fifth_network, db, clock):
    """A workspace with one account on the fifth network, added through the services."""
    context = AppContext(db=db, clock=clock)
    workspace = context.workspaces.create("Corner Bakery", "Europe/London")
    account_id = context.accounts.save_connected(
        workspace.id,
        ConnectedAccount(
            platform=MASTOTEST.name,  # type: ignore[arg-type]
            external_id="109876",
            handle="@bakery@example.social",
            credentials=Credentials(
                access_token="mastotest-access-token-0001",
                refresh_token=None,
                expires_at=None,
            ),
        ),
    )
    return context, workspace, account_id


def _ink(icon) -> str:
    """The colour of an icon's opaque pixels."""
    image = icon.pixmap(32, 32).toImage()
    for y in range(image.height()):
        for x in range(image.width()):
            colour = QColor(image.pixel(x, y))
            if image.pixelColor(x, y).alpha() == 255:
                return colour.name()
    raise AssertionError("the icon has no opaque pixel")


def test_the_composer_offers_and_schedules_a_registered_fifth_network(qtbot, bakery):
    context, workspace, account_id = bakery
    dialog = ComposerDialog(context, workspace)
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "_dirty", False))
    dialog.show()

    # Offered with its display name and its brand colour.
    accounts = dialog.findChild(QListWidget, "accountList")
    assert accounts.count() == 1
    item = accounts.item(0)
    assert item.data(Qt.ItemDataRole.UserRole) == account_id
    assert item.toolTip() == "Mastotest (@bakery@example.social)"
    assert item.checkState() == Qt.CheckState.Checked
    assert _ink(item.icon()) == "#6364ff"
    tab = dialog.tabs_by_account[account_id]
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "Mastotest"

    # Its length rule: 500, counted in code points (X would count each emoji twice).
    counter = dialog.findChild(QLabel, f"counterLabel_{account_id}")
    base = dialog.findChild(QPlainTextEdit, "baseTextEdit")
    base.setPlainText("🍞" * 460)
    qtbot.waitUntil(lambda: counter.text() == "Mastotest 460 / 500", timeout=2000)
    assert counter.property("state") == "near"
    base.setPlainText("🍞" * 501)
    qtbot.waitUntil(lambda: counter.text() == "Mastotest 501 / 500", timeout=2000)
    assert counter.property("state") == "over"
    schedule = dialog.findChild(QPushButton, "scheduleButton")
    assert not schedule.isEnabled()

    # Scheduled through the post service, for that account, at the chosen time.
    text = "Fresh rye at 8 🍞 #bread"
    base.setPlainText(text)
    qtbot.waitUntil(lambda: counter.text() == f"Mastotest {len(text)} / 500", timeout=2000)
    assert counter.property("state") == "ok"
    qtbot.waitUntil(schedule.isEnabled, timeout=2000)
    when, problem = dialog.schedule.resolve()
    assert problem is None and when > context.clock.now()
    saved: list[int] = []
    dialog.saved.connect(saved.append)
    qtbot.mouseClick(schedule, Qt.MouseButton.LeftButton)
    assert len(saved) == 1, dialog.findChild(QLabel, "composerErrorLabel").text()

    post = context.posts.get(saved[0])
    assert post.base_text == text
    assert post.scheduled_at == when
    assert post.scheduled_at - context.clock.now() < timedelta(hours=2)
    assert [(t.account_id, str(t.platform)) for t in post.targets] == [(account_id, "MASTOTEST")]
    assert str(post.status) == "SCHEDULED"


def test_unregistering_the_fifth_network_takes_it_out_of_the_theme(fifth_network):
    assert theme.brand(fifth_network.name) == "#6364ff"
    assert "MASTOTEST" in theme.PLATFORM_ICONS
    platforms.unregister(fifth_network.name)
    assert "MASTOTEST" not in theme.PLATFORM_ICONS
