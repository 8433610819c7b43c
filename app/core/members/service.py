"""MemberService: add, list and remove the people of a workspace, with their role there.

On PostgreSQL each person gets one login role of their own (shared by all their
workspaces), created when they are first added and dropped when their last membership goes;
its table privileges follow their roles (a person who is a viewer everywhere may only read).
On SQLite members are only recorded: it is single-user, and the app enforces the roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.members import logins
from app.core.models import Member, MemberRole, Workspace

T = TypeVar("T")


class MemberError(ValueError):
    """One line for a person."""


@dataclass(frozen=True)
class MemberInfo:
    name: str
    role: MemberRole
    workspace: str
    login: str | None


@dataclass(frozen=True)
class AddedMember:
    info: MemberInfo
    #: the member's connection URL with their generated password: shown once, stored nowhere.
    #: None on SQLite, or when the person already had a login (their URL has not changed).
    url: str | None


def parse_role(value: str) -> MemberRole:
    try:
        return MemberRole((value or "").strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in MemberRole)
        raise MemberError(f"Unknown role {value!r}; use one of: {allowed}.") from None


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise MemberError("A member needs a name.")
    if len(name) > 120:
        raise MemberError("A member's name can be at most 120 characters.")
    return name


def _workspace(s: Session, name: str) -> Workspace:
    ws = s.scalar(select(Workspace).where(func.lower(Workspace.name) == name.strip().lower()))
    if ws is None:
        raise MemberError(f"No workspace named {name!r}.")
    return ws


def _same_person(name: str) -> ColumnElement[bool]:
    return func.lower(Member.name) == name.lower()


class MemberService:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()

    def list(self, workspace: str | None = None) -> list[MemberInfo]:
        with self.db.session() as s:
            query = select(Member, Workspace.name).join(Workspace)
            if workspace is not None:
                query = query.where(Workspace.id == _workspace(s, workspace).id)
            query = query.order_by(Workspace.name, Member.name)
            return [MemberInfo(m.name, m.role, ws, m.login) for m, ws in s.execute(query)]

    def add(self, workspace: str, name: str, role: MemberRole) -> AddedMember:
        name = _clean_name(name)
        with self.db.write_session() as s:
            ws = _workspace(s, workspace)
            if s.scalar(select(Member.id).where(Member.workspace_id == ws.id, _same_person(name))):
                raise MemberError(f"{name} is already a member of {ws.name}.")
            # One login per person: reuse the one their other memberships have.
            login = s.scalar(select(Member.login).where(_same_person(name)).limit(1))
            url = None
            if not self.db.is_sqlite and login is None:
                login = logins.new_login_name(name)
                password = self._pg(s, logins.create_login, login)
                url = logins.member_url(self.db.url, login, password)
            s.add(
                Member(
                    workspace_id=ws.id,
                    name=name,
                    role=role,
                    login=login,
                    created_at=self.clock.now(),
                )
            )
            s.flush()
            if login is not None:
                self._regrant(s, login)
            s.commit()
            return AddedMember(MemberInfo(name, role, ws.name, login), url)

    def remove(self, workspace: str, name: str) -> MemberInfo:
        """Remove the membership; on PostgreSQL the person's open sessions end now, and their
        login is dropped when this was their last workspace."""
        name = (name or "").strip()
        with self.db.write_session() as s:
            ws = _workspace(s, workspace)
            member = s.scalar(
                select(Member).where(Member.workspace_id == ws.id, _same_person(name))
            )
            if member is None:
                raise MemberError(f"{name!r} is not a member of {ws.name}.")
            info = MemberInfo(member.name, member.role, ws.name, member.login)
            s.delete(member)
            s.flush()
            if info.login is not None:
                if s.scalar(select(Member.id).where(Member.login == info.login).limit(1)):
                    self._regrant(s, info.login)
                    self._pg(s, logins.terminate_sessions, info.login)
                else:
                    self._pg(s, logins.drop_login, info.login)
            s.commit()
            return info

    def _regrant(self, s: Session, login: str) -> None:
        roles = set(s.scalars(select(Member.role).where(Member.login == login)))
        writes = roles != {MemberRole.VIEWER}
        self._pg(s, lambda s_, lg: logins.grant(s_, lg, writes=writes), login)

    @staticmethod
    def _pg(s: Session, step: Callable[[Session, str], T], login: str) -> T:
        try:
            return step(s, login)
        except DBAPIError as exc:
            s.rollback()
            problem = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            if "permission denied" in problem.lower():
                problem += " (the role Herald connects with needs CREATEROLE)"
            raise MemberError(f"PostgreSQL refused: {problem}") from None
