"""MemberService: add, list and remove the people of a workspace, with their role there.

On PostgreSQL each person gets one login role of their own (shared by all their
workspaces), created when they are first added and dropped when their last membership goes;
its table privileges follow their roles (a person who is a viewer everywhere may only read).
On SQLite members are only recorded: it is single-user, and the app enforces the roles.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.core import member_keys
from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.members import logins
from app.core.members.regrant import regrant_all
from app.core.models import Member, MemberRole, Workspace
from app.core.vault import VaultError
from app.core.workspace_keys import Sealer, WorkspaceKeys, member_login

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
    #: the private half of the member's own key (app.core.member_keys), shown once with the
    #: URL: their Herald unwraps their workspaces' data keys with it. None when unchanged.
    member_key: str | None = None


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


def _first(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def _same_person(name: str) -> ColumnElement[bool]:
    return func.lower(Member.name) == name.lower()


class MemberService:
    def __init__(
        self, db: Database, clock: Clock | None = None, vault: Sealer | None = None
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        #: the vault key: wraps and rotates the workspaces' data keys (PostgreSQL members)
        self.vault = vault

    def list(self, workspace: str | None = None) -> list[MemberInfo]:
        with self.db.session() as s:
            query = select(Member, Workspace.name).join(Workspace)
            if workspace is not None:
                query = query.where(Workspace.id == _workspace(s, workspace).id)
            query = query.order_by(Workspace.name, Member.name)
            return [MemberInfo(m.name, m.role, ws, m.login) for m, ws in s.execute(query)]

    def add(self, workspace: str, name: str, role: MemberRole) -> AddedMember:
        name = _clean_name(name)
        keys = self._keys()
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
            member_key = None
            if login is not None:
                self._regrant(s, login)
                member_key = self._wrap_for(s, keys, login)
            s.commit()
            return AddedMember(MemberInfo(name, role, ws.name, login), url, member_key)

    def remove(self, workspace: str, name: str) -> MemberInfo:
        """Remove the membership; on PostgreSQL the person's open sessions end now, and their
        login is dropped when this was their last workspace."""
        name = (name or "").strip()
        keys = self._keys()
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
            if info.login is not None and WorkspaceKeys.holds(s, ws.id, info.login):
                # What they could read is re-keyed in this same transaction.
                self._with_keys(keys).rotate(s, ws.id, drop=info.login)
            if info.login is not None:
                if s.scalar(select(Member.id).where(Member.login == info.login).limit(1)):
                    self._regrant(s, info.login)
                    self._pg(s, logins.terminate_sessions, info.login)
                else:
                    self._pg(s, logins.drop_login, info.login)
            s.commit()
            return info

    def issue_key(self, name: str) -> str:
        """A member key for a person who has none (added before migration 0020, when members
        had no keys): their workspaces' data keys wrapped for it; returned to be shown once.
        Someone who has one keeps it (a lost key: remove and add them again, which re-keys)."""
        name = _clean_name(name)
        if self.db.is_sqlite:
            raise MemberError("Member keys exist only on a shared PostgreSQL database.")
        keys = self._keys()
        with self.db.write_session() as s:
            login = s.scalar(select(Member.login).where(_same_person(name)).limit(1))
            if login is None:
                raise MemberError(f"{name!r} is not a member of any workspace.")
            if WorkspaceKeys.public_key_of(s, login) is not None:
                raise MemberError(
                    f"{name} already has a member key. For a lost one, remove them from their "
                    "workspaces and add them again (docs/security.md)."
                )
            printed = self._wrap_for(s, keys, login)
            s.commit()
            assert printed is not None  # no public key before: a new pair
            return printed

    def regrant(self) -> builtins.list[str]:
        """Every member's table privileges applied again (after a schema change)."""
        with self.db.write_session() as s:
            try:
                done = regrant_all(s)
            except DBAPIError as exc:
                s.rollback()
                raise MemberError(f"PostgreSQL refused: {_first(exc)}") from None
            s.commit()
            return done

    def _keys(self) -> WorkspaceKeys | str | None:
        """The data keys' service, its key resolved before a transaction starts (PostgreSQL;
        SQLite has no member keys). None without a vault; why, when the vault is locked (a
        removal that re-keys nothing still goes ahead)."""
        if self.db.is_sqlite or self.vault is None:
            return None
        with self.db.session() as s:
            if member_login(s) is not None:
                return None  # a member holds no vault key (and may not manage members)
        keys = WorkspaceKeys(self.vault)
        try:
            keys.ready(self.db)
        except VaultError as exc:
            return f"Members hold workspace keys, which needs the vault key: {exc}"
        return keys

    @staticmethod
    def _with_keys(keys: WorkspaceKeys | str | None) -> WorkspaceKeys:
        if isinstance(keys, str):
            raise MemberError(keys)
        if keys is None:
            raise MemberError(
                "Changing who holds a workspace's keys needs Herald's vault key; run this "
                "where the administrator's Herald runs (or set HERALD_VAULT_KEY)."
            )
        return keys

    def _wrap_for(self, s: Session, keys: WorkspaceKeys | str | None, login: str) -> str | None:
        """Wrap the data key of each of the login's workspaces for them; a login with no key
        pair yet (new, or added before issue 23's keys) gets one, returned to be shown once."""
        keys = self._with_keys(keys)
        printed, public = None, WorkspaceKeys.public_key_of(s, login)
        if public is None:
            printed, public = member_keys.new_member_key()
        for ws_id in s.scalars(select(Member.workspace_id).where(Member.login == login)):
            if printed is not None or not WorkspaceKeys.holds(s, ws_id, login):
                keys.grant(s, ws_id, login, public)
        return printed

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
            problem = _first(exc)
            if "permission denied" in problem.lower():
                problem += " (the role Herald connects with needs CREATEROLE)"
            raise MemberError(f"PostgreSQL refused: {problem}") from None
