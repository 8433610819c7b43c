"""Posts missed while Herald was closed (missedPostsDialog): Publish now
(publishMissedNowButton) / Reschedule (rescheduleMissedButton) for the chosen posts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from PySide6.QtCore import QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from app.core.posts import PostError, PostService
from app.core.timeutil import AmbiguousTimeError, NonexistentTimeError, from_utc, to_utc
from app.ui import theme
from app.ui.attention.widgets import named_button
from app.ui.dates import limit_dates


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
        self.error_label.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.publish_button = named_button(
            self.tr("Publish now"), "publishMissedNowButton", self, primary=True
        )
        self.reschedule_button = named_button(self.tr("Reschedule"), "rescheduleMissedButton", self)
        later = named_button(self.tr("Later"), "missedLaterButton", self)
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
        wall = cast(datetime, self.when_edit.dateTime().toPython()).replace(second=0, microsecond=0)
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
