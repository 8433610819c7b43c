"""What the UI and the commands share: one database, one clock, and the services built on them.

Services are created on first use, so a command that needs only the database does not pay
for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.events import EventHub
from app.core.workspaces import WorkspaceService


@dataclass
class AppContext:
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    demo: bool = False
    emulator_url: str | None = None
    events: EventHub = field(default_factory=EventHub)

    @cached_property
    def workspaces(self) -> WorkspaceService:
        return WorkspaceService(self.db, self.clock)

    def close(self) -> None:
        self.db.dispose()
