"""After the welcome screen: a short checklist above the current view (objectName
firstRunChecklist) until the workspace is ready to publish.

Steps: connect an account, check the time zone, schedule a first post; the demo is offered
as an optional extra. Each step ticks itself from the data (an account exists, a post is
scheduled or published) or from what the person did (they confirmed the time zone). When the
three are done, or the person hides it, the checklist goes away for good (setting
"ui.checklist_done"). It shows only after the welcome screen created the first workspace
(setting "ui.checklist_pending"), never for an existing database nor in the demo.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import func, select

from app.core.events import ACCOUNTS_CHANGED, POSTS_CHANGED
from app.core.models import Account, Post, PostStatus
from app.core.settings import SettingsService
from app.ui import theme

PENDING_KEY = "ui.checklist_pending"  # set when the welcome screen created the workspace
DONE_KEY = "ui.checklist_done"
ZONE_KEY = "ui.checklist_zone_checked"


@dataclass(frozen=True)
class Progress:
    accounts: bool
    zone: bool
    first_post: bool

    @property
    def complete(self) -> bool:
        return self.accounts and self.zone and self.first_post


def progress(context: Any, workspace_id: int) -> Progress:
    settings = SettingsService(context.db)
    with context.db.session() as s:
        accounts = s.scalar(
            select(func.count()).select_from(Account).where(Account.workspace_id == workspace_id)
        )
        posts = s.scalar(
            select(func.count())
            .select_from(Post)
            .where(
                Post.workspace_id == workspace_id,
                Post.status != PostStatus.DRAFT,
                Post.deleted_at.is_(None),
            )
        )
    zone_checked = workspace_id in (settings.get(ZONE_KEY) or [])
    return Progress(bool(accounts), zone_checked, bool(posts))


class _Bridge(QObject):
    """EventHub callbacks (any thread) onto the GUI thread."""

    changed = Signal()


class ChecklistStep(QFrame):
    def __init__(self, name: str, text: str, action: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.text = text
        self.mark = QLabel(self)
        self.mark.setFixedWidth(18)
        self.label = QLabel(text, self)
        self.button = QPushButton(action, self)
        self.button.setObjectName(name + "Button")
        self.button.setAccessibleName(text)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.mark)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.done = False

    def set_done(self, done: bool) -> None:
        self.done = done
        icon = "fa5s.check-circle" if done else "fa5s.circle"
        ink = theme.STATUS_COLOURS["PUBLISHED"][0] if done else theme.hex_of("faint")
        self.mark.setPixmap(theme.icon(icon, ink).pixmap(16, 16))
        # Done is said in words too (screen readers), not only by the tick.
        state = self.tr("done") if done else self.tr("to do")
        self.setAccessibleName(f"{self.text} ({state})")
        self.label.setEnabled(not done)
        self.button.setVisible(not done)


class FirstRunChecklist(QFrame):
    """objectName firstRunChecklist; steps checklistAccount, checklistZone, checklistFirstPost,
    checklistDemo (optional), each with a <name>Button; checklistHideButton hides it."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("firstRunChecklist")
        self.setProperty("role", "card")
        self.window_ = window
        self.context = window.context
        self.settings = SettingsService(self.context.db)
        self.workspace_id: int | None = None

        title = QLabel(self.tr("Get ready to publish"), self)
        title.setObjectName("checklistTitle")
        title.setStyleSheet("font-weight: 600;")
        self.summary = QLabel("", self)
        self.summary.setProperty("role", "small")
        hide = QPushButton(self.tr("Hide"), self)
        hide.setObjectName("checklistHideButton")
        hide.setToolTip(self.tr("Hide this checklist for good"))
        hide.clicked.connect(self.dismiss)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(self.summary, 1)
        head.addWidget(hide)

        self.account_step = ChecklistStep(
            "checklistAccount", self.tr("Connect an account"), self.tr("Connect…"), self
        )
        self.account_step.button.clicked.connect(lambda: window.show_area("accounts"))
        self.zone_step = ChecklistStep(
            "checklistZone", self.tr("Check the time zone"), self.tr("Check…"), self
        )
        self.zone_step.button.clicked.connect(self.check_zone)
        self.post_step = ChecklistStep(
            "checklistFirstPost", self.tr("Schedule a first post"), self.tr("New post…"), self
        )
        self.post_step.button.clicked.connect(self.compose)
        self.demo_step = ChecklistStep(
            "checklistDemo",
            self.tr("Optional: explore the demo, a bakery with 90 days of posts"),
            self.tr("Open the demo"),
            self,
        )
        self.demo_step.button.setToolTip(
            self.tr("Opens in a separate window; your own data is not touched")
        )
        self.demo_step.button.clicked.connect(self.open_demo)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(6)
        layout.addLayout(head)
        for step in (self.account_step, self.zone_step, self.post_step, self.demo_step):
            layout.addWidget(step)

        self._bridge = _Bridge(self)
        self._bridge.changed.connect(self.refresh, Qt.ConnectionType.QueuedConnection)
        bridge = self._bridge
        events = self.context.events
        unsubscribers = [
            events.subscribe(lambda _e: bridge.changed.emit(), POSTS_CHANGED),
            events.subscribe(lambda _e: bridge.changed.emit(), ACCOUNTS_CHANGED),
        ]

        def unsubscribe(*_args: Any) -> None:
            for fn in unsubscribers:
                fn()

        self.destroyed.connect(unsubscribe)
        window.workspaceChanged.connect(self.set_workspace)
        if window.workspace is not None:
            self.set_workspace(window.workspace.id)

    # ------------------------------------------------------------ state

    def set_workspace(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self.refresh()

    def refresh(self) -> None:
        if (
            self.context.demo
            or not self.settings.flag(PENDING_KEY)
            or self.settings.flag(DONE_KEY)
            or self.workspace_id is None
        ):
            self.hide()
            return
        state = progress(self.context, self.workspace_id)
        if state.complete:
            self.settings.set(DONE_KEY, True)
            self.hide()
            return
        self.account_step.set_done(state.accounts)
        self.zone_step.set_done(state.zone)
        self.post_step.set_done(state.first_post)
        self.demo_step.set_done(False)
        left = 3 - sum((state.accounts, state.zone, state.first_post))
        self.summary.setText(
            self.tr("1 step left") if left == 1 else self.tr("{n} steps left").format(n=left)
        )
        self.show()

    # ------------------------------------------------------------ actions

    def check_zone(self) -> None:
        """The person looks at the workspace's zone (and may change it): that is the step."""
        if self.window_.edit_workspace() and self.workspace_id is not None:
            checked = list(self.settings.get(ZONE_KEY) or [])
            self.settings.set(ZONE_KEY, sorted({*checked, self.workspace_id}))
        self.refresh()

    def compose(self) -> None:
        self.window_.show_area("calendar")
        calendar = self.window_.views.get("calendar")
        if calendar is not None and hasattr(calendar, "compose"):
            calendar.compose()

    def open_demo(self) -> None:
        # A separate process on its own database: the person's data stays as it is.
        subprocess.Popen([sys.executable, "-m", "app.cli", "--demo"])  # noqa: S603

    def dismiss(self) -> None:
        self.settings.set(DONE_KEY, True)
        self.hide()
