"""The problems panel (problemsPanel): failed targets with the platform's reason and Retry
(retryButton) / Edit; targets waiting for confirmation with Review (reviewButton), which opens
the confirmation dialog (confirmationDialog: "It was published" confirmPublishedButton /
"Publish again" publishAgainButton); and how many posts were missed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.core.enums import TargetStatus
from app.core.posts import PostError, PostService, TargetProblem
from app.core.timeutil import from_utc
from app.ui import theme
from app.ui.attention.widgets import icon_label, named_button

MAX_ROWS = 4


class ConfirmationDialog(QDialog):
    """Ask whether a target that was in flight when Herald stopped did go out."""

    def __init__(self, service: PostService, problem: TargetProblem, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmationDialog")
        self.setWindowTitle(self.tr("Did this post go out?"))
        self.service = service
        self.problem = problem
        name = f"{problem.platform.label} ({problem.handle})"
        message = self.tr(
            "Herald was publishing this post to {name} when it stopped, and {platform} "
            "could not tell whether the post went out. Look at the account, then choose:"
        ).format(name=name, platform=problem.platform.label)
        if problem.part_id is not None:  # "part 3 of the thread" (issue 19)
            what = (problem.error_message or "").split(":")[0]
            message = message.replace("this post", what).replace("the post went", "it went")
        text = QLabel(message, self)
        text.setWordWrap(True)
        excerpt = QLabel(f"“{problem.excerpt}”", self)
        excerpt.setWordWrap(True)
        excerpt.setProperty("role", "small")
        self.error_label = QLabel("", self)
        self.error_label.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.error_label.hide()
        self.published_button = named_button(
            self.tr("It was published"), "confirmPublishedButton", self
        )
        self.published_button.setToolTip(
            self.tr("Mark it published; Herald will not send it again")
        )
        self.again_button = named_button(
            self.tr("Publish again"), "publishAgainButton", self, primary=True
        )
        self.again_button.setToolTip(self.tr("It did not go out: send it now"))
        later = named_button(self.tr("Later"), "confirmLaterButton", self)
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
            if self.problem.part_id is not None:  # a chain part or comment (issue 19)
                self.service.resolve_part(self.problem.part_id, published=published)
            elif published:
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
        header.addWidget(icon_label(theme.icon("fa5s.exclamation-triangle", "warning_text"), self))
        self.summary = QLabel(self)
        self.summary.setObjectName("problemsSummaryLabel")
        header.addWidget(self.summary, 1)
        self.toggle = named_button(self.tr("Show"), "problemsToggleButton", self)
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
            if item is None:
                break
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
        line.addWidget(icon_label(theme.platform_icon(str(problem.platform)), row))
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
            if problem.part_id is not None:  # "part 3 of the thread: did it go out …?"
                text = f"{self._when(problem)}{name}, {problem.error_message}"
        line.addWidget(icon_label(status_icon, row))
        label = QLabel(text, row)
        label.setWordWrap(True)
        label.setToolTip(f"{text}\n“{problem.excerpt}”")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addWidget(label, 1)
        if problem.status == TargetStatus.FAILED:
            edit = named_button(self.tr("Edit"), "editFailedButton", row)
            edit.clicked.connect(lambda _=False, p=problem.post_id: self.editRequested.emit(p))
            retry = named_button(self.tr("Retry"), "retryButton", row, primary=True)
            retry.setProperty("postId", problem.post_id)
            retry.setToolTip(self.tr("Send it again to the accounts that failed"))
            retry.clicked.connect(lambda _=False, p=problem.post_id: self.retry(p))
            line.addWidget(edit)
            line.addWidget(retry)
        else:
            review = named_button(self.tr("Review…"), "reviewButton", row, primary=True)
            review.clicked.connect(lambda _=False, p=problem: self.review(p))
            line.addWidget(review)
        return row

    def _missed_row(self, count: int) -> QWidget:
        row = QWidget(self.details)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(icon_label(theme.icon("fa5s.history", "attention"), row))
        line.addWidget(
            QLabel(
                self.tr("1 post fell due while Herald was closed.")
                if count == 1
                else self.tr("{n} posts fell due while Herald was closed.").format(n=count),
                row,
            ),
            1,
        )
        review = named_button(self.tr("Review…"), "reviewMissedButton", row, primary=True)
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
