"""Per-workspace data keys (issue 23): each workspace's account secrets are encrypted under
its own random Fernet key, and that key is stored only wrapped, in `workspace_keys`:

- holder "vault": wrapped under the vault key (the administrator's and the headless
  workers' identity, app.core.vault), for every workspace that has a key;
- holder LOGIN: wrapped to the public key of that member's own key pair
  (app.core.member_keys), once per workspace they belong to (PostgreSQL only).

Row-level security (migration 0020) lets a member's login read only its own rows, of its own
workspaces; nobody but the administrator writes them. An account secret stored this way is
``hw1:`` + a Fernet token under the workspace's data key; a bare Fernet token is the older
form, under the vault key itself, which `adopt_legacy` re-encrypts in one transaction.

`rotate` gives a workspace a fresh data key, re-encrypts its secrets and re-wraps the key for
the remaining holders, in the caller's transaction (`members remove`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from app.core import member_keys
from app.core.db import Database
from app.core.models import Account, Member
from app.core.vault import DecryptionError, VaultError
from app.core.workspace_keys_table import WorkspaceKey

log = logging.getLogger(__name__)

PREFIX = b"hw1:"
VAULT_HOLDER = "vault"
#: PostgreSQL advisory lock class for making workspace keys ("HKEY")
KEYS_LOCK = 0x484B4559


class Sealer(Protocol):
    """The vault key: a `Vault`, or the `Fernet` a vault resolves to."""

    def encrypt(self, data: bytes) -> bytes: ...

    def decrypt(self, token: bytes) -> bytes: ...


class WorkspaceKeyError(VaultError):
    """One line for a person: this Herald holds no key for the workspace."""


def is_sealed(blob: bytes) -> bool:
    return bytes(blob).startswith(PREFIX)


def _now() -> datetime:
    return datetime.now(UTC)


def member_login(s: Session) -> str | None:
    """The member login this session connects as, or None (SQLite, the administrator, the
    workers: whoever holds the vault key)."""
    if s.get_bind().dialect.name != "postgresql":
        return None
    user = str(s.scalar(text("SELECT current_user")))
    found = s.scalar(select(Member.login).where(Member.login == user).limit(1))
    return None if found is None else user


def _lock_keys(s: Session, workspace_id: int) -> bool:
    """PostgreSQL: one Herald at a time makes a workspace's key (or adopts older secrets,
    workspace 0), until its transaction ends. True when a lock was taken."""
    if s.get_bind().dialect.name != "postgresql":
        return False  # SQLite's write transactions are serial already
    s.execute(text("SELECT pg_advisory_xact_lock(:k, :w)"), {"k": KEYS_LOCK, "w": workspace_id})
    return True


def member_unlock(db: Database, environ: Mapping[str, str]) -> bool:
    """On a member's login: find their member key now (one clear message when it is
    missing) and say True; elsewhere False (the vault key is what unlocks)."""
    with db.session() as s:
        login = member_login(s)
    if login is None:
        return False
    member_keys.load_member_key(login, environ)
    return True


class WorkspaceKeys:
    """Encrypts and decrypts a workspace's secrets with its data key, unwrapped by whichever
    key this Herald holds: the member's own key on a member's login, else the vault key."""

    def __init__(self, vault: Sealer, environ: Mapping[str, str] | None = None) -> None:
        self.vault = vault
        if environ is None:
            environ = getattr(vault, "environ", None)
        self.environ = environ if environ is not None else os.environ
        #: who each engine connects as (a login does not change for an engine's life)
        self._logins: dict[str, str | None] = {}

    def _login(self, s: Session) -> str | None:
        bind = s.get_bind()
        where = str(getattr(bind, "url", bind))
        if where not in self._logins:
            self._logins[where] = member_login(s)
        return self._logins[where]

    def vault_holds(self, s: Session) -> bool:
        """True when this Herald opens the workspaces' keys with the vault (the single-user
        and demo case), not with a member's own key (which an administrator may revoke)."""
        return self._login(s) is None

    # ------------------------------------------------------------ secrets

    def ready(self, db: Database) -> None:
        """Resolve the key this Herald unwraps with before a write transaction starts (the
        vault may write its verifier, or ask for a passphrase, on first use)."""
        where = str(db.engine.url)  # as _login keys it: no session once it is known
        if where in self._logins:
            login = self._logins[where]
        else:
            with db.session() as s:
                login = self._login(s)
        if login is not None:
            member_keys.load_member_key(login, self.environ)
            return
        unlock = getattr(self.vault, "unlock", None)
        if unlock is not None:
            unlock()

    def seal(self, s: Session, workspace_id: int, raw: bytes) -> bytes:
        """Encrypt under the workspace's data key (created on first use by the vault holder)."""
        return PREFIX + Fernet(self.data_key(s, workspace_id, create=True)).encrypt(raw)

    def open(self, s: Session, workspace_id: int, blob: bytes) -> bytes:
        blob = bytes(blob)
        if not is_sealed(blob):
            return self.vault.decrypt(blob)  # the older form: the administrator's key only
        key = self.data_key(s, workspace_id, create=False)
        try:
            return Fernet(key).decrypt(blob[len(PREFIX) :])
        except InvalidToken:
            raise DecryptionError(
                "A stored secret could not be decrypted with its workspace's key: it is "
                "damaged or from another database. Reconnect the account to store it again."
            ) from None

    def data_key(self, s: Session, workspace_id: int, *, create: bool) -> bytes:
        login = self._login(s)
        if login is not None:
            wrapped = s.scalar(
                select(WorkspaceKey.wrapped).where(
                    WorkspaceKey.workspace_id == workspace_id, WorkspaceKey.holder == login
                )
            )
            if wrapped is None:
                raise WorkspaceKeyError(
                    f"{login} holds no key for this workspace's secrets; ask the "
                    "administrator to add you to it again."
                )
            private = member_keys.load_member_key(login, self.environ)
            return member_keys.unwrap_with(private, wrapped)
        # FOR SHARE: a rotation (which updates these rows) waits for this transaction, or
        # this one reads the rotated key; a secret is never written under a retired key.
        # The wrapped key alone, no ORM object (every refreshed token is sealed here).
        row = s.scalar(
            select(WorkspaceKey.wrapped)
            .where(WorkspaceKey.workspace_id == workspace_id, WorkspaceKey.holder == VAULT_HOLDER)
            .with_for_update(read=True)
        )
        if row is None and create and _lock_keys(s, workspace_id):
            row = s.scalar(  # made meanwhile by another Herald (its lock is ours now)
                select(WorkspaceKey.wrapped).where(
                    WorkspaceKey.workspace_id == workspace_id,
                    WorkspaceKey.holder == VAULT_HOLDER,
                )
            )
        if row is not None:
            return self.vault.decrypt(row)
        if not create:
            raise WorkspaceKeyError(
                "This workspace has no data key, so it has no readable secrets; reconnect "
                "the account."
            )
        key = Fernet.generate_key()
        s.add(
            WorkspaceKey(
                workspace_id=workspace_id,
                holder=VAULT_HOLDER,
                public_key=None,
                wrapped=self.vault.encrypt(key),
                created_at=_now(),
            )
        )
        s.flush()
        return key

    # ------------------------------------------------------------ holders

    def grant(self, s: Session, workspace_id: int, login: str, public_key: bytes) -> None:
        """Wrap the workspace's data key (made now if it has none) for a member."""
        key = self.data_key(s, workspace_id, create=True)
        row = s.scalar(
            select(WorkspaceKey).where(
                WorkspaceKey.workspace_id == workspace_id, WorkspaceKey.holder == login
            )
        )
        wrapped = member_keys.wrap_for(public_key, key)
        if row is None:
            s.add(
                WorkspaceKey(
                    workspace_id=workspace_id,
                    holder=login,
                    public_key=public_key,
                    wrapped=wrapped,
                    created_at=_now(),
                )
            )
        else:
            row.public_key, row.wrapped, row.created_at = public_key, wrapped, _now()
        s.flush()

    @staticmethod
    def public_key_of(s: Session, login: str) -> bytes | None:
        """A member's public key, from any workspace key wrapped for them."""
        found = s.scalar(
            select(WorkspaceKey.public_key).where(WorkspaceKey.holder == login).limit(1)
        )
        return None if found is None else bytes(found)

    @staticmethod
    def holds(s: Session, workspace_id: int, login: str) -> bool:
        return (
            s.scalar(
                select(WorkspaceKey.id).where(
                    WorkspaceKey.workspace_id == workspace_id, WorkspaceKey.holder == login
                )
            )
            is not None
        )

    def rotate(self, s: Session, workspace_id: int, *, drop: str | None = None) -> None:
        """A fresh data key for the workspace: its account secrets re-encrypted, the key
        wrapped again for every remaining holder, `drop`'s row deleted. In the caller's
        transaction: a failure anywhere leaves the old key and secrets as they were."""
        rows = list(
            s.scalars(
                select(WorkspaceKey)
                .where(WorkspaceKey.workspace_id == workspace_id)
                .with_for_update()
            )
        )
        vault_row = next((r for r in rows if r.holder == VAULT_HOLDER), None)
        if vault_row is None:
            raise WorkspaceKeyError("This workspace has no data key to rotate.")
        old = Fernet(self.vault.decrypt(vault_row.wrapped))
        new_key = Fernet.generate_key()
        new = Fernet(new_key)
        accounts = s.scalars(
            select(Account).where(
                Account.workspace_id == workspace_id, Account.credentials_encrypted.is_not(None)
            )
        )
        for account in accounts:
            blob = bytes(account.credentials_encrypted or b"")
            try:
                raw = (
                    old.decrypt(blob[len(PREFIX) :])
                    if is_sealed(blob)
                    else self.vault.decrypt(blob)
                )
            except (InvalidToken, DecryptionError):
                raise DecryptionError(
                    f"The secrets of account {account.handle} cannot be read, so the "
                    "workspace's key was not rotated; reconnect or remove that account first."
                ) from None
            account.credentials_encrypted = PREFIX + new.encrypt(raw)
        now = _now()
        for row in rows:
            if row.holder == drop:
                continue
            if row.holder == VAULT_HOLDER:
                row.wrapped = self.vault.encrypt(new_key)
            elif row.public_key is not None:
                row.wrapped = member_keys.wrap_for(bytes(row.public_key), new_key)
            row.created_at = now
        if drop is not None:
            s.execute(
                delete(WorkspaceKey).where(
                    WorkspaceKey.workspace_id == workspace_id, WorkspaceKey.holder == drop
                )
            )
        s.flush()


