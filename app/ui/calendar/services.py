"""What the calendar is given when it is built (app/ui/views.py assembles it from the
AppContext): the services it reads and writes through, the clock its "today" comes from, and
how to open the composer. The calendar reaches for nothing else."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from PySide6.QtWidgets import QDialog, QWidget

from app.core.accounts import AccountInfo
from app.core.clock import Clock
from app.core.events import EventHub
from app.core.postquery import PostQuery
from app.core.posts import PostService
from app.core.workspaces import WorkspaceInfo


class ComposerFactory(Protocol):
    """Builds the composer for a new post (optionally at a wall time in `zone`) or for the
    post `post_id`; the dialog has a `saved(int post_id)` signal."""

    def __call__(
        self,
        workspace: WorkspaceInfo,
        *,
        initial_local: datetime | None = None,
        zone: str | None = None,
        post_id: int | None = None,
        parent: QWidget | None = None,
    ) -> QDialog: ...


def _ignore(_text: str) -> None:
    pass


@dataclass(frozen=True)
class CalendarServices:
    posts: PostService
    query: PostQuery
    clock: Clock
    events: EventHub
    #: the accounts of a workspace (filter menu, reconnect banner)
    accounts: Callable[[int], Sequence[AccountInfo]]
    open_composer: ComposerFactory
    #: one line for the person (the window's status bar)
    notify: Callable[[str], None] = _ignore
