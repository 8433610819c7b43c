"""Workspaces: a name and an IANA time zone. Every aggregate in Herald is per workspace."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.models import Workspace
from app.core.timeutil import is_valid_zone


class WorkspaceError(ValueError):
    pass


@dataclass(frozen=True)
class WorkspaceInfo:
    id: int
    name: str
    timezone: str


def _info(ws: Workspace) -> WorkspaceInfo:
    return WorkspaceInfo(ws.id, ws.name, ws.timezone)


def _clean(name: str, timezone: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise WorkspaceError("A workspace needs a name.")
    if len(name) > 120:
        raise WorkspaceError("A workspace name can be at most 120 characters.")
    if not is_valid_zone(timezone):
        raise WorkspaceError(f"Unknown time zone: {timezone!r}.")
    return name, timezone


class WorkspaceService:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()

    def list(self) -> list[WorkspaceInfo]:
        with self.db.session() as s:
            return [_info(w) for w in s.scalars(select(Workspace).order_by(Workspace.name))]

    def get(self, workspace_id: int) -> WorkspaceInfo:
        with self.db.session() as s:
            ws = s.get(Workspace, workspace_id)
            if ws is None:
                raise WorkspaceError(f"No workspace with id {workspace_id}.")
            return _info(ws)

    def by_name(self, name: str) -> WorkspaceInfo:
        with self.db.write_session() as s:
            ws = s.scalar(
                select(Workspace).where(func.lower(Workspace.name) == name.strip().lower())
            )
            if ws is None:
                raise WorkspaceError(f"No workspace named {name!r}.")
            return _info(ws)

    def create(self, name: str, timezone: str) -> WorkspaceInfo:
        name, timezone = _clean(name, timezone)
        with self.db.write_session() as s:
            if s.scalar(select(Workspace.id).where(func.lower(Workspace.name) == name.lower())):
                raise WorkspaceError(f"A workspace named {name!r} already exists.")
            ws = Workspace(name=name, timezone=timezone, created_at=self.clock.now())
            s.add(ws)
            try:
                s.commit()
            except IntegrityError as exc:
                raise WorkspaceError(f"A workspace named {name!r} already exists.") from exc
            return _info(ws)

    def update(self, workspace_id: int, name: str, timezone: str) -> WorkspaceInfo:
        name, timezone = _clean(name, timezone)
        with self.db.session() as s:
            ws = s.get(Workspace, workspace_id)
            if ws is None:
                raise WorkspaceError(f"No workspace with id {workspace_id}.")
            clash = s.scalar(
                select(Workspace.id).where(
                    func.lower(Workspace.name) == name.lower(), Workspace.id != workspace_id
                )
            )
            if clash:
                raise WorkspaceError(f"A workspace named {name!r} already exists.")
            ws.name, ws.timezone = name, timezone
            s.commit()
            return _info(ws)

    def ensure_default(self, timezone: str) -> WorkspaceInfo:
        """The first workspace, created on first start when there is none."""
        existing = self.list()
        if existing:
            return existing[0]
        return self.create("My business", timezone)
