"""The composer: base text, one tab per chosen account (following the base text or holding its
own edit), live rule checks, media, date/time/zone, preview; save as draft, schedule, publish.

Validation runs on a short coalescing timer; highlights are ExtraSelections, never a re-set
text. Views call the PostService only: no ORM object reaches this dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.models import AccountStatus
from app.core.posts import PostDetail, PostError, PostService, SchedulingError
from app.core.timeutil import AmbiguousTimeError, NonexistentTimeError, from_utc
from app.platforms.names import Platform
from app.ui import theme
from app.ui.approval_panel import add_approval_panel
from app.ui.composer.accounts import list_accounts
from app.ui.composer.editors import AccountTab, highlight, make_editor
from app.ui.composer.hosting import needs_media_hosting
from app.ui.composer.media import MediaStrip
from app.ui.composer.preview import PreviewPane
from app.ui.composer.queue_buttons import install as install_queue_buttons
from app.ui.composer.rules import Issue, Result, RuleCache
from app.ui.composer.schedule import SchedulePicker, default_wall

VALIDATE_MS = 30
PREVIEW_MS = 150
STATE_COLOURS = {"ok": "#4b5563", "near": "#b45309", "over": "#b91c1c"}
# Things not written or attached yet: shown as a calm "still to do" until the person tries to
# schedule or publish, errors from then on.
PENDING_CODES = frozenset({"empty", "media_required"})
TODO_COLOUR = "#64748b"


HOSTING_ISSUE = Issue("no_media_hosting", "warning", "", None, None)


class ComposerDialog(QDialog):
    saved = Signal(int)  # post id

    def __init__(
        self,
        context,
        workspace,
        *,
        post_id: int | None = None,
        initial_local=None,
        zone: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("composerDialog")
        self.context = context
        self.workspace = workspace
        self.service = PostService(context.db, context.clock, context.events)
        self.post: PostDetail | None = self.service.get(post_id) if post_id else None
        self.accounts = [
            a
            for a in list_accounts(context, workspace.id)
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
        self.account_list = QListWidget(self)
        self.account_list.setObjectName("accountList")
        self.account_list.setAccessibleName(self.tr("Accounts to publish to"))
        self.account_list.setFlow(QListWidget.Flow.LeftToRight)
        self.account_list.setWrapping(True)
        self.account_list.setSpacing(2)
        self.account_list.setIconSize(QSize(16, 16))
        self.account_list.setMaximumHeight(64)
        self.account_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.account_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        for a in self.accounts:
            item = QListWidgetItem(theme.platform_icon(str(a.platform)), a.handle)
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            label = f"{Platform(a.platform).label} ({a.handle})"
            tip = label
            if a.status == AccountStatus.REQUIRES_REAUTH:
                tip += " — " + self.tr("needs to be reconnected; posts wait until you do")
            item.setToolTip(tip)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, label)
            self.account_list.addItem(item)
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
        self.tabs.setElideMode(Qt.TextElideMode.ElideMiddle)
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

        self.counters = QWidget(self)
        self.counters.setObjectName("counterStrip")
        self.counter_layout = QHBoxLayout(self.counters)
        self.counter_layout.setContentsMargins(0, 0, 0, 0)
        self.counter_layout.setSpacing(16)
        self.counter_layout.addStretch(1)
        self.counter_labels: dict[int, QLabel] = {}

        self.warnings = QListWidget(self)
        self.warnings.setObjectName("warningsList")
        self.warnings.setAccessibleName(self.tr("Warnings and errors"))
        self.warnings.setFixedHeight(104)
        self.warnings.setWordWrap(True)
        self.warnings.itemActivated.connect(self._on_warning_activated)
        self.warnings.itemDoubleClicked.connect(self._on_warning_activated)
        self._warning_keys: tuple | None = None

        self.media = MediaStrip(self)
        self.media.changed.connect(self._on_edit)

        self.schedule = SchedulePicker(self.context, self.workspace, self._initial_zone, self)
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
        self.hosting_button.setToolTip(
            self.tr("Choose where Instagram downloads this account's pictures from (Accounts)")
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

    def _load(self, initial_local) -> None:
        post = self.post
        zone = self.schedule.zone
        if post is None:
            self.base_edit.setPlainText("")
            for i in range(self.account_list.count()):
                self.account_list.item(i).setCheckState(Qt.CheckState.Checked)
            now_local = from_utc(self.context.clock.now(), zone)
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
            now_local = from_utc(self.context.clock.now(), zone)
            self.schedule.set_wall(initial_local or default_wall(now_local))
        if not post.editable:
            self._make_read_only(post)

    def _make_read_only(self, post: PostDetail) -> None:
        gone = [t for t in post.targets if t.status.value in ("PUBLISHED", "IN_FLIGHT")]
        names = ", ".join(f"{t.platform.label} ({t.handle})" for t in gone)
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

    # ------------------------------------------------------------ accounts and tabs

    def selected_ids(self) -> list[int]:
        return [
            self.account_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.account_list.count())
            if self.account_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _account(self, account_id: int):
        return next(a for a in self.accounts if a.id == account_id)

    def _ensure_tab(self, account_id: int, override: str | None = None) -> AccountTab:
        tab = self.tabs_by_account.get(account_id)
        if tab is None:
            tab = AccountTab(self._account(account_id), self.base_edit.toPlainText(), override)
            tab.edited.connect(self._on_edit)
            self.tabs_by_account[account_id] = tab
            label = QLabel(self.counters)
            label.setObjectName(f"counterLabel_{account_id}")
            label.setAccessibleName(
                self.tr("Length for {name}").format(name=self._tab_title(tab, mark=False))
            )
            self.counter_labels[account_id] = label
        return tab

    def _tab_title(self, tab: AccountTab, *, mark: bool = True) -> str:
        """The platform's name (the handle too when two chosen accounts share a platform);
        ● when the tab has its own text."""
        if not mark:
            return f"{tab.platform.label} {tab.account.handle}"
        same = [
            a
            for a in self.selected_ids()
            if a in self.tabs_by_account and self.tabs_by_account[a].platform == tab.platform
        ]
        title = (
            tab.platform.label if len(same) <= 1 else f"{tab.platform.label} {tab.account.handle}"
        )
        if not tab.following:
            title += " ●"
        return title

    def _on_account_toggled(self, _item=None) -> None:
        selected = self.selected_ids()
        current = self.tabs.currentWidget()
        while self.tabs.count() > 1:
            self.tabs.removeTab(1)
        while self.counter_layout.count() > 1:
            self.counter_layout.takeAt(0)
        for label in self.counter_labels.values():
            label.hide()
        for account_id in selected:
            tab = self._ensure_tab(account_id)
            index = self.tabs.addTab(
                tab, theme.platform_icon(str(tab.platform)), self._tab_title(tab)
            )
            self._update_tab_mark(index, tab)
            label = self.counter_labels[account_id]
            self.counter_layout.insertWidget(self.counter_layout.count() - 1, label)
            label.show()
        if current is not None and self.tabs.indexOf(current) >= 0:
            self.tabs.setCurrentWidget(current)
        self.schedule.set_platforms(
            list(dict.fromkeys(self.tabs_by_account[a].platform for a in selected))
        )
        self._on_edit()

    def _update_tab_mark(self, index: int, tab: AccountTab) -> None:
        title = self._tab_title(tab)
        if self.tabs.tabText(index) == title:
            return
        self.tabs.setTabText(index, title)
        name = f"{tab.platform.label} ({tab.account.handle})"
        what = (
            self.tr("has its own text")
            if not tab.following
            else self.tr("uses the text from “All networks”")
        )
        self.tabs.setTabToolTip(index, f"{name} — {what}")
        bar = self.tabs.tabBar()
        if hasattr(bar, "setAccessibleTabName"):
            bar.setAccessibleTabName(index, f"{name}, {what}")

    def _on_tab_changed(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        if isinstance(widget, AccountTab):
            widget.sync()
        self._apply_highlights()
        self._preview_timer.start()

    # ------------------------------------------------------------ editing

    def _on_base_changed(self) -> None:
        text = self.base_edit.toPlainText()
        for tab in self.tabs_by_account.values():
            tab.set_base(text)
        self._on_edit()

    def _on_edit(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self._timer.start()
        self._preview_timer.start()

    def _on_schedule_changed(self) -> None:
        if not self._loading:
            self._dirty = True
        self._update_buttons()

    # ------------------------------------------------------------ validation

    def _validate(self) -> None:
        media = self.media.items
        selected = self.selected_ids()
        self.results = {}
        for account_id in selected:
            tab = self.tabs_by_account[account_id]
            self.results[account_id] = self.rules.check(tab.platform, tab.text(), media)
        for account_id in selected:
            self._update_counter(account_id)
        for index in range(1, self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, AccountTab):
                self._update_tab_mark(index, widget)
        self._update_warnings(selected)
        self._apply_highlights()
        self._update_buttons()

    def _update_counter(self, account_id: int) -> None:
        result = self.results[account_id]
        tab = self.tabs_by_account[account_id]
        label = self.counter_labels[account_id]
        text = f"{tab.platform.label} {result.length:,} / {result.limit:,}"
        if label.text() != text:
            label.setText(text)
        # By length only: neutral, amber near the limit, red over it. A missing photo or an
        # empty text is a line of its own below, never a red counter.
        if result.length > result.limit:
            state = "over"
        elif result.length > result.limit * 0.9:
            state = "near"
        else:
            state = "ok"
        if label.property("state") != state:
            label.setProperty("state", state)
            weight = "600" if state != "ok" else "400"
            ink = theme.hex_of("status") if state == "ok" else STATE_COLOURS[state]
            if theme.is_dark() and state != "ok":
                ink = theme.hex_of("warning_text" if state == "near" else "error_text")
            label.setStyleSheet(f"color: {ink}; font-weight: {weight};")

    def _issues_for_editor(self, editor_tab: AccountTab | None) -> list[Issue]:
        if editor_tab is not None:
            result = self.results.get(editor_tab.account_id)
            return list(result.issues) if result else []
        issues: list[Issue] = []
        for account_id, result in self.results.items():
            if self.tabs_by_account[account_id].following:
                issues.extend(result.issues)
        return issues

    def _apply_highlights(self) -> None:
        highlight(self.base_edit, self._issues_for_editor(None))
        widget = self.tabs.currentWidget()
        if isinstance(widget, AccountTab):
            highlight(widget.editor, self._issues_for_editor(widget))

    def _update_warnings(self, selected: list[int]) -> None:
        rows = []
        for account_id in selected:
            tab = self.tabs_by_account[account_id]
            name = f"{tab.platform.label} ({tab.account.handle})"
            if tab.account.status == AccountStatus.REQUIRES_REAUTH:
                note = self.tr("needs to be reconnected; the post waits until you do")
                rows.append(
                    ("warning", f"{name}: {note}", account_id, Issue("", "", "", None, None))
                )
            if needs_media_hosting(tab.account):
                note = self.tr(
                    "has no media hosting yet, so Instagram cannot fetch the pictures; "
                    "set it up before scheduling (Set up media hosting…)"
                )
                severity = "error" if self._attempted else "warning"
                rows.append((severity, f"{name}: {note}", account_id, HOSTING_ISSUE))
            for issue in self.results[account_id].issues:
                severity = issue.severity
                if issue.code in PENDING_CODES and not self._attempted:
                    severity = "todo"
                rows.append((severity, f"{name}: {issue.message}", account_id, issue))
        rows.sort(key=lambda r: {"error": 0, "warning": 1}.get(r[0], 2))
        self.hosting_button.setVisible(bool(self._accounts_without_hosting()))
        keys = tuple((r[0], r[1], r[3].start, r[3].end) for r in rows)
        if keys == self._warning_keys:
            return
        self._warning_keys = keys
        self.warnings.clear()
        if not rows:
            ok = QListWidgetItem(
                theme.icon("fa5s.check-circle", "#16a34a"),
                self.tr("Fits every chosen network.")
                if selected
                else self.tr("No account chosen."),
            )
            ok.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.warnings.addItem(ok)
            return
        for severity, text, account_id, issue in rows:
            if severity == "error":
                icon, prefix = theme.icon("fa5s.times-circle", "#dc2626"), self.tr("Error")
            elif severity == "warning":
                icon = theme.icon("fa5s.exclamation-triangle", "#d97706")
                prefix = self.tr("Warning")
            else:
                icon, prefix = theme.icon("fa5s.circle", TODO_COLOUR), self.tr("To do")
            item = QListWidgetItem(icon, text)
            item.setData(Qt.ItemDataRole.UserRole + 1, severity)
            if severity == "todo":
                item.setForeground(QColor(TODO_COLOUR))
            item.setData(Qt.ItemDataRole.UserRole, (account_id, issue.start, issue.end))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{prefix}: {text}")
            item.setToolTip(f"{prefix}: {text}")
            self.warnings.addItem(item)

    def _on_warning_activated(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        account_id, start, _end = data
        tab = self.tabs_by_account.get(account_id)
        if tab is None:
            return
        editor = self.base_edit if tab.following else tab.editor
        self.tabs.setCurrentIndex(0 if tab.following else self.tabs.indexOf(tab))
        if start is not None:
            cursor = editor.textCursor()
            cursor.setPosition(min(start, editor.document().characterCount() - 1))
            editor.setTextCursor(cursor)
        editor.setFocus()

    def errors(self, *, pending: bool = True) -> list[str]:
        """What stops scheduling; `pending=False` leaves out what is merely not written or
        attached yet (the buttons stay enabled for it and the click says what is missing)."""
        out = []
        for account_id, result in self.results.items():
            tab = self.tabs_by_account[account_id]
            out += [
                f"{tab.platform.label}: {i.message}"
                for i in result.errors
                if pending or i.code not in PENDING_CODES
            ]
        return out

    def _accounts_without_hosting(self) -> list:
        return [
            self.tabs_by_account[a].account
            for a in self.selected_ids()
            if needs_media_hosting(self.tabs_by_account[a].account)
        ]

    def _refusal(self) -> str:
        """Why Schedule / Publish now cannot go ahead yet ("" when they can)."""
        problems = self.errors()
        for account in self._accounts_without_hosting():
            problems.append(
                self.tr(
                    "Instagram ({handle}) has no media hosting: Instagram fetches pictures from "
                    "a public address. Choose one under Set up media hosting…"
                ).format(handle=account.handle)
            )
        if not problems:
            return ""
        return self.tr("Fix these first:") + "\n" + "\n".join(problems)

    def fix_media_hosting(self) -> None:
        """Open the media-hosting settings of the first Instagram account that needs them (in
        the Accounts area), then check again."""
        missing = self._accounts_without_hosting()
        window = self.parentWidget().window() if self.parentWidget() else None
        accounts_view = getattr(window, "views", {}).get("accounts") if window else None
        editor = getattr(accounts_view, "edit_media_hosting", None)
        if not missing or editor is None:
            return
        editor(missing[0])
        self._reload_accounts()

    def _reload_accounts(self) -> None:
        fresh = {a.id: a for a in list_accounts(self.context, self.workspace.id)}
        for account_id, tab in self.tabs_by_account.items():
            if account_id in fresh:
                tab.account = fresh[account_id]
        self._warning_keys = None  # redraw the list
        self._validate()
        if not self._refusal():
            self.error_label.hide()

    def _update_buttons(self) -> None:
        if self.post is not None and not self.post.editable:
            return
        errors = self.errors(pending=self._attempted)
        selected = self.selected_ids()
        why_not = ""
        if not selected:
            why_not = self.tr("Choose at least one account.")
        elif errors:
            why_not = self.tr("Fix the errors first:") + "\n" + "\n".join(errors)
        self.now_button.setEnabled(not why_not)
        self.now_button.setToolTip(why_not or self.tr("Publish to the chosen accounts right away"))
        when, time_problem = self.schedule.resolve()
        if not why_not and time_problem:
            why_not = time_problem
        elif not why_not and when is not None and when < self.context.clock.now():
            why_not = self.tr("That time has passed; choose a later time or Publish now.")
        self.schedule_button.setEnabled(not why_not)
        self.schedule_button.setToolTip(why_not or self.tr("Schedule (Ctrl+Enter)"))

    # ------------------------------------------------------------ preview

    def _render_preview(self) -> None:
        widget = self.tabs.currentWidget()
        tabs = (
            [widget]
            if isinstance(widget, AccountTab)
            else [self.tabs_by_account[a] for a in self.selected_ids()]
        )
        self.preview.show_posts(
            [(t.platform, t.account.handle, t.text()) for t in tabs], self.media.items
        )

    # ------------------------------------------------------------ saving

    def values(self) -> dict:
        selected = self.selected_ids()
        return {
            "base_text": self.base_edit.toPlainText(),
            "account_ids": selected,
            "overrides": {
                a: self.tabs_by_account[a].override
                for a in selected
                if self.tabs_by_account[a].override is not None
            },
            "media_paths": [m.path for m in self.media.items],
        }

    def save(self, action: str) -> PostDetail | None:
        self._timer.stop()
        if action in ("schedule", "now") and not self._attempted:
            self._attempted = True  # from now on, what is missing is an error
            self._warning_keys = None  # redraw the list
        self._validate()
        if action in ("schedule", "now"):
            refusal = self._refusal()
            if refusal:
                self._show_error(refusal)
                return None
        values = self.values()
        when, problem = self.schedule.resolve()
        if action == "schedule" and problem:
            self._show_error(problem)
            return None
        wall = self.schedule.wall() if when is not None else None
        try:
            if self.post is None:
                detail = self.service.create(
                    self.workspace.id,
                    values["base_text"],
                    values["account_ids"],
                    overrides=values["overrides"],
                    media_paths=values["media_paths"],
                    scheduled_local=wall,
                    zone=self.schedule.zone,
                    fold=self.schedule.fold,
                    action=action,  # type: ignore[arg-type]
                )
            else:
                detail = self.service.update(
                    self.post.id,
                    values["base_text"],
                    values["account_ids"],
                    overrides=values["overrides"],
                    media_paths=values["media_paths"],
                    scheduled_local=wall,
                    zone=self.schedule.zone,
                    fold=self.schedule.fold,
                    action=action,  # type: ignore[arg-type]
                )
        except SchedulingError as exc:
            self._show_error("\n".join(exc.messages))
            return None
        except (NonexistentTimeError, AmbiguousTimeError) as exc:
            self._show_error(str(exc))
            return None
        except PostError as exc:
            self._show_error(str(exc))
            return None
        self._dirty = False
        self.post = detail
        self.saved.emit(detail.id)
        self.accept()
        return detail

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    # ------------------------------------------------------------ closing

    @property
    def dirty(self) -> bool:
        return self._dirty

    def ask_unsaved(self) -> str:
        """'save' | 'discard' | 'cancel'. A separate method so tests can answer it."""
        box = QMessageBox(self)
        box.setObjectName("unsavedChangesBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Unsaved changes"))
        box.setText(self.tr("This post has changes that are not saved."))
        box.setInformativeText(self.tr("Save them as a draft?"))
        save = box.addButton(self.tr("Save draft"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        save.setObjectName("unsavedSaveButton")
        discard.setObjectName("unsavedDiscardButton")
        box.setDefaultButton(save)
        box.exec()
        clicked = box.clickedButton()
        if clicked is save:
            return "save"
        if clicked is discard:
            return "discard"
        return "cancel"

    def reject(self) -> None:
        if self._dirty:
            choice = self.ask_unsaved()
            if choice == "cancel":
                return
            if choice == "save":
                self.save("draft")
                return
        self._dirty = False
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self._dirty:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    # ------------------------------------------------------------ drag and drop of files

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and self.media.isEnabled():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.media.add_paths(paths)
            event.acceptProposedAction()


def _line(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet(f"color: {theme.hex_of('line')};")
    return line
