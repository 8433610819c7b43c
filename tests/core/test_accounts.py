from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from app.core.accounts import AccountError, AccountInfo, AccountService
from app.core.logsetup import redact
from app.core.models import Account, AccountStatus, Post, PostStatus, Target, TargetStatus
from app.core.ports import AppCredentials, ConnectedAccount, Credentials
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform


@pytest.fixture
def service(db, clock) -> AccountService:
    return AccountService(db, Vault(db, environ={}), clock)


@pytest.fixture
def ws(db, clock) -> int:
    return WorkspaceService(db, clock).create("Acme", "Europe/Berlin").id


def _connected(clock, token="access-token-0001", external_id="42", handle="@acme", **settings):
    return ConnectedAccount(
        platform=Platform.TWITTER,
        external_id=external_id,
        handle=handle,
        credentials=Credentials(
            access_token=token,
            refresh_token="refresh-token-0001",
            expires_at=clock.now() + timedelta(hours=2),
            extra={"scope": "tweet.write"},
        ),
        settings=settings,
    )


def _add_post(db, clock, account_id, *, status=PostStatus.SCHEDULED, text="hello", others=()):
    now = clock.now()
    with db.session() as s:
        post = Post(
            workspace_id=s.get(Account, account_id).workspace_id,
            base_text=text,
            scheduled_at=now + timedelta(days=1),
            scheduled_tz="UTC",
            status=status,
            created_at=now,
            updated_at=now,
        )
        tstatus = TargetStatus.PUBLISHED if status == PostStatus.PUBLISHED else TargetStatus.QUEUED
        post.targets.append(Target(account_id=account_id, status=tstatus, updated_at=now))
        for other, ostatus in others:
            post.targets.append(Target(account_id=other, status=ostatus, updated_at=now))
        s.add(post)
        s.commit()
        return post.id


def _db_bytes(db_url: str) -> bytes:
    path = db_url.removeprefix("sqlite:///")
    return b"".join(Path(p).read_bytes() for p in (path, path + "-wal") if os.path.exists(p))


def test_save_list_and_account_ref(service, ws, clock):
    account_id = service.save_connected(ws, _connected(clock, theme="x"))
    infos = service.list(ws)
    assert len(infos) == 1
    info = infos[0]
    assert isinstance(info, AccountInfo)
    assert (info.id, info.platform, info.handle, info.status) == (
        account_id,
        Platform.TWITTER,
        "@acme",
        AccountStatus.ACTIVE,
    )
    assert info.token_expires_at == clock.now() + timedelta(hours=2)
    assert service.list(ws + 1) == []
    assert service.list() == infos

    ref = service.account_ref(account_id, AppCredentials("cid", "csecret"))
    assert ref.credentials.access_token == "access-token-0001"
    assert ref.credentials.refresh_token == "refresh-token-0001"
    assert ref.credentials.extra == {"scope": "tweet.write"}
    assert ref.credentials.expires_at == clock.now() + timedelta(hours=2)
    assert ref.app == AppCredentials("cid", "csecret")
    assert ref.settings == {"theme": "x"}


def test_reconnect_updates_same_row_and_keeps_posts(service, db, ws, clock):
    account_id = service.save_connected(ws, _connected(clock, theme="mine"))
    post_id = _add_post(db, clock, account_id)
    service.set_status(account_id, AccountStatus.REQUIRES_REAUTH, "token revoked")
    assert service.get(account_id).status == AccountStatus.REQUIRES_REAUTH

    again = service.save_connected(
        ws, _connected(clock, token="access-token-0002", handle="@acme2")
    )
    assert again == account_id
    info = service.get(account_id)
    assert info.status == AccountStatus.ACTIVE and info.status_reason is None
    assert info.handle == "@acme2"
    assert info.settings == {"theme": "mine"}
    assert service.credentials(account_id).access_token == "access-token-0002"
    with db.session() as s:
        assert s.get(Post, post_id).targets[0].account_id == account_id

    # Same external id in another workspace is another account.
    other_ws = WorkspaceService(db, clock).create("Other", "UTC").id
    assert service.save_connected(other_ws, _connected(clock)) != account_id


