"""The audit log: every post and account change the issue names leaves one entry with who
(the OS user on SQLite) and when, in the same transaction as the change."""

from __future__ import annotations

import getpass
from datetime import datetime, timedelta

import pytest

from app.cli import main
from app.core.accounts import AccountService
from app.core.audit import AuditError, AuditService
from app.core.ports import ConnectedAccount, Credentials
from app.core.posts import PostError, PostService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform

WALL = datetime(2026, 1, 6, 10, 30)  # local time, after the fake clock's Monday morning


def _connected(clock) -> ConnectedAccount:
    return ConnectedAccount(
        platform=Platform.TWITTER,
        external_id="42",
        handle="@acme",
        credentials=Credentials(
            access_token="access-token-0001",
            refresh_token="refresh-token-0001",
            expires_at=clock.now() + timedelta(hours=2),
            extra={},
        ),
        settings={},
    )


@pytest.fixture
def world(db, clock):
    ws = WorkspaceService(db, clock).create("Acme", "UTC").id
    WorkspaceService(db, clock).create("Brio", "UTC")
    accounts = AccountService(db, Vault(db, environ={}), clock)
    return ws, accounts, PostService(db, clock)


def test_each_step_is_logged_with_who_and_when(db, clock, world):
    ws, accounts, posts = world
    account = accounts.save_connected(ws, _connected(clock))
    post = posts.create(ws, "hello", [account], scheduled_local=WALL, action="schedule").id
    clock.advance(timedelta(minutes=1))
    posts.update(post, "hello again", [account], scheduled_local=WALL, action="schedule")
    posts.reschedule(post, clock.now() + timedelta(days=2))
    posts.publish_now(post)
    posts.delete(post)
    accounts.remove(account)
    entries = AuditService(db).entries()
    assert [(e.action, e.object_kind, e.object_id) for e in entries] == [
        ("connect", "account", account),
        ("create", "post", post),
        ("update", "post", post),
        ("reschedule", "post", post),
        ("publish_now", "post", post),
        ("delete", "post", post),
        ("remove", "account", account),
    ]
    assert {e.who for e in entries} == {getpass.getuser()}
    assert entries[0].at == entries[1].at < entries[2].at == clock.now()
    assert AuditService(db).entries("Brio") == []
    assert len(AuditService(db).entries("acme")) == 7


def test_a_refused_change_leaves_no_entry(db, clock, world):
    ws, accounts, posts = world
    account = accounts.save_connected(ws, _connected(clock))
    post = posts.create(ws, "hello", [account], scheduled_local=WALL, action="schedule").id
    with pytest.raises(PostError):
        posts.reschedule(post, clock.now() - timedelta(days=1))
    assert [e.action for e in AuditService(db).entries()] == ["connect", "create"]


def test_audit_command_prints_tsv(db, db_url, clock, world, capsys):
    ws, accounts, posts = world
    account = accounts.save_connected(ws, _connected(clock))
    assert main(["audit", "--workspace", "Acme", "--db", db_url]) == 0
    who = getpass.getuser()
    assert capsys.readouterr().out == f"2026-01-05T09:00:00Z\t{who}\tconnect\taccount {account}\n"
    assert main(["audit", "--workspace", "Nope", "--db", db_url]) == 1
    assert capsys.readouterr().err == "herald audit: No workspace named 'Nope'.\n"
    with pytest.raises(AuditError):
        AuditService(db).entries("Nope")


def test_a_bulk_import_logs_each_post_it_creates(db, clock, world):
    from app.core.posts import PostDraft

    ws, accounts, posts = world
    account = accounts.save_connected(ws, _connected(clock))
    drafts = [
        PostDraft(f"post {i}", [account], None, (), WALL, None, None, "schedule") for i in range(3)
    ]
    with db.write_session() as s:
        ids = posts.create_many(s, ws, drafts)
        s.commit()
    created = [
        (e.action, e.object_id) for e in AuditService(db).entries() if e.object_kind == "post"
    ]
    assert created == [("create", i) for i in ids]
