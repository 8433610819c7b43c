"""Where a new workspace stands on the first-run checklist (issue 21), read from the data and
from a few settings. No Qt: the UI's checklist asks this and shows the answer.

The checklist shows only after the welcome screen created the first workspace
(`PENDING_KEY`), never for an existing database; it goes away for good when done or hidden
(`DONE_KEY`). The time-zone step is what the person did (`ZONE_KEY`: workspaces whose zone
they looked at).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.core.db import Database
from app.core.models import Account, Post, PostStatus
from app.core.settings import SettingsService

PENDING_KEY = "ui.checklist_pending"  # set when the welcome screen created the workspace
DONE_KEY = "ui.checklist_done"
ZONE_KEY = "ui.checklist_zone_checked"


@dataclass(frozen=True)
class Progress:
    accounts: bool
    zone: bool
    first_post: bool

    @property
    def complete(self) -> bool:
        return self.accounts and self.zone and self.first_post

    @property
    def left(self) -> int:
        return 3 - sum((self.accounts, self.zone, self.first_post))


class OnboardingService:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.settings = SettingsService(db)

    def wanted(self) -> bool:
        """True while the checklist should show: pending from the welcome screen, not done."""
        return self.settings.flag(PENDING_KEY) and not self.settings.flag(DONE_KEY)

    def progress(self, workspace_id: int) -> Progress:
        with self.db.session() as s:
            accounts = s.scalar(
                select(func.count())
                .select_from(Account)
                .where(Account.workspace_id == workspace_id)
            )
            posts = s.scalar(
                select(func.count())
                .select_from(Post)
                .where(
                    Post.workspace_id == workspace_id,
                    Post.status != PostStatus.DRAFT,
                    Post.deleted_at.is_(None),
                )
            )
        zone_checked = workspace_id in (self.settings.get(ZONE_KEY) or [])
        return Progress(bool(accounts), zone_checked, bool(posts))

    def zone_checked(self, workspace_id: int) -> None:
        checked = list(self.settings.get(ZONE_KEY) or [])
        self.settings.set(ZONE_KEY, sorted({*checked, workspace_id}))

    def finish(self) -> None:
        """Done or hidden: the checklist never shows again."""
        self.settings.set(DONE_KEY, True)
