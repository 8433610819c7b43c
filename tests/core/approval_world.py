"""A workspace using approvals, with Ann (editor), Bob (approver), Ada (admin), Vic (viewer)
and one X account, for the history and notification tests. Who acts is the OS user on
SQLite: `act_as(monkeypatch, "Ann")`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.accounts import AccountService
from app.core.approvals import ApprovalService
from app.core.members.service import MemberService
from app.core.models import MemberRole
from app.core.ports import ConnectedAccount, Credentials
from app.core.posts import PostService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform

WALL = datetime(2026, 1, 6, 10, 30)


def act_as(monkeypatch, person: str) -> None:
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(var, person)


@dataclass
class World:
    ws: int
    account: int
    posts: PostService
    flow: ApprovalService

    def post(self, text: str = "hello") -> int:
        return self.posts.create(
            self.ws, text, [self.account], scheduled_local=WALL, action="schedule"
        ).id


def make_world(db, clock, monkeypatch, zone: str = "Europe/Paris") -> World:
    ws = WorkspaceService(db, clock).create("Acme", zone).id
    members = MemberService(db, clock)
    for name, role in [
        ("Ann", MemberRole.EDITOR),
        ("Bob", MemberRole.APPROVER),
        ("Ada", MemberRole.ADMIN),
        ("Vic", MemberRole.VIEWER),
    ]:
        members.add("Acme", name, role)
    account = AccountService(db, Vault(db, environ={}), clock).save_connected(
        ws,
        ConnectedAccount(
            platform=Platform.TWITTER,
            external_id="42",
            handle="@acme",
            credentials=Credentials("a-token", "r-token", clock.now() + timedelta(hours=2), {}),
            settings={},
        ),
    )
    flow = ApprovalService(db, clock)
    act_as(monkeypatch, "Ada")
    flow.set_required(ws, True)
    return World(ws, account, PostService(db, clock), flow)
