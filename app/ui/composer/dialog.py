"""The composer: base text, one tab per chosen account (following the base text or holding its
own edit), live rule checks, media, date/time/zone, preview; save as draft, schedule, publish.

Validation runs on a short coalescing timer; highlights are ExtraSelections, never a re-set
text. The dialog is handed its services (`ComposerServices`) and calls them only: no ORM
object reaches it, and every network fact comes from the registry (`app.platforms`).

Its parts: targets.py (accounts and tabs), checks.py (rules, counters, warnings, buttons,
preview), saving.py (save and close); this module builds and loads the dialog.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import platforms
from app.core.accounts import AccountStatus
from app.core.posts import PostDetail
from app.core.timeutil import from_utc
from app.core.workspaces import WorkspaceInfo
from app.ui import theme
from app.ui.approval_panel import add_approval_panel
from app.ui.composer import chain
from app.ui.composer.checks import ContentChecks
from app.ui.composer.editors import AccountTab, make_editor
from app.ui.composer.history import install as install_history
from app.ui.composer.media import MediaStrip
from app.ui.composer.preview import PreviewPane
from app.ui.composer.queue_buttons import install as install_queue_buttons
from app.ui.composer.rules import Result, RuleCache
from app.ui.composer.saving import Saving
from app.ui.composer.schedule import SchedulePicker, default_wall
from app.ui.composer.services import ComposerServices
from app.ui.composer.targets import TargetTabs, account_list
from app.ui.flow_layout import FlowLayout

# The rule check (counters, warnings, highlights, buttons) runs once the keys already queued
# are handled: a zero-timer coalesces a burst (a paste, auto-repeat) without putting the
# counter a beat behind the text (issue 20: about 1 ms at 2,000 characters and 4 tabs).
VALIDATE_MS = 0
PREVIEW_MS = 150


class ComposerDialog(TargetTabs, ContentChecks, Saving, QDialog):
    saved = Signal(int)  # post id

    def __init__(
        self,
        services: ComposerServices,
        workspace: WorkspaceInfo,
        *,
        post_id: int | None = None,
        initial_local: datetime | None = None,
        zone: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("composerDialog")
        #: what the dialog was handed: posts, accounts, queues, best times, approvals, clock,
        #: events
        self.services = services
        self.clock = services.clock
        self.workspace = workspace
        self.service = services.posts
        self._demo = services.demo
        self.post: PostDetail | None = self.service.get(post_id) if post_id else None
        self.accounts = [
            a
            for a in services.accounts.list(workspace.id)
            if a.status != AccountStatus.DISABLED
            or (self.post and any(t.account_id == a.id for t in self.post.targets))
        ]
        self.tabs_by_account: dict[int, AccountTab] = {}
        self.results: dict[int, Result] = {}
        self.rules = RuleCache()
        self._dirty = False
        self._attempted = False  # tried to schedule or publish: missing things are errors now
        self._loading = True
        self._initial_zone = self.post.zone if self.post else (zone or workspace.timezone)
        self.setWindowTitle(self.tr("Edit post") if self.post else self.tr("New post"))
        self._build()
        self._load(initial_local)
        self._loading = False
        self._validate()
        self._render_preview()
        screen = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(1120, screen.width() - 48), min(760, screen.height() - 48))

    # ------------------------------------------------------------ building

    def _build(self) -> None:
        self.setAcceptDrops(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_MS)
        self._timer.timeout.connect(self._validate)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_MS)
        self._preview_timer.timeout.connect(self._render_preview)
        self.account_list = account_list(self.accounts, self)
        self.account_list.itemChanged.connect(self._on_account_toggled)
        self.no_accounts = QLabel(
            self.tr("No accounts in this workspace yet — connect one under Accounts."), self
        )
        self.no_accounts.setProperty("role", "small")
        self.no_accounts.setVisible(not self.accounts)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("platformTabs")
        self.tabs.setAccessibleName(self.tr("Text per account"))
        self.tabs.setDocumentMode(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)  # scroll, never "All …orks"
        self.tabs.setUsesScrollButtons(True)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        base_page = QWidget(self.tabs)
        self.base_edit = make_editor(
            "baseTextEdit", self.tr("Post text for every account"), base_page
        )
        self.base_edit.setPlaceholderText(self.tr("What would you like to share?"))
        base_layout = QVBoxLayout(base_page)
        base_layout.setContentsMargins(8, 8, 8, 8)
        base_layout.addWidget(self.base_edit)
        self.tabs.addTab(base_page, theme.icon("fa5s.globe"), self.tr("All networks"))
        self.base_edit.textChanged.connect(self._on_base_changed)
        chain.install(self)  # "Thread & comment" (issue 19)

        self.counters = QWidget(self)
        self.counters.setObjectName("counterStrip")
        # wraps onto a second row instead of widening the dialog (five networks and more)
        self.counter_layout = FlowLayout(self.counters, spacing=16)
        self.counter_labels: dict[int, QLabel] = {}

        self.warnings = QListWidget(self)
        self.warnings.setObjectName("warningsList")
        self.warnings.setAccessibleName(self.tr("Warnings and errors"))
        self.warnings.setFixedHeight(104)
        self.warnings.setWordWrap(True)
        self.warnings.itemActivated.connect(self._on_warning_activated)
        self.warnings.itemDoubleClicked.connect(self._on_warning_activated)
        self._warning_keys: tuple[Any, ...] | None = None

        self.media = MediaStrip(self)
        self.media.changed.connect(self._on_edit)

        self.schedule = SchedulePicker(self.services, self.workspace, self._initial_zone, self)
        self.schedule.changed.connect(self._on_schedule_changed)
        self.preview = PreviewPane(self)

        self.error_label = QLabel("", self)
        self.error_label.setObjectName("composerErrorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.error_label.hide()
        self.hosting_button = QPushButton(
            theme.icon("fa5s.images"), self.tr("Set up media hosting…"), self
        )
        self.hosting_button.setObjectName("mediaHostingFixButton")
        hosting = [d.display_name for d in platforms.all_platforms() if d.media.needs_hosting]
        self.hosting_button.setToolTip(
            self.tr("Choose where {networks} downloads this account's pictures from").format(
                networks=" / ".join(hosting)
            )
        )
        self.hosting_button.setAutoDefault(False)
        self.hosting_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.hosting_button.clicked.connect(self.fix_media_hosting)
        self.hosting_button.hide()
        self.readonly_label = QLabel("", self)
        self.readonly_label.setObjectName("composerReadOnlyLabel")
        self.readonly_label.setWordWrap(True)
        self.readonly_label.hide()

        self.cancel_button = self._button(self.tr("Cancel"), "cancelButton", self.reject)
        self.draft_button = self._button(
            self.tr("Save draft"), "saveDraftButton", lambda: self.save("draft")
        )
        self.draft_button.setShortcut("Ctrl+S")
        self.draft_button.setToolTip(self.tr("Keep it as a draft; nothing is published (Ctrl+S)"))
        self.now_button = self._button(
            self.tr("Publish now"), "publishNowButton", lambda: self.save("now")
        )
        self.schedule_button = self._button(
            self.tr("Schedule"), "scheduleButton", lambda: self.save("schedule")
        )
        self.schedule_button.setProperty("primary", True)
        self.schedule_button.setDefault(True)
        self.schedule_button.setShortcut("Ctrl+Return")

        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self._caption(self.tr("Post to")))
        left.addWidget(self.account_list)
        left.addWidget(self.no_accounts)
        left.addWidget(self.tabs, 1)
        left.addWidget(self.counters)
        left.addWidget(self.warnings)
        left.addWidget(self._caption(self.tr("Media")))
        left.addWidget(self.media)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(8)
        right.addWidget(self._caption(self.tr("When")))
        right.addWidget(self.schedule)
        right.addWidget(self._caption(self.tr("Preview")))
        right.addWidget(self.preview, 1)
        add_approval_panel(self, right)  # issue 23: shown while the workspace uses approvals
        install_history(self)  # issue 23: the "History" tab of an existing post
        right_box = QWidget(self)
        right_box.setLayout(right)
        right_box.setFixedWidth(320)
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addLayout(left, 1)
        body.addWidget(right_box)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addStretch(1)
        queue_buttons = install_queue_buttons(self)  # Add to queue, Share next (issue 22)
        for b in (self.cancel_button, self.draft_button, self.now_button, *queue_buttons):
            buttons.addWidget(b)
        buttons.addWidget(self.schedule_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addWidget(self.readonly_label)
        layout.addLayout(body, 1)
        layout.addWidget(_line(self))
        problems = QHBoxLayout()
        problems.setSpacing(8)
        problems.addWidget(self.error_label, 1)
        problems.addStretch(0)
        problems.addWidget(self.hosting_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(problems)
        layout.addLayout(buttons)

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _caption(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setProperty("role", "caption")
        label.setStyleSheet(f"font-weight: 600; color: {theme.hex_of('body')};")
        return label

    # ------------------------------------------------------------ loading

    def _load(self, initial_local: datetime | None) -> None:
        post = self.post
        zone = self.schedule.zone
        if post is None:
            self.base_edit.setPlainText("")
            for i in range(self.account_list.count()):
                self.account_list.item(i).setCheckState(Qt.CheckState.Checked)
            now_local = from_utc(self.clock.now(), zone)
            self.schedule.set_wall(initial_local or default_wall(now_local))
            return
        self.base_edit.setPlainText(post.base_text)
        overrides = {t.account_id: t.override for t in post.targets}
        for i in range(self.account_list.count()):
            item = self.account_list.item(i)
            account_id = item.data(Qt.ItemDataRole.UserRole)
            if account_id in overrides:
                self._ensure_tab(account_id, overrides[account_id])
                item.setCheckState(Qt.CheckState.Checked)
        self.media.set_media(list(post.media))
        if post.scheduled_at is not None:
            local = from_utc(post.scheduled_at, zone)
            self.schedule.set_wall(local.replace(tzinfo=None), fold=local.fold)
        else:
            now_local = from_utc(self.clock.now(), zone)
            self.schedule.set_wall(initial_local or default_wall(now_local))
        chain.load(self)
        if not post.editable:
            self._make_read_only(post)

    def _make_read_only(self, post: PostDetail) -> None:
        gone = [t for t in post.targets if t.status.value in ("PUBLISHED", "IN_FLIGHT")]
        names = ", ".join(f"{platforms.get(t.platform).display_name} ({t.handle})" for t in gone)
        self.readonly_label.setText(
            self.tr(
                "This post has already gone out on {names}, so it can't be changed here. "
                "Duplicate it from the calendar to post something similar."
            ).format(names=names)
        )
        self.readonly_label.show()
        for w in (self.account_list, self.media, self.schedule):
            w.setEnabled(False)
        self.base_edit.setReadOnly(True)
        for tab in self.tabs_by_account.values():
            tab.setEnabled(False)
        reason = self.tr("This post has already gone out.")
        for b in (self.draft_button, self.now_button, self.schedule_button):
            b.setEnabled(False)
            b.setToolTip(reason)
        self.cancel_button.setText(self.tr("Close"))

    # ------------------------------------------------------------ drag and drop of files

    def done(self, result: int) -> None:
        """Closed (saved, cancelled or closed): no check or preview runs after this."""
        self._timer.stop()
        self._preview_timer.stop()
        super().done(result)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and self.media.isEnabled():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.media.add_paths(paths)
            event.acceptProposedAction()


def _line(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet(f"color: {theme.hex_of('line')};")
    return line
