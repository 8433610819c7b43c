"""The workspace setting "Require alt text": off, a missing description is a warning in the
composer; on, scheduling refuses an image without one (app/core/posts/alt_texts.py)."""

from __future__ import annotations

from sqlalchemy import select

from app.core.db import Database
from app.core.models import Workspace


class AltTextPolicy:
    def __init__(self, db: Database) -> None:
        self.db = db

    def is_required(self, workspace_id: int) -> bool:
        with self.db.session() as s:
            found = s.scalar(select(Workspace.require_alt_text).where(Workspace.id == workspace_id))
            return bool(found)

    def set_required(self, workspace_id: int, required: bool) -> None:
        with self.db.write_session() as s:
            ws = s.get(Workspace, workspace_id)
            if ws is None:
                raise ValueError(f"No workspace {workspace_id}.")
            ws.require_alt_text = bool(required)
            s.commit()
