"""The calendar's way to the composer: a new post (at a slot's wall time, in the zone shown)
or an existing one. After Schedule a toast says when the post goes out, in the post's zone
("Scheduled for Tue 14 Mar, 09:00 Europe/London — Show"), and Show moves the calendar to it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QLocale, QObject, Qt, QTime
from PySide6.QtWidgets import QDialog

from app.core.enums import PostStatus
from app.core.posts import PostError
from app.core.timeutil import from_utc
from app.ui.toast import Toast

if TYPE_CHECKING:
    from app.ui.calendar.view import CalendarView


class Composing(QObject):
    def __init__(self, view: CalendarView, toast: Toast) -> None:
        super().__init__(view)
        self.view = view
        self.toast = toast
        self.last_scheduled: int | None = None
        toast.actionRequested.connect(self.show_last)

    def open(self, **kwargs: Any) -> QDialog | None:
        view = self.view
        if view.workspace is None:
            return None
        try:
            dialog = view.services.open_composer(view.workspace, parent=view, **kwargs)
        except PostError as exc:
            view.notify(str(exc))
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.announce)  # type: ignore[attr-defined]
        dialog.open()
        return dialog

    def new_post(self, wall: datetime | None = None) -> QDialog | None:
        return self.open(initial_local=wall, zone=self.view.zone)

    def edit(self, post_id: int) -> QDialog | None:
        return self.open(post_id=post_id)

    def announce(self, post_id: int) -> None:
        try:
            post = self.view.service.get(post_id)
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
        """Move the calendar to the post announced by the toast and select it."""
        if self.last_scheduled is None:
            return
        view = self.view
        try:
            post = view.service.get(self.last_scheduled)
        except PostError:
            return
        if post.scheduled_at is not None:
            view.go_to(from_utc(post.scheduled_at, view.zone).date())
            view.current_grid().select(post.id)
