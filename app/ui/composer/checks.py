"""The composer's live checks (a mixin of `ComposerDialog`): each chosen account's text and
media against its network's rules, the length counters (neutral, amber near the limit, red
over it), the highlighted ranges, the warnings list, media hosting, what the buttons allow,
and the preview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
)

from app import platforms
from app.core.accounts import AccountStatus
from app.core.clock import Clock
from app.core.posts import PostDetail
from app.core.workspaces import WorkspaceInfo
from app.ui import theme
from app.ui.composer.editors import AccountTab, highlight
from app.ui.composer.hosting import needs_media_hosting
from app.ui.composer.media import MediaStrip
from app.ui.composer.preview import PreviewPane, preview_item
from app.ui.composer.rules import Issue, Result, RuleCache
from app.ui.composer.schedule import SchedulePicker
from app.ui.composer.services import ComposerServices
from app.ui.media_hosting import edit_media_hosting

STATE_COLOURS = {"ok": "status", "near": "warning_text", "over": "error_text"}  # theme roles
# Things not written or attached yet: shown as a calm "still to do" until the person tries to
# schedule or publish, errors from then on.
PENDING_CODES = frozenset({"empty", "media_required"})
TODO_COLOUR = "muted"  # a theme role
HOSTING_ISSUE = Issue("no_media_hosting", "warning", "", None, None)

# The dialog these mixins become part of, as the type checker sees it.
if TYPE_CHECKING:
    _Dialog = QDialog
else:
    _Dialog = object


class ContentChecks(_Dialog):
    """What it needs from the dialog (built there):"""

    services: ComposerServices
    clock: Clock
    workspace: WorkspaceInfo
    post: PostDetail | None
    media: MediaStrip
    rules: RuleCache
    results: dict[int, Result]
    tabs: QTabWidget
    tabs_by_account: dict[int, AccountTab]
    counter_labels: dict[int, QLabel]
    base_edit: QPlainTextEdit
    warnings: QListWidget
    hosting_button: QPushButton
    error_label: QLabel
    now_button: QPushButton
    schedule_button: QPushButton
    schedule: SchedulePicker
    preview: PreviewPane
    _attempted: bool
    _warning_keys: tuple[Any, ...] | None
    _demo: bool

    if TYPE_CHECKING:  # the targets mixin's

        def selected_ids(self) -> list[int]: ...
        def _update_tab_mark(self, index: int, tab: AccountTab) -> None: ...

    def _validate(self) -> None:
        media = self.media.items
        selected = self.selected_ids()
        self.results = {}
        for account_id in selected:
            tab = self.tabs_by_account[account_id]
            self.results[account_id] = self.rules.check(
                tab.platform, tab.text(), media, getattr(tab.account, "settings", None)
            )
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
        text = result.counter_text(tab.network.display_name)
        if label.text() != text:
            label.setText(text)
        # By length (and bytes) only: neutral, amber near the limit, red over it. A missing
        # photo or an empty text is a line of its own below, never a red counter.
        state = result.length_state
        if label.property("state") != state:
            label.setProperty("state", state)
            weight = "600" if state != "ok" else "400"
            ink = theme.hex_of(STATE_COLOURS[state])
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
            name = f"{tab.network.display_name} ({tab.account.handle})"
            if tab.account.status == AccountStatus.REQUIRES_REAUTH:
                note = self.tr("needs to be reconnected; the post waits until you do")
                rows.append(
                    ("warning", f"{name}: {note}", account_id, Issue("", "", "", None, None))
                )
            if needs_media_hosting(tab.account, bool(self.media.items)):
                note = self.tr(
                    "has no media hosting yet, so {platform} cannot fetch the pictures; "
                    "set it up before scheduling (Set up media hosting…)"
                ).format(platform=tab.network.display_name)
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
                theme.icon("fa5s.check-circle", "success"),
                self.tr("Fits every chosen network.")
                if selected
                else self.tr("No account chosen."),
            )
            ok.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.warnings.addItem(ok)
            return
        for severity, text, account_id, issue in rows:
            if severity == "error":
                icon, prefix = theme.icon("fa5s.times-circle", "danger"), self.tr("Error")
            elif severity == "warning":
                icon = theme.icon("fa5s.exclamation-triangle", "warning_icon")
                prefix = self.tr("Warning")
            else:
                icon, prefix = theme.icon("fa5s.circle", TODO_COLOUR), self.tr("To do")
            item = QListWidgetItem(icon, text)
            item.setData(Qt.ItemDataRole.UserRole + 1, severity)
            if severity == "todo":
                item.setForeground(theme.colour(TODO_COLOUR))
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
                f"{tab.network.display_name}: {i.message}"
                for i in result.errors
                if pending or i.code not in PENDING_CODES
            ]
        return out

    def _accounts_without_hosting(self) -> list:
        return [
            self.tabs_by_account[a].account
            for a in self.selected_ids()
            if needs_media_hosting(self.tabs_by_account[a].account, bool(self.media.items))
        ]

    def _refusal(self) -> str:
        """Why Schedule / Publish now cannot go ahead yet ("" when they can)."""
        problems = self.errors()
        for account in self._accounts_without_hosting():
            problems.append(
                self.tr(
                    "{platform} ({handle}) has no media hosting: {platform} fetches pictures "
                    "from a public address. Choose one under Set up media hosting…"
                ).format(
                    platform=platforms.get(account.platform).display_name, handle=account.handle
                )
            )
        if not problems:
            return ""
        return self.tr("Fix these first:") + "\n" + "\n".join(problems)

    def fix_media_hosting(self) -> None:
        """Ask for the media hosting of the first chosen account that needs one (the dialog
        the Accounts area uses), then check again."""
        missing = self._accounts_without_hosting()
        if not missing:
            return
        edit_media_hosting(
            self, self.services.accounts, self.services.events, missing[0], demo=self._demo
        )
        self._reload_accounts()

    def _reload_accounts(self) -> None:
        fresh = {a.id: a for a in self.services.accounts.list(self.workspace.id)}
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
        elif not why_not and when is not None and when < self.clock.now():
            why_not = self.tr("That time has passed; choose a later time or Publish now.")
        self.schedule_button.setEnabled(not why_not)
        self.schedule_button.setToolTip(why_not or self.tr("Schedule (Ctrl+Enter)"))

    def _render_preview(self) -> None:
        widget = self.tabs.currentWidget()
        current = widget.account_id if isinstance(widget, AccountTab) else None
        self.preview.show_posts(
            [
                preview_item(self.tabs_by_account[a], self.workspace.name)
                for a in self.selected_ids()
            ],
            self.media.items,
            current,
        )
