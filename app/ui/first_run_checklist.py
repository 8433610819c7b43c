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
from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.events import ACCOUNTS_CHANGED, POSTS_CHANGED, EventHub
from app.core.onboarding import DONE_KEY, PENDING_KEY, ZONE_KEY, OnboardingService, Progress
from app.ui import theme
from app.ui.event_bridge import EventBridge

__all__ = ["DONE_KEY", "PENDING_KEY", "ZONE_KEY", "FirstRunChecklist", "Progress"]


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

    def __init__(
        self,
        onboarding: OnboardingService,
        events: EventHub,
        *,
        demo: bool,
        show_accounts: Callable[[], None],
        edit_workspace: Callable[[], bool],
        compose: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        """`edit_workspace` opens the workspace dialog and says whether it was saved."""
        super().__init__(parent)
        self.setObjectName("firstRunChecklist")
        self.setProperty("role", "card")
        self.onboarding = onboarding
        self.demo = demo
        self._edit_workspace = edit_workspace
        self._compose = compose
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
        self.account_step.button.clicked.connect(show_accounts)
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

        # Queued: a post saved from the composer refreshes after the composer is done.
        self._bridge = EventBridge(
            events, (POSTS_CHANGED, ACCOUNTS_CHANGED), lambda _e: self.refresh(), self, queued=True
        )

    # ------------------------------------------------------------ state

    def set_workspace(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self.refresh()

    def refresh(self) -> None:
        if self.demo or self.workspace_id is None or not self.onboarding.wanted():
            self.hide()
            return
        state = self.onboarding.progress(self.workspace_id)
        if state.complete:
            self.onboarding.finish()
            self.hide()
            return
        self.account_step.set_done(state.accounts)
        self.zone_step.set_done(state.zone)
        self.post_step.set_done(state.first_post)
        self.demo_step.set_done(False)
        left = state.left
        self.summary.setText(
            self.tr("1 step left") if left == 1 else self.tr("{n} steps left").format(n=left)
        )
        self.show()

    # ------------------------------------------------------------ actions

    def check_zone(self) -> None:
        """The person looks at the workspace's zone (and may change it): that is the step."""
        if self._edit_workspace() and self.workspace_id is not None:
            self.onboarding.zone_checked(self.workspace_id)
        self.refresh()

    def compose(self) -> None:
        self._compose()

    def open_demo(self) -> None:
        # A separate process on its own database: the person's data stays as it is.
        subprocess.Popen([sys.executable, "-m", "app.cli", "--demo"])

    def dismiss(self) -> None:
        self.onboarding.finish()
        self.hide()
