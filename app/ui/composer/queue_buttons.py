"""The composer's queue buttons (issue 22): "Add to queue" and "Share next".

Add to queue puts the post at the next free slot every chosen account shares; Share next
puts it first and moves the queue's other posts one slot later. The buttons are usable
exactly when "Publish now" is (accounts chosen, no content errors): the chosen time does
not matter, the queue picks it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QPushButton

from app.core.posts import PostError, SchedulingError
from app.core.queues import QueueError
from app.core.timeutil import from_utc

__all__ = ["install"]


class _FollowEnabled(QObject):
    """Mirrors the enabled state of the composer's Publish now button onto the queue buttons."""

    def __init__(self, source: QPushButton, followers: list[QPushButton]) -> None:
        super().__init__(source)
        self.source = source
        self.followers = followers
        source.installEventFilter(self)
        self.sync()

    def sync(self) -> None:
        for button in self.followers:
            button.setEnabled(self.source.isEnabled())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.EnabledChange:
            self.sync()
        return False


def install(dialog: Any) -> tuple[QPushButton, QPushButton]:
    """Create both buttons on `dialog` (a ComposerDialog); the caller lays them out."""
    add = QPushButton(dialog.tr("Add to queue"), dialog)
    add.setObjectName("addToQueueButton")
    add.setToolTip(dialog.tr("Publish at the next free slot of the chosen accounts"))
    nxt = QPushButton(dialog.tr("Share next"), dialog)
    nxt.setObjectName("shareNextButton")
    nxt.setToolTip(dialog.tr("Put it first in the queue; the others move one slot later"))
    for button, share_next in ((add, False), (nxt, True)):
        button.setAccessibleName(button.text())
        button.setAutoDefault(False)
        button.clicked.connect(lambda _=False, s=share_next: save_to_queue(dialog, s))
    dialog._queue_enabled = _FollowEnabled(dialog.now_button, [add, nxt])
    return add, nxt


def save_to_queue(dialog: Any, share_next: bool) -> int | None:
    """Save the composer's post into the queue; shows the reason and keeps the dialog open
    when it cannot. Returns the post id."""
    dialog._timer.stop()
    dialog._validate()
    values = dialog.values()
    queues = dialog.services.queues
    try:
        if dialog.post is None:
            placed = queues.add(
                dialog.workspace.id,
                values["base_text"],
                values["account_ids"],
                overrides=values["overrides"],
                media_paths=values["media_paths"],
                media_alt_texts=values["media_alt_texts"],
                share_next=share_next,
            )
        else:
            queues.upcoming(values["account_ids"], 1)  # no shared slot: say so, change nothing
            dialog.service.update(
                dialog.post.id,
                values["base_text"],
                values["account_ids"],
                overrides=values["overrides"],
                media_paths=values["media_paths"],
                media_alt_texts=values["media_alt_texts"],
                action="draft",
            )
            placed = queues.queue_post(dialog.post.id, share_next=share_next)
    except SchedulingError as exc:
        dialog._show_error("\n".join(exc.messages))
        return None
    except (QueueError, PostError) as exc:
        dialog._show_error(str(exc))
        return None
    dialog._dirty = False
    dialog.post = dialog.service.get(placed.post_id)
    if placed.when is not None:
        zone = dialog.workspace.timezone
        dialog.setProperty("queuedAt", f"{from_utc(placed.when, zone):%a %d %b %H:%M}")
    dialog.saved.emit(placed.post_id)
    dialog.accept()
    return placed.post_id
