"""CsvImportService: the app's CSV import (issue 22), with the rules of `main.py import`.

`preview` reads and checks the whole file (app.core.csv_table, app.core.csv_rows) and writes
nothing; the dialog shows every row with its problems. `commit` imports a preview only when
every row is valid, all rows in one transaction (a row that went bad meanwhile, a time that
passed, refuses the whole import: nothing is written).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.accounts import AccountService
from app.core.clock import Clock, SystemClock
from app.core.csv_rows import PLATFORM_TEXT, REQUIRED, AccountIndex, RowCheck, check_rows, drafts_of
from app.core.csv_table import CsvRefused, read_table
from app.core.db import Database
from app.core.events import POSTS_CHANGED, EventHub
from app.core.posts import PostBatchError, PostService
from app.core.vault import Vault


class ImportRefused(ValueError):
    """Nothing was imported; `problems` says why (one line each)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportPreview:
    path: Path
    workspace_id: int
    checks: tuple[RowCheck, ...]
    #: problems of the file itself (encoding, quotes, columns): no rows to show then
    file_errors: tuple[str, ...] = ()

    @property
    def bad(self) -> int:
        return sum(1 for c in self.checks if c.problems)

    @property
    def ready(self) -> bool:
        """Every row valid (and at least one): the only state in which it may be imported."""
        return not self.file_errors and bool(self.checks) and self.bad == 0


class CsvImportService:
    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        events: EventHub | None = None,
        posts: PostService | None = None,
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.events = events
        self.posts = posts or PostService(db, self.clock, events)

    def preview(
        self,
        path: Path,
        workspace_id: int,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportPreview:
        """Every row of the file checked; nothing written. Safe to run off the UI thread."""
        try:
            table = read_table(path, REQUIRED, tuple(PLATFORM_TEXT.values()))
        except CsvRefused as exc:
            return ImportPreview(path, workspace_id, (), tuple(exc.errors))
        except OSError as exc:
            reason = f"{path}: cannot read the file ({exc.strerror or exc})"
            return ImportPreview(path, workspace_id, (), (reason,))
        if not table.records:
            reason = f"{path}: no rows to import (only the line naming the columns)"
            return ImportPreview(path, workspace_id, (), (reason,))
        index = AccountIndex(AccountService(self.db, Vault(self.db)).list(workspace_id))
        checks = check_rows(path, table, index, self.clock.now(), progress)
        return ImportPreview(path, workspace_id, tuple(checks))

    def commit(self, preview: ImportPreview) -> int:
        """Import every row of a ready preview, in one transaction; returns how many."""
        if not preview.ready:
            raise ImportRefused(["Fix the highlighted rows first: nothing was imported."])
        rows = [c.row for c in preview.checks if c.row is not None]
        with self.db.write_session() as s:
            try:
                self.posts.create_many(s, preview.workspace_id, drafts_of(rows))
            except PostBatchError as exc:
                s.rollback()
                raise ImportRefused(
                    [f"line {rows[i].line}: {m}" for i, m in exc.problems]
                ) from None
            s.commit()
        if self.events is not None:
            self.events.publish(POSTS_CHANGED, workspace_id=preview.workspace_id)
        return len(rows)
