"""What needs a person: accounts to reconnect, failed targets to retry, posts that may or may not
have gone out before a crash, and posts missed while Herald was closed.

- `AttentionBanner` (objectName attentionBanner): one row per account that needs reauth, with a
  Reconnect button (reconnectButton) emitting `reconnectRequested(account_id)`.
- `ProblemsPanel` (problemsPanel): failed targets with the platform's reason and Retry
  (retryButton) / Edit; targets waiting for confirmation with Review (reviewButton); missed posts.
- `ConfirmationDialog` (confirmationDialog): "It was published" (confirmPublishedButton) /
  "Publish again" (publishAgainButton).
- `MissedPostsDialog` (missedPostsDialog): Publish now (publishMissedNowButton) / Reschedule
  (rescheduleMissedButton) for the chosen posts.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.models import AccountStatus, TargetStatus
from app.core.posts import PostError, PostService, TargetProblem
from app.core.timeutil import AmbiguousTimeError, NonexistentTimeError, from_utc, to_utc
from app.platforms.names import Platform
from app.ui import theme
from app.ui.dates import limit_dates

MAX_ROWS = 4


def _icon_label(icon, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setPixmap(icon.pixmap(16, 16))
    label.setFixedWidth(20)
    return label


def _button(text: str, name: str, parent: QWidget, *, primary: bool = False) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setAccessibleName(text)
    if primary:
        button.setProperty("primary", True)
    return button


class AttentionBanner(QFrame):
    reconnectRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attentionBanner")
        self.setAccessibleName(self.tr("Accounts that need to be reconnected"))
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._layout.setSpacing(4)
        self._rows: dict[int, tuple[QWidget, QLabel]] = {}
        self.hide()

    def set_accounts(self, accounts) -> None:
        """Show exactly the accounts (AccountInfo-like) whose status is REQUIRES_REAUTH."""
        wanted = {a.id: a for a in accounts if a.status == AccountStatus.REQUIRES_REAUTH}
        for account_id in list(self._rows):
            if account_id not in wanted:
                self.clear(account_id)
        for a in wanted.values():
            self.show_reauth(a.id, a.status_reason or "", handle=a.handle, platform=a.platform)
        self.setVisible(bool(self._rows))

    def show_reauth(
        self,
        account_id: int,
        reason: str,
        *,
        handle: str | None = None,
        platform: Platform | str | None = None,
    ) -> None:
        name = handle or self.tr("An account")
        if platform is not None:
            name = f"{Platform(platform).label} ({name})"
        text = self.tr(
            "{name} needs to be reconnected{reason}. Its posts wait until you do."
        ).format(name=name, reason=f": {reason}" if reason else "")
        if account_id in self._rows:
            self._rows[account_id][1].setText(text)
        else:
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(8)
            icon = (
                theme.platform_icon(str(platform))
                if platform
                else theme.icon("fa5s.plug", "#b45309")
            )
            line.addWidget(_icon_label(icon, row))
            label = QLabel(text, row)
            label.setObjectName(f"reauthLabel_{account_id}")
            label.setWordWrap(True)
            line.addWidget(label, 1)
            button = _button(self.tr("Reconnect"), "reconnectButton", row, primary=True)
            button.setProperty("accountId", account_id)
            button.setToolTip(self.tr("Sign in to {name} again").format(name=name))
            button.clicked.connect(lambda _=False, a=account_id: self.reconnectRequested.emit(a))
            line.addWidget(button)
            self._layout.addWidget(row)
            self._rows[account_id] = (row, label)
        self.show()

    def clear(self, account_id: int) -> None:
        row = self._rows.pop(account_id, None)
        if row is not None:
            row[0].hide()
            row[0].setParent(None)
            row[0].deleteLater()
        self.setVisible(bool(self._rows))

    def account_ids(self) -> list[int]:
        return list(self._rows)


class ConfirmationDialog(QDialog):
    """Ask whether a target that was in flight when Herald stopped did go out."""

    def __init__(self, service: PostService, problem: TargetProblem, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmationDialog")
        self.setWindowTitle(self.tr("Did this post go out?"))
        self.service = service
        self.problem = problem
        name = f"{problem.platform.label} ({problem.handle})"
        text = QLabel(
            self.tr(
                "Herald was publishing this post to {name} when it stopped, and {platform} "
                "could not tell whether the post went out. Look at the account, then choose:"
            ).format(name=name, platform=problem.platform.label),
            self,
        )
        text.setWordWrap(True)
        excerpt = QLabel(f"“{problem.excerpt}”", self)
        excerpt.setWordWrap(True)
        excerpt.setProperty("role", "small")
        self.error_label = QLabel("", self)
        self.error_label.setStyleSheet("color: #b91c1c;")
        self.error_label.hide()
        self.published_button = _button(self.tr("It was published"), "confirmPublishedButton", self)
        self.published_button.setToolTip(
            self.tr("Mark it published; Herald will not send it again")
        )
        self.again_button = _button(
            self.tr("Publish again"), "publishAgainButton", self, primary=True
        )
        self.again_button.setToolTip(self.tr("It did not go out: send it now"))
        later = _button(self.tr("Later"), "confirmLaterButton", self)
        self.published_button.clicked.connect(lambda: self._resolve(True))
        self.again_button.clicked.connect(lambda: self._resolve(False))
        later.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (later, self.published_button, self.again_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addWidget(text)
        layout.addWidget(excerpt)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)

    def _resolve(self, published: bool) -> None:
        try:
            if published:
                self.service.confirm_published(self.problem.target_id)
            else:
                self.service.publish_again(self.problem.target_id)
        except PostError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.accept()


class ProblemsPanel(QFrame):
    """Failed targets, targets awaiting confirmation and missed posts of the workspace."""

    editRequested = Signal(int)
    missedReviewRequested = Signal()
    notice = Signal(str)

    def __init__(self, service: PostService, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("problemsPanel")
        self.setProperty("role", "card")
        self.setAccessibleName(self.tr("Posts that need attention"))
        self.service = service
        self.zone = "UTC"
        self.problems: list[TargetProblem] = []
        self.expanded = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 6, 12, 6)
        outer.setSpacing(4)
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(_icon_label(theme.icon("fa5s.exclamation-triangle", "#b45309"), self))
        self.summary = QLabel(self)
        self.summary.setObjectName("problemsSummaryLabel")
        header.addWidget(self.summary, 1)
        self.toggle = _button(self.tr("Show"), "problemsToggleButton", self)
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._on_toggle)
        header.addWidget(self.toggle)
        outer.addLayout(header)
        self.details = QWidget(self)
        self.details.setObjectName("problemsDetails")
        self._layout = QVBoxLayout(self.details)
        self._layout.setContentsMargins(0, 4, 0, 0)
        self._layout.setSpacing(4)
        outer.addWidget(self.details)
        self.details.hide()
        self.hide()

    def _on_toggle(self, on: bool) -> None:
        self.expanded = on
        self.details.setVisible(on)
        self.toggle.setText(self.tr("Hide") if on else self.tr("Show"))
        self.toggle.setAccessibleName(
            self.tr("Hide the posts that need attention")
            if on
            else self.tr("Show the posts that need attention")
        )

    def set_problems(self, problems: list[TargetProblem], zone: str) -> None:
        self.problems = problems
        self.zone = zone
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        failed = [p for p in problems if p.status == TargetStatus.FAILED]
        confirm = [p for p in problems if p.status == TargetStatus.NEEDS_CONFIRMATION]
        missed = {p.post_id for p in problems if p.status == TargetStatus.MISSED}
        parts = []
        if failed:
            parts.append(self.tr("{n} failed").format(n=len(failed)))
        if confirm:
            parts.append(self.tr("{n} to confirm").format(n=len(confirm)))
        if missed:
            parts.append(self.tr("{n} missed while Herald was closed").format(n=len(missed)))
        self.summary.setText(
            self.tr("Posts need your attention: {what}.").format(what=", ".join(parts))
        )
        shown = 0
        for problem in confirm + failed:
            if shown >= MAX_ROWS:
                break
            self._layout.addWidget(self._row(problem))
            shown += 1
        rest = len(confirm) + len(failed) - shown
        if rest > 0:
            more = QLabel(
                self.tr("…and {n} more, marked in the calendar.").format(n=rest), self.details
            )
            more.setProperty("role", "small")
            self._layout.addWidget(more)
        if missed:
            self._layout.addWidget(self._missed_row(len(missed)))
        self.setVisible(bool(problems))

    def _when(self, problem: TargetProblem) -> str:
        if problem.scheduled_at is None:
            return ""
        return f"{from_utc(problem.scheduled_at, self.zone):%a %d %b %H:%M} · "

    def _row(self, problem: TargetProblem) -> QWidget:
        row = QWidget(self.details)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(8)
        line.addWidget(_icon_label(theme.platform_icon(str(problem.platform)), row))
        name = f"{problem.platform.label} ({problem.handle})"
        if problem.status == TargetStatus.FAILED:
            status_icon = theme.icon("fa5s.exclamation-circle", theme.STATUS_COLOURS["FAILED"][0])
            reason = problem.error_message or problem.error_code or self.tr("no reason given")
            text = self.tr("{when}{name} failed: {reason}").format(
                when=self._when(problem), name=name, reason=reason
            )
        else:
            status_icon = theme.icon("fa5s.hand-paper", theme.STATUS_COLOURS["ATTENTION"][0])
            text = self.tr("{when}{name}: did this post go out before Herald stopped?").format(
                when=self._when(problem), name=name
            )
        line.addWidget(_icon_label(status_icon, row))
        label = QLabel(text, row)
        label.setWordWrap(True)
        label.setToolTip(f"{text}\n“{problem.excerpt}”")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addWidget(label, 1)
        if problem.status == TargetStatus.FAILED:
            edit = _button(self.tr("Edit"), "editFailedButton", row)
            edit.clicked.connect(lambda _=False, p=problem.post_id: self.editRequested.emit(p))
            retry = _button(self.tr("Retry"), "retryButton", row, primary=True)
            retry.setProperty("postId", problem.post_id)
            retry.setToolTip(self.tr("Send it again to the accounts that failed"))
            retry.clicked.connect(lambda _=False, p=problem.post_id: self.retry(p))
            line.addWidget(edit)
            line.addWidget(retry)
        else:
            review = _button(self.tr("Review…"), "reviewButton", row, primary=True)
            review.clicked.connect(lambda _=False, p=problem: self.review(p))
            line.addWidget(review)
        return row

    def _missed_row(self, count: int) -> QWidget:
        row = QWidget(self.details)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(_icon_label(theme.icon("fa5s.history", "#9333ea"), row))
        line.addWidget(
            QLabel(
                self.tr("1 post fell due while Herald was closed.")
                if count == 1
                else self.tr("{n} posts fell due while Herald was closed.").format(n=count),
                row,
            ),
            1,
        )
        review = _button(self.tr("Review…"), "reviewMissedButton", row, primary=True)
        review.clicked.connect(self.missedReviewRequested)
        line.addWidget(review)
        return row

    def retry(self, post_id: int) -> None:
        try:
            count = self.service.retry_failed(post_id)
        except PostError as exc:
            self.notice.emit(str(exc))
            return
        self.notice.emit(
            self.tr("Retrying 1 account.")
            if count == 1
            else self.tr("Retrying {n} accounts.").format(n=count)
        )

    def review(self, problem: TargetProblem) -> ConfirmationDialog:
        dialog = ConfirmationDialog(self.service, problem, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


class MissedPostsDialog(QDialog):
    """Posts that fell due while Herald was closed (past the grace period)."""

    def __init__(self, service: PostService, workspace_id: int, zone: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("missedPostsDialog")
        self.setWindowTitle(self.tr("Posts missed while Herald was closed"))
        self.service = service
        self.workspace_id = workspace_id
        self.zone = zone
        intro = QLabel(
            self.tr(
                "These posts were due while Herald was not running. Publish them now, or "
                "choose a new time. Nothing is sent until you decide."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("missedList")
        self.list.setAccessibleName(self.tr("Missed posts"))
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.when_edit = QDateTimeEdit(self)
        self.when_edit.setObjectName("rescheduleDateTimeEdit")
        self.when_edit.setAccessibleName(self.tr("New time"))
        self.when_edit.setCalendarPopup(True)
        limit_dates(self.when_edit)
        self.when_edit.setStyleSheet(
            "QDateTimeEdit::drop-down { subcontrol-origin: padding;"
            " subcontrol-position: center right; width: 20px; border: none; }"
        )
        self.when_edit.setToolTip(self.tr("New time, in {zone}").format(zone=zone))
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("missedErrorLabel")
        self.error_label.setStyleSheet("color: #b91c1c;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.publish_button = _button(
            self.tr("Publish now"), "publishMissedNowButton", self, primary=True
        )
        self.reschedule_button = _button(self.tr("Reschedule"), "rescheduleMissedButton", self)
        later = _button(self.tr("Later"), "missedLaterButton", self)
        later.setToolTip(
            self.tr("Decide later; the posts stay in the calendar as needing attention")
        )
        self.publish_button.clicked.connect(self.publish_now)
        self.reschedule_button.clicked.connect(self.reschedule)
        later.clicked.connect(self.reject)
        when_row = QHBoxLayout()
        when_row.addWidget(QLabel(self.tr("New time ({zone}):").format(zone=zone), self))
        when_row.addWidget(self.when_edit, 1)
        when_row.addWidget(self.reschedule_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(later)
        buttons.addWidget(self.publish_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(when_row)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.resize(560, 420)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for post in self.service.missed(self.workspace_id):
            when = (
                f"{from_utc(post.scheduled_at, self.zone):%a %d %b %H:%M}"
                if post.scheduled_at
                else ""
            )
            platforms = ", ".join(p.label for p in post.platforms)
            item = QListWidgetItem(f"{when} · {platforms}\n{post.excerpt}")
            item.setData(Qt.ItemDataRole.UserRole, post.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        soon = from_utc(self.service.clock.now(), self.zone) + timedelta(hours=1)
        self.when_edit.setDateTime(
            QDateTime(soon.date(), QTime(soon.hour, 0))  # type: ignore[call-overload]
        )
        if self.list.count() == 0 and self.isVisible():
            self.accept()

    def chosen(self) -> list[int]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _fail(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def publish_now(self) -> None:
        ids = self.chosen()
        if not ids:
            self._fail(self.tr("Tick the posts to publish."))
            return
        self.service.publish_missed_now(ids)
        self.reload()

    def reschedule(self) -> None:
        ids = self.chosen()
        if not ids:
            self._fail(self.tr("Tick the posts to reschedule."))
            return
        wall = self.when_edit.dateTime().toPython().replace(second=0, microsecond=0)
        try:
            when = to_utc(wall, self.zone)
        except NonexistentTimeError as exc:
            self._fail(
                self.tr(
                    "{time} does not exist on that day (clocks skip ahead); try {next}."
                ).format(time=f"{wall:%H:%M}", next=f"{exc.next_valid:%H:%M}")
            )
            return
        except AmbiguousTimeError:
            self._fail(
                self.tr(
                    "{time} happens twice on that day (clocks go back); choose a time outside "
                    "the repeated hour, or reschedule from the composer to pick which one."
                ).format(time=f"{wall:%H:%M}")
            )
            return
        try:
            for i, post_id in enumerate(ids):
                self.service.reschedule_missed(post_id, when + timedelta(minutes=5 * i))
        except PostError as exc:
            self._fail(str(exc))
            return
        self.reload()
