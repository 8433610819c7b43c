"""After Schedule: a toast says when the post goes out, in the post's zone ("Scheduled for
Tue 14 Mar, 09:00 Europe/London — Show"), and Show moves the calendar to it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, QLocale, QObject, QTime

from app.core.enums import PostStatus
from app.core.posts import PostError, PostService
from app.core.timeutil import from_utc
from app.ui.toast import Toast


class ScheduledNews(QObject):
    def __init__(
        self, toast: Toast, service: PostService, show_post: Callable[[int], None]
    ) -> None:
        super().__init__(toast)
        self.toast = toast
        self.service = service
        self._show_post = show_post
        self.last_scheduled: int | None = None
        toast.actionRequested.connect(self.show_last)

    def announce(self, post_id: int) -> None:
        try:
            post = self.service.get(post_id)
        except PostError:
            return
        if post.scheduled_at is None or post.status != PostStatus.SCHEDULED:
            return
        local = from_utc(post.scheduled_at, post.zone)
        locale = QLocale()
        day = locale.toString(QDate(local.year, local.month, local.day), "ddd d MMM")
        clock = locale.toString(
            QTime(local.hour, local.minute), locale.timeFormat(QLocale.FormatType.ShortFormat)
        )
        self.last_scheduled = post_id
        self.toast.show_message(
            self.tr("Scheduled for {day}, {time} {zone}").format(
                day=day, time=clock, zone=post.zone
            ),
            self.tr("Show"),
        )

    def show_last(self) -> None:
        if self.last_scheduled is not None:
            self._show_post(self.last_scheduled)
