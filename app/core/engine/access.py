"""An account's row and decrypted credentials for publishing, cached briefly, refreshed once
when the platform refuses them; an account whose refresh is refused needs reconnecting."""

from __future__ import annotations

import logging
import threading
import time

from app.core import events as ev
from app.core.accounts import AccountInfo, AccountService
from app.core.clock import Clock
from app.core.db import Database
from app.core.engine import store
from app.core.engine.settings import AdapterSource, EngineSettings
from app.core.engine.txn import write_session
from app.core.ports import AccountRef, AuthError, Credentials, PlatformAdapter

log = logging.getLogger(__name__)

#: how long an account's row (status, settings) is reused before being read again
ACCOUNT_INFO_TTL_S = 2.0


class Reauth(Exception):
    """The account's one refresh failed: it needs reconnecting."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AccountAccess:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        accounts: AccountService,
        adapters: AdapterSource,
        events: ev.EventHub,
        settings: EngineSettings,
    ) -> None:
        """`clock`: this machine's (the adapters compute token expiry on it)."""
        self._db = db
        self._clock = clock
        self._accounts = accounts
        self._adapters = adapters
        self._events = events
        self._settings = settings
        self._lock = threading.Lock()
        self._refresh_locks: dict[int, threading.Lock] = {}
        self._refs: dict[int, tuple[float, AccountRef]] = {}
        self._seen: dict[int, tuple[float, AccountInfo]] = {}

    def forget(self) -> None:
        """Accounts changed (reconnected, edited): read them again."""
        with self._lock:
            self._refs.clear()
            self._seen.clear()

    def account(self, account_id: int) -> AccountInfo:
        """The account's row, re-read at most every few seconds (its status matters)."""
        with self._lock:
            seen = self._seen.get(account_id)
        if seen is not None and time.monotonic() - seen[0] < ACCOUNT_INFO_TTL_S:
            return seen[1]
        info = self._accounts.get(account_id)
        with self._lock:
            self._seen[account_id] = (time.monotonic(), info)
        return info

    def ref(self, info: AccountInfo, adapter: PlatformAdapter) -> AccountRef:
        """Decrypted credentials, refreshed first when they expire within the margin."""
        with self._lock:
            cached = self._refs.get(info.id)
        if cached is not None and time.monotonic() - cached[0] < self._settings.account_cache_s:
            ref = cached[1]
        else:
            ref = self._accounts.account_ref(info.id, self._adapters.app_credentials(info))
            with self._lock:
                self._refs[info.id] = (time.monotonic(), ref)
        if self._expiring(ref):
            ref = self.refresh(info, adapter, ref)
        return ref

    def refresh(self, info: AccountInfo, adapter: PlatformAdapter, stale: AccountRef) -> AccountRef:
        """The one refresh an auth failure allows. Raises Reauth when the platform refuses it.

        X refresh tokens are single-use: one refresh per account at a time here, and the new
        credentials are stored at once; when another worker refreshed first, its stored
        credentials are used instead of spending ours."""
        with self._lock:
            lock = self._refresh_locks.setdefault(info.id, threading.Lock())
        with lock:
            current = self._fresh_ref(info)
            if current.credentials != stale.credentials and not self._expiring(current):
                return current
            try:
                creds = adapter.refresh(current)
            except AuthError as exc:
                again = self._fresh_ref(info)
                if again.credentials != current.credentials:
                    return again
                raise Reauth(exc.message) from exc
            self._store_credentials(info.id, creds)
            ref = AccountRef(
                platform=current.platform,
                external_id=current.external_id,
                handle=current.handle,
                credentials=creds,
                app=current.app,
                settings=current.settings,
            )
            with self._lock:
                self._refs[info.id] = (time.monotonic(), ref)
            return ref

    def needs_reauth(self, info: AccountInfo, reason: str) -> None:
        """The account → REQUIRES_REAUTH, said once."""
        with self._lock:
            self._refs.pop(info.id, None)
            self._seen.pop(info.id, None)
        if store.require_reauth(self._db, info.id, reason):
            log.warning("account %s (%s) needs reconnecting", info.id, info.platform.label)
            self._events.publish(
                ev.NEEDS_REAUTH,
                account_id=info.id,
                handle=info.handle,
                platform=info.platform.value,
                reason=reason,
            )

    def _expiring(self, ref: AccountRef) -> bool:
        exp = ref.credentials.expires_at
        return exp is not None and exp < self._clock.now() + self._settings.refresh_margin

    def _fresh_ref(self, info: AccountInfo) -> AccountRef:
        ref = self._accounts.account_ref(info.id, self._adapters.app_credentials(info))
        with self._lock:
            self._refs[info.id] = (time.monotonic(), ref)
        return ref

    def _store_credentials(self, account_id: int, creds: Credentials) -> None:
        # Its own transaction, at once: a rotated refresh token is the only copy there is.
        with write_session(self._db) as s:
            self._accounts.store_credentials(s, account_id, creds)