def test_store_credentials_inside_callers_transaction(service, db, ws, clock):
    account_id = service.save_connected(ws, _connected(clock))
    rotated = Credentials(
        "access-token-0003", "refresh-token-0003", clock.now() + timedelta(hours=4)
    )
    with db.session() as s:
        service.store_credentials(s, account_id, rotated)
        s.rollback()
    assert service.credentials(account_id).refresh_token == "refresh-token-0001"
    with db.session() as s:
        service.store_credentials(s, account_id, rotated)
        s.commit()
    assert service.credentials(account_id).refresh_token == "refresh-token-0003"
    assert service.get(account_id).token_expires_at == clock.now() + timedelta(hours=4)

    service.save_credentials(account_id, Credentials("access-token-0004"))
    creds = service.credentials(account_id)
    assert creds.access_token == "access-token-0004" and creds.refresh_token is None


def test_status_disable_enable(service, ws, clock):
    account_id = service.save_connected(ws, _connected(clock))
    service.disable(account_id, "paused by user")
    info = service.get(account_id)
    assert (info.status, info.status_reason) == (AccountStatus.DISABLED, "paused by user")
    service.enable(account_id)
    assert service.get(account_id).status == AccountStatus.ACTIVE
    with pytest.raises(AccountError):
        service.set_status(9999, AccountStatus.ACTIVE)


def test_update_settings_merges(service, ws, clock):
    account_id = service.save_connected(ws, _connected(clock, a=1, b=2))
    info = service.update_settings(account_id, {"b": None, "media_hosting": {"kind": "loopback"}})
    assert info.settings == {"a": 1, "media_hosting": {"kind": "loopback"}}


def test_remove_delete_and_keep_as_draft(service, db, ws, clock):
    a = service.save_connected(ws, _connected(clock, external_id="1"))
    b = service.save_connected(ws, _connected(clock, external_id="2"))
    only_a = _add_post(db, clock, a, text="only a")
    shared = _add_post(db, clock, a, others=[(b, TargetStatus.PUBLISHED)])
    published = _add_post(db, clock, a, status=PostStatus.PUBLISHED)

    service.remove(a, scheduled_posts="delete")
    assert [i.id for i in service.list(ws)] == [b]
    with db.session() as s:
        assert s.get(Post, only_a).deleted_at is not None
        shared_post = s.get(Post, shared)
        assert [t.account_id for t in shared_post.targets] == [b]
        assert shared_post.status == PostStatus.PUBLISHED  # derived from what is left
        assert s.get(Post, published).deleted_at is None

    c = service.save_connected(ws, _connected(clock, external_id="3"))
    draft = _add_post(db, clock, c, text="")
    with db.session() as s:
        s.get(Post, draft).targets[0].content_override = "tailored text"
        s.commit()
    service.remove(c, scheduled_posts="keep_as_draft")
    with db.session() as s:
        post = s.get(Post, draft)
        assert post.deleted_at is None
        assert post.status == PostStatus.DRAFT
        assert post.base_text == "tailored text"
        assert post.targets == []

    with pytest.raises(AccountError):
        service.remove(b, scheduled_posts="archive")  # type: ignore[arg-type]


def test_app_credentials_secret_encrypted(service, db, db_url):
    assert service.app_credentials(Platform.LINKEDIN) is None
    service.set_app_credentials(Platform.LINKEDIN, AppCredentials("client-1", "client-secret-xyz1"))
    assert service.app_credentials(Platform.LINKEDIN) == AppCredentials(
        "client-1", "client-secret-xyz1"
    )
    service.set_app_credentials(Platform.LINKEDIN, AppCredentials("client-2", None))
    assert service.app_credentials(Platform.LINKEDIN) == AppCredentials("client-2", None)
    service.set_app_credentials(Platform.TWITTER, AppCredentials("c", "client-secret-xyz2"))
    with pytest.raises(AccountError):
        service.set_app_credentials(Platform.FACEBOOK, AppCredentials("  "))
    service.clear_app_credentials(Platform.LINKEDIN)
    assert service.app_credentials(Platform.LINKEDIN) is None

    raw = _db_bytes(db_url)
    assert b"client-secret-xyz2" not in raw


def test_tokens_are_registered_for_redaction_and_not_stored_plainly(service, ws, clock, db_url):
    account_id = service.save_connected(ws, _connected(clock, token="very-secret-access-77"))
    assert redact("header very-secret-access-77 end") == "header [REDACTED] end"
    assert redact("x refresh-token-0001 y") == "x [REDACTED] y"
    service.account_ref(account_id)
    raw = _db_bytes(db_url)
    assert b"very-secret-access-77" not in raw
    assert b"refresh-token-0001" not in raw
