"""Threads in the composer: its own tab, its length rule (500, an emoji counted as its UTF-8
bytes), its preview, and a post scheduled to it through the services."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton

from app.core.appcontext import AppContext
from app.core.ports import ConnectedAccount, Credentials
from app.platforms.names import Platform
from app.ui.composer import ComposerDialog


@pytest.fixture
def bakery(db, clock):
    context = AppContext(db=db, clock=clock)
    workspace = context.workspaces.create("Corner Bakery", "Europe/London")
    account_id = context.accounts.save_connected(
        workspace.id,
        ConnectedAccount(
            Platform.THREADS, "25000000000000001", "@bakery", Credentials("threads-token-0001")
        ),
    )
    return context, workspace, account_id


def test_threads_tab_counts_emoji_as_utf8_bytes_and_schedules(qtbot, bakery):
    context, workspace, account_id = bakery
    dialog = ComposerDialog(context, workspace)
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "_dirty", False))
    dialog.show()
    tab = dialog.tabs_by_account[account_id]
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "Threads"

    counter = dialog.findChild(QLabel, f"counterLabel_{account_id}")
    base = dialog.findChild(QPlainTextEdit, "baseTextEdit")
    schedule = dialog.findChild(QPushButton, "scheduleButton")
    base.setPlainText("🍞" * 125)  # 125 emoji x 4 bytes: exactly Threads' 500
    qtbot.waitUntil(lambda: counter.text() == "Threads 500 / 500", timeout=2000)
    base.setPlainText("🍞" * 125 + "!")
    qtbot.waitUntil(lambda: counter.text() == "Threads 501 / 500", timeout=2000)
    assert counter.property("state") == "over"
    assert not schedule.isEnabled()

    text = "Fresh rye at 8 🍞 #bread"
    base.setPlainText(text)
    qtbot.waitUntil(lambda: counter.text() == f"Threads {len(text) + 3} / 500", timeout=2000)
    qtbot.waitUntil(schedule.isEnabled, timeout=2000)
    saved: list[int] = []
    dialog.saved.connect(saved.append)
    qtbot.mouseClick(schedule, Qt.MouseButton.LeftButton)
    assert len(saved) == 1, dialog.findChild(QLabel, "composerErrorLabel").text()
    post = context.posts.get(saved[0])
    assert [str(t.platform) for t in post.targets] == ["THREADS"]
