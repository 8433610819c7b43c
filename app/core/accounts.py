"""Connected accounts and the user's developer apps: the core service the Accounts UI calls.

Credentials are stored only as vault (Fernet) tokens. Every token this service handles is
registered with the log redaction filter, so it is masked if it ever reaches a log line.
No ORM object leaves this module: callers get frozen `AccountInfo` values.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from app.core import audit
from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.logsetup import register_secret
from app.core.models import Account, AccountStatus, Post, PostStatus, Setting, Target, TargetStatus
from app.core.ports import AccountRef, AppCredentials, ConnectedAccount, Credentials
from app.core.poststatus import derive_post_status
from app.core.vault import Vault
from app.core.workspace_keys import WorkspaceKeys
from app.platforms.names import Platform

_APP_SETTING = "app.{platform}"

#: an account's workspace and encrypted credentials, by primary key (built once)
_CREDENTIALS = select(Account.workspace_id, Account.credentials_encrypted).where(
    Account.id == bindparam("account_id")
)
#: an account's row without its secrets, and the write of refreshed credentials: built
#: once, no ORM objects (the engine and the collector read and refresh accounts all day; the
#: demo seed thousands of times)
_INFO = select(
    Account.id,
    Account.workspace_id,
    Account.platform,
    Account.handle,
    Account.external_id,
    Account.status,
    Account.status_reason,
    Account.token_expires_at,
    Account.settings,
).where(Account.id == bindparam("account_id"))
_WORKSPACE_OF = select(Account.workspace_id).where(Account.id == bindparam("account_id"))
_STORE_CREDENTIALS = (
    update(Account)
    .where(Account.id == bindparam("account_id"))
    .values(
        credentials_encrypted=bindparam("new_blob"),
        token_expires_at=bindparam("new_expires_at"),
    )
    .execution_options(synchronize_session=False)
)


class AccountError(ValueError):
    """A request about accounts that cannot be met; the message is meant for a person."""


@dataclass(frozen=True)
class AccountInfo:
    id: int
    workspace_id: int
    platform: Platform
    handle: str
    external_id: str
    status: AccountStatus
    status_reason: str | None
    token_expires_at: datetime | None
    settings: Mapping[str, Any]


def _info(a: Account | Row[Any]) -> AccountInfo:
    """From the ORM object or a row of the same columns (`_INFO`)."""
    return AccountInfo(
        id=a.id,
        workspace_id=a.workspace_id,
        platform=Platform(a.platform),
        handle=a.handle,
        external_id=a.external_id,
        status=AccountStatus(a.status),
        status_reason=a.status_reason,
        token_expires_at=a.token_expires_at,
        settings=dict(a.settings or {}),
    )


def credentials_to_json(creds: Credentials) -> dict[str, Any]:
    return {
        "access_token": creds.access_token,
        "refresh_token": creds.refresh_token,
        "expires_at": creds.expires_at.isoformat() if creds.expires_at else None,
        "extra": dict(creds.extra),
    }


def credentials_from_json(data: Mapping[str, Any]) -> Credentials:
    expires = data.get("expires_at")
    return Credentials(
        access_token=str(data["access_token"]),
        refresh_token=data.get("refresh_token"),
        expires_at=datetime.fromisoformat(expires) if expires else None,
        extra=dict(data.get("extra") or {}),
    )


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode("utf-8")


def register_credentials(creds: Credentials) -> None:
    """Mask these tokens in every log line from now on."""
    register_secret(creds.access_token)
    register_secret(creds.refresh_token)
    for value in creds.extra.values():
        if isinstance(value, str):
            register_secret(value)


class AccountService:
    def __init__(self, db: Database, vault: Vault, clock: Clock | None = None) -> None:
        self.db = db
        self.vault = vault
        #: each workspace's data key, unwrapped with the vault key or the member's own key
        self.keys = WorkspaceKeys(vault)
        self.clock = clock or SystemClock()
        #: account id -> (the stored blob, its credentials) as last decrypted here
        self._opened: dict[int, tuple[bytes, Credentials]] = {}

    # ------------------------------------------------------------ connecting

    def save_connected(self, workspace_id: int, connected: ConnectedAccount) -> int:
        """Insert a new account, or update the one with the same workspace, platform and
        external id (a reconnect keeps its history and scheduled posts). Status becomes ACTIVE."""
        register_credentials(connected.credentials)
        raw = _json_bytes(credentials_to_json(connected.credentials))
        self.keys.ready(self.db)
        with self.db.write_session() as s:
            account = s.scalar(
                select(Account).where(
                    Account.workspace_id == workspace_id,
                    Account.platform == connected.platform,
                    Account.external_id == connected.external_id,
                )
            )
            if account is None:
                account = Account(
                    workspace_id=workspace_id,
                    platform=connected.platform,
                    external_id=connected.external_id,
                    handle=connected.handle,
                    settings=dict(connected.settings),
                    created_at=self.clock.now(),
                )
                s.add(account)
            else:
                # Keep the user's own settings (media hosting...), refresh what the platform said.
                account.settings = {**(account.settings or {}), **dict(connected.settings)}
                account.handle = connected.handle
            account.credentials_encrypted = self.keys.seal(s, workspace_id, raw)
            account.token_expires_at = connected.credentials.expires_at
            account.status = AccountStatus.ACTIVE
            account.status_reason = None
            audit.record(s, "connect", account, self.clock.now())
            s.commit()
            return account.id

    # ------------------------------------------------------------ reading

    def list(self, workspace_id: int | None = None) -> builtins.list[AccountInfo]:
        with self.db.session() as s:
            q = select(Account).order_by(Account.workspace_id, Account.platform, Account.handle)
            if workspace_id is not None:
                q = q.where(Account.workspace_id == workspace_id)
            return [_info(a) for a in s.scalars(q)]

    def get(self, account_id: int) -> AccountInfo:
        with self.db.engine.connect() as conn:
            row = conn.execute(_INFO, {"account_id": account_id}).first()
        if row is None:
            raise AccountError(f"No account with id {account_id}.")
        return _info(row)

    def credentials(self, account_id: int) -> Credentials:
        """The account's stored credentials, decrypted. The stored blob is read every time;
        it is decrypted again only when it changed since this service last opened it (a
        refresh, a reconnect, a key rotation re-seals it), and only where the vault holds
        the workspace's key (a member's key is checked on every read: it may be revoked)."""
        self.keys.ready(self.db)
        with self.db.session() as s:
            row = s.execute(_CREDENTIALS, {"account_id": account_id}).first()
            if row is None:
                raise AccountError(f"No account with id {account_id}.")
            workspace_id, blob = row
            if blob is None:
                raise AccountError("This account has no stored credentials; reconnect it.")
            blob = bytes(blob)
            opened = self._opened.get(account_id)
            if opened is not None and opened[0] == blob and self.keys.vault_holds(s):
                return opened[1]
            raw = self.keys.open(s, workspace_id, blob)
        creds = credentials_from_json(json.loads(raw))
        register_credentials(creds)
        self._opened[account_id] = (blob, creds)
        return creds

    def account_ref(
        self,
        account_id: int,
        app_credentials: AppCredentials | None = None,
        *,
        info: AccountInfo | None = None,
    ) -> AccountRef:
        """Everything an adapter needs for this account, secrets decrypted. The developer app
        is read from the vault when not given; `info`: the account's row, when the caller has
        just read it (it is not read again)."""
        if info is None or info.id != account_id:
            info = self.get(account_id)
        creds = self.credentials(account_id)
        app = (
            app_credentials if app_credentials is not None else self.app_credentials(info.platform)
        )
        return AccountRef(
            platform=info.platform,
            external_id=info.external_id,
            handle=info.handle,
            credentials=creds,
            app=app,
            settings=info.settings,
        )

    # ------------------------------------------------------------ updating

    def store_credentials(
        self, session: Session, account_id: int, credentials: Credentials
    ) -> None:
        """Persist refreshed credentials inside the caller's transaction (X refresh tokens are
        single-use: the new one must be saved together with whatever else the caller writes).
        Does not commit."""
        register_credentials(credentials)
        workspace_id = session.execute(_WORKSPACE_OF, {"account_id": account_id}).scalar()
        if workspace_id is None:
            raise AccountError(f"No account with id {account_id}.")
        raw = _json_bytes(credentials_to_json(credentials))
        blob = self.keys.seal(session, workspace_id, raw)
        session.execute(
            _STORE_CREDENTIALS,
            {"account_id": account_id, "new_blob": blob, "new_expires_at": credentials.expires_at},
        )
        # Known by its blob: should the caller roll back, the stored one differs and is read.
        self._opened[account_id] = (bytes(blob), credentials)

    def save_credentials(self, account_id: int, credentials: Credentials) -> None:
        """`store_credentials` in a transaction of its own."""
        with self.db.write_session() as s:
            self.store_credentials(s, account_id, credentials)
            s.commit()

    def set_status(self, account_id: int, status: AccountStatus, reason: str | None = None) -> None:
        with self.db.write_session() as s:
            account = self._load(s, account_id)
            account.status = AccountStatus(status)
            account.status_reason = reason
            s.commit()

    def disable(self, account_id: int, reason: str | None = None) -> None:
        self.set_status(account_id, AccountStatus.DISABLED, reason)

    def enable(self, account_id: int) -> None:
        self.set_status(account_id, AccountStatus.ACTIVE, None)

    def update_settings(self, account_id: int, changes: Mapping[str, Any]) -> AccountInfo:
        """Merge `changes` into the account's settings (a None value removes a key)."""
        with self.db.write_session() as s:
            account = self._load(s, account_id)
            merged = dict(account.settings or {})
            for key, value in changes.items():
                if value is None:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            account.settings = merged
            s.commit()
            return _info(account)

    def remove(
        self,
        account_id: int,
        scheduled_posts: Literal["delete", "keep_as_draft"] = "delete",
    ) -> None:
        """Delete an account and its credentials. Its unpublished posts that target no other
        account are soft-deleted ("delete") or turned into drafts ("keep_as_draft"); posts
        that also target other accounts just lose this account's target."""
        if scheduled_posts not in ("delete", "keep_as_draft"):
            raise AccountError(f"Unknown choice for scheduled posts: {scheduled_posts!r}.")
        now = self.clock.now()
        with self.db.write_session() as s:
            account = self._load(s, account_id)
            post_ids = s.scalars(
                select(Target.post_id).where(Target.account_id == account_id).distinct()
            ).all()
            for post in s.scalars(select(Post).where(Post.id.in_(post_ids))):
                mine = [t for t in post.targets if t.account_id == account_id]
                others = [t for t in post.targets if t.account_id != account_id]
                unpublished = post.status != PostStatus.PUBLISHED and post.deleted_at is None
                if not others and unpublished:
                    if scheduled_posts == "delete":
                        post.deleted_at = now
                    else:
                        # Keep the text this account would have posted when the post had none.
                        override = next(
                            (t.content_override for t in mine if t.content_override), None
                        )
                        if not post.base_text and override:
                            post.base_text = override
                        post.status = PostStatus.DRAFT
                    post.updated_at = now
                for t in mine:
                    post.targets.remove(t)
                if others:
                    post.status = derive_post_status(
                        [TargetStatus(t.status) for t in others],
                        is_draft=post.status == PostStatus.DRAFT,
                    )
                    post.updated_at = now
            s.flush()
            audit.record(s, "remove", account, now)
            s.delete(account)
            s.commit()

    # ------------------------------------------------------------ developer apps

    def set_app_credentials(self, platform: Platform, app: AppCredentials) -> None:
        """The user's developer app for a platform; the client secret is stored encrypted."""
        if not app.client_id.strip():
            raise AccountError("A client id is required.")
        register_secret(app.client_secret)
        value: dict[str, Any] = {"client_id": app.client_id.strip()}
        if app.client_secret:
            value["client_secret"] = self.vault.encrypt(app.client_secret).decode("ascii")
        key = _APP_SETTING.format(platform=Platform(platform).value)
        with self.db.write_session() as s:
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value
            s.commit()

    def app_credentials(self, platform: Platform) -> AppCredentials | None:
        key = _APP_SETTING.format(platform=Platform(platform).value)
        with self.db.session() as s:
            row = s.get(Setting, key)
            value = None if row is None else row.value
        if not isinstance(value, dict) or not value.get("client_id"):
            return None
        secret = None
        if value.get("client_secret"):
            secret = self.vault.decrypt(str(value["client_secret"]).encode("ascii")).decode("utf-8")
            register_secret(secret)
        return AppCredentials(client_id=str(value["client_id"]), client_secret=secret)

    def clear_app_credentials(self, platform: Platform) -> None:
        key = _APP_SETTING.format(platform=Platform(platform).value)
        with self.db.write_session() as s:
            row = s.get(Setting, key)
            if row is not None:
                s.delete(row)
                s.commit()

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _load(session: Session, account_id: int) -> Account:
        account = session.get(Account, account_id)
        if account is None:
            raise AccountError(f"No account with id {account_id}.")
        return account
