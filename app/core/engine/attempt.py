"""One target's turn: publish it (looking first when an earlier attempt may have gone out), or
reconcile it after its worker stopped mid-publish. What happens next is the retry policy's
decision (app/core/engine/policy.py); this module gathers the facts and hands them over."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.core.accounts import AccountInfo
from app.core.clock import Clock
from app.core.constraints import validate
from app.core.db import Database
from app.core.engine import claim, policy, store
from app.core.engine.access import AccountAccess, Reauth
from app.core.engine.group import GroupCommit
from app.core.engine.outcomes import Recorder
from app.core.engine.policy import Action, Decision, ErrorCode
from app.core.engine.reconcile import Found, Lookup, lookup
from app.core.engine.results import Outcome
from app.core.engine.settings import AdapterSource, EngineSettings
from app.core.engine.txn import retrying
from app.core.models import AccountStatus
from app.core.ports import (
    AccountRef,
    AuthError,
    NetworkUnavailableError,
    PermanentError,
    PlatformAdapter,
    PublishError,
    PublishResult,
)
from app.core.textrules.account_rules import ACCOUNT_LIMITS

log = logging.getLogger(__name__)


class Attempts:
    def __init__(
        self,
        db: Database,
        db_clock: Clock,
        owner: str,
        settings: EngineSettings,
        adapters: AdapterSource,
        access: AccountAccess,
        recorder: Recorder,
        stopping: threading.Event,
    ) -> None:
        self._db = db
        self._db_clock = db_clock
        self._owner = owner
        self._settings = settings
        self._adapters = adapters
        self._access = access
        self._recorder = recorder
        self._stopping = stopping
        # The pre-send checks of many publishing threads, one write transaction for all
        # (each still its own conditional UPDATE, committed before its thread sends).
        self._holds: GroupCommit[claim.Hold, bool] = GroupCommit(
            lambda batch: retrying(lambda: claim.hold_leases(db, owner, batch))
        )

    def publish(self, work: store.Work) -> Outcome:
        target_id = work.target_id
        if self._stopping.is_set():
            store.release(self._db, [target_id], self._owner, self._db_clock.now())
            return Outcome.RELEASED
        info = self._access.account(work.account_id)
        if info.status != AccountStatus.ACTIVE:
            store.release(self._db, [target_id], self._owner, self._db_clock.now())
            return Outcome.RELEASED
        adapter = self._adapters.adapter(info)
        history = work.history()
        looked: Decision | None = None
        result: PublishResult | None = None
        try:
            ref = self._access.ref(info, adapter)
            problems = _validation_errors(adapter, work, info.settings)
            if problems:
                raise PermanentError(problems, code=ErrorCode.CONTENT_REJECTED)
            if history.must_look_first:
                found = self._look(adapter, ref, info, work, self._db_clock.now())
                looked = self._decide(found, work, history)
            if looked is None or looked.action == Action.SEND:
                looked = None
                now = self._db_clock.now()
                hold = claim.Hold(target_id, now, now + self._settings.lease, work.content_version)
                if not self._holds.submit(hold):
                    return self._not_sending(work, now)
                result = self._send(adapter, ref, info, work)
        except Reauth as exc:
            return self._carry_out(work, info, AuthError(exc.reason))
        except PublishError as exc:
            return self._carry_out(work, info, exc)
        except Exception as exc:  # an adapter bug: retried like a lost answer, then decided
            log.exception("adapter error for target %s", target_id)
            return self._carry_out(work, info, policy.unexpected(exc))
        if looked is not None:
            return self._recorder.carry_out(work, info, looked)
        assert result is not None
        return self._recorder.published(work, result.external_id, result.url, result.rate_limit)

    def reconcile(self, work: store.Work) -> Outcome:
        """A lease expired on this in-flight target: find out before anything is re-sent."""
        now = self._db_clock.now()
        info = self._access.account(work.account_id)
        adapter = self._adapters.adapter(info)
        try:
            ref = self._access.ref(info, adapter)
            found = self._look(adapter, ref, info, work, now)
        except Reauth as exc:
            found = Lookup(Found.AUTH, reason=exc.reason)
        except NetworkUnavailableError as exc:
            found = Lookup(Found.OFFLINE, reason=exc.message, error=exc)
        except PublishError as exc:
            found = Lookup(Found.UNKNOWN, reason=exc.message, error=exc)
        decision = self._decide(found, work, work.history(interrupted=True))
        return self._recorder.carry_out(work, info, decision)

    def _decide(
        self, what: BaseException | Lookup, work: store.Work, history: policy.History
    ) -> Decision:
        return policy.decide(what, history, self._db_clock.now(), network=work.platform.label)

    def _carry_out(self, work: store.Work, info: AccountInfo, error: BaseException) -> Outcome:
        return self._recorder.carry_out(work, info, self._decide(error, work, work.history()))

    def _not_sending(self, work: store.Work, now: datetime) -> Outcome:
        """The pre-send check refused: the post was deleted or changed after this worker
        loaded it (the target goes back to the queue for the new version), or the lease
        was lost (another worker has the target now)."""
        if store.release_stale(self._db, work.target_id, self._owner, work.content_version, now):
            log.info(
                "target %s: post deleted or changed since it was claimed; not sent",
                work.target_id,
            )
            return Outcome.RELEASED
        log.warning("target %s: lease lost before sending; not sent", work.target_id)
        return Outcome.SKIPPED

    def _send(
        self, adapter: PlatformAdapter, ref: AccountRef, info: AccountInfo, work: store.Work
    ) -> PublishResult:
        try:
            return adapter.publish(ref, work.text, work.media, work.idempotency_key)
        except AuthError:
            # One refresh, then one more try; a second refusal means reconnecting.
            fresh = self._access.refresh(info, adapter, ref)
            try:
                return adapter.publish(fresh, work.text, work.media, work.idempotency_key)
            except AuthError as exc:
                raise Reauth(exc.message) from exc

    def _look(
        self,
        adapter: PlatformAdapter,
        ref: AccountRef,
        info: AccountInfo,
        work: store.Work,
        now: datetime,
    ) -> Lookup:
        """Ask the platform for an earlier attempt's post; a refused token gets the one
        refresh and one more question."""
        key, text, since = work.idempotency_key, work.text, work.lookup_from
        found = lookup(adapter, ref, key, text, since, now)
        if found.found == Found.AUTH:
            fresh = self._access.refresh(info, adapter, ref)
            found = lookup(adapter, fresh, key, text, since, now)
        return found


def _validation_errors(
    adapter: PlatformAdapter, work: store.Work, settings: Mapping[str, Any]
) -> str | None:
    if settings.get(ACCOUNT_LIMITS):  # the account's server set its own limits (Mastodon)
        warnings: list[Any] = validate(adapter.platform, work.text, work.media, settings)
    else:
        warnings = adapter.validate(work.text, work.media)
    errors = [
        str(getattr(w, "message", w))
        for w in warnings
        if getattr(w, "severity", "error") == "error"
    ]
    return "; ".join(errors) if errors else None