def vault_sample(s: Session) -> bytes | None:
    """A token the vault key must open: a data key wrapped for the vault, else a secret of
    the older form."""
    wrapped = s.scalar(
        select(WorkspaceKey.wrapped).where(WorkspaceKey.holder == VAULT_HOLDER).limit(1)
    )
    if wrapped is not None:
        return bytes(wrapped)
    for blob in s.scalars(select(Account.credentials_encrypted).limit(50)):
        if blob is not None and not is_sealed(blob):
            return bytes(blob)
    return None


def adopt_legacy(db: Database, vault: Sealer) -> int:
    """Re-encrypt every secret still under the vault key itself (written before migration
    0020) under its workspace's data key, all in one transaction. Returns how many."""
    with db.session() as s:  # the usual case, after the first time: nothing to do, no lock
        blobs = s.scalars(
            select(Account.credentials_encrypted).where(Account.credentials_encrypted.is_not(None))
        )
        if all(is_sealed(b) for b in blobs if b is not None):
            return 0
    keys = WorkspaceKeys(vault)
    done = 0
    with db.write_session() as s:
        if member_login(s) is not None:
            return 0  # a member's Herald never holds the vault key
        _lock_keys(s, 0)  # workers starting together after the upgrade: one adopts
        for account in s.scalars(
            select(Account).where(Account.credentials_encrypted.is_not(None))
        ).all():
            blob = bytes(account.credentials_encrypted or b"")
            if is_sealed(blob):
                continue
            try:
                raw = vault.decrypt(blob)
            except (InvalidToken, DecryptionError):
                # Unreadable already (damaged, another key): left as it is, to be reconnected.
                log.warning("account %s: its stored secret cannot be read", account.id)
                continue
            account.credentials_encrypted = keys.seal(s, account.workspace_id, raw)
            done += 1
        s.commit()
    return done
