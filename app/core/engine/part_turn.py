"""One chain part's or first comment's turn: send it as a reply to (or a comment on) its
parent's platform id, looking first when an earlier attempt may have gone out, or reconcile it
after its worker stopped mid-send. What follows a failure is the same retry policy as for
targets (policy.decide): a part has its own attempts, so a failure in part 3 retries part 3.
A first comment's failure is stored on the comment only; the post's status ignores it."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from app.core import events as ev
from app.core.accounts import AccountInfo
from app.core.chain_models import COMMENT
from app.core.chain_ports import ChainAdapter
from app.core.clock import Clock
from app.core.db import Database
from app.core.engine import parts, policy
from app.core.engine.access import AccountAccess, Reauth
from app.core.engine.connectivity import Connectivity
from app.core.engine.part_work import PartWork
from app.core.engine.policy import Action, Decision
from app.core.engine.reconcile import LOOKUP_MARGIN, Found, Lookup
from app.core.engine.results import Outcome
from app.core.engine.settings import AdapterSource, EngineSettings
from app.core.models import AccountStatus
from app.core.ports import (
    AccountRef,
    AuthError,
    LookupUnavailableError,
    NetworkUnavailableError,
    PublishError,
    PublishResult,
)

log = logging.getLogger(__name__)

_QUEUED_AS = {
    Action.RETRY: Outcome.RETRY,
    Action.CHECK: Outcome.RETRY,
    Action.REQUEUE: Outcome.REQUEUED,
}


class PartTurns:
    def __init__(
        self,
        db: Database,
        db_clock: Clock,
        owner: str,
        settings: EngineSettings,
        adapters: AdapterSource,
        access: AccountAccess,
        connectivity: Connectivity,
        events: ev.EventHub,
        stopping: threading.Event,
    ) -> None:
        self._db = db
        self._clock = db_clock
        self._owner = owner
        self._settings = settings
        self._adapters = adapters
        self._access = access
        self._connectivity = connectivity
        self._events = events
        self._stopping = stopping

    def publish(self, work: PartWork) -> Outcome:
        if self._stopping.is_set():
            parts.release(self._db, [work.part_id], self._owner, self._clock.now())
            return Outcome.RELEASED
        info = self._access.account(work.account_id)
        if info.status != AccountStatus.ACTIVE:
            parts.release(self._db, [work.part_id], self._owner, self._clock.now())
            return Outcome.RELEASED
        adapter = self._adapters.adapter(info)
        history = work.history()
        try:
            ref = self._access.ref(info, adapter)
            if history.must_look_first:
                decision = self._decide(self._look(adapter, ref, info, work), work, history)
                if decision.action != Action.SEND:
                    return self._carry_out(work, info, decision)
            now = self._clock.now()
            if not parts.hold(self._db, self._owner, work.part_id, now, now + self._settings.lease):
                log.warning("part %s: lease lost or post deleted; not sent", work.part_id)
                return Outcome.SKIPPED
            result = self._send(adapter, ref, info, work)
        except Reauth as exc:
            return self._failed(work, info, AuthError(exc.reason))
        except PublishError as exc:
            return self._failed(work, info, exc)
        except Exception as exc:  # an adapter bug: a lost answer, then decided
            log.exception("adapter error for part %s", work.part_id)
            return self._failed(work, info, policy.unexpected(exc))
        return self._published(work, result.external_id, result.url)

    def reconcile(self, work: PartWork) -> Outcome:
        """A lease expired on this in-flight part: find out before anything is re-sent."""
        info = self._access.account(work.account_id)
        adapter = self._adapters.adapter(info)
        try:
            ref = self._access.ref(info, adapter)
            found = self._look(adapter, ref, info, work)
        except Reauth as exc:
            found = Lookup(Found.AUTH, reason=exc.reason)
        except NetworkUnavailableError as exc:
            found = Lookup(Found.OFFLINE, reason=exc.message, error=exc)
        except PublishError as exc:
            found = Lookup(Found.UNKNOWN, reason=exc.message, error=exc)
        decision = self._decide(found, work, work.history(interrupted=True))
        return self._carry_out(work, info, decision)

    # ------------------------------------------------------------ the pieces

    def _decide(
        self, what: BaseException | Lookup, work: PartWork, history: policy.History
    ) -> Decision:
        return policy.decide(what, history, self._clock.now(), network=work.platform.label)

    def _failed(self, work: PartWork, info: AccountInfo, error: BaseException) -> Outcome:
        return self._carry_out(work, info, self._decide(error, work, work.history()))

    def _published(self, work: PartWork, external_id: str, url: str | None) -> Outcome:
        parts.mark_published(self._db, work.part_id, external_id, url, self._clock.now())
        self._connectivity.online_again()
        self._events.publish(ev.POSTS_CHANGED, workspace_id=None)
        return Outcome.PUBLISHED

    def _carry_out(self, work: PartWork, info: AccountInfo, decision: Decision) -> Outcome:
        action = decision.action
        reason = decision.error_message or "failed"
        if action == Action.PUBLISHED:
            assert decision.external_id is not None
            return self._published(work, decision.external_id, decision.url)
        if action == Action.REAUTH:
            self._access.needs_reauth(info, reason)
        elif action != Action.WAIT_NETWORK:
            self._connectivity.online_again()
        if not parts.apply_decision(
            self._db, work.part_id, self._owner, decision, self._clock.now()
        ):
            return Outcome.SKIPPED
        if action == Action.WAIT_NETWORK:
            self._connectivity.offline(reason)
        self._events.publish(ev.POSTS_CHANGED, workspace_id=None)
        if action == Action.GIVE_UP:
            what = "comment" if work.kind == COMMENT else f"part {work.position}"
            log.info("%s of post %s failed: %s", what, work.post_id, reason)
            return Outcome.FAILED
        if action == Action.CONFIRM:
            return Outcome.CONFIRM
        return _QUEUED_AS.get(action, Outcome.WAITING)

    def _send(
        self, adapter: object, ref: AccountRef, info: AccountInfo, work: PartWork
    ) -> PublishResult:
        hooks: ChainAdapter = adapter  # type: ignore[assignment]
        send = hooks.publish_comment if work.kind == COMMENT else hooks.publish_reply
        try:
            return send(ref, work.text, work.parent_external_id, work.idempotency_key)
        except AuthError:
            fresh = self._access.refresh(info, adapter, ref)  # type: ignore[arg-type]
            try:
                return send(fresh, work.text, work.parent_external_id, work.idempotency_key)
            except AuthError as exc:
                raise Reauth(exc.message) from exc

    def _look(self, adapter: object, ref: AccountRef, info: AccountInfo, work: PartWork) -> Lookup:
        found = self._find(adapter, ref, work)
        if found.found == Found.AUTH:
            fresh = self._access.refresh(info, adapter, ref)  # type: ignore[arg-type]
            found = self._find(adapter, fresh, work)
        return found

    def _find(self, adapter: object, ref: AccountRef, work: PartWork) -> Lookup:
        now = self._clock.now()
        since: datetime = (work.lookup_from or now) - LOOKUP_MARGIN
        hooks: ChainAdapter = adapter  # type: ignore[assignment]
        try:
            found = hooks.find_reply(
                ref, work.kind, work.parent_external_id, work.text, since, now + LOOKUP_MARGIN
            )
        except NetworkUnavailableError as exc:
            return Lookup(Found.OFFLINE, reason=exc.message, error=exc)
        except AuthError as exc:
            return Lookup(Found.AUTH, reason=exc.message, error=exc)
        except LookupUnavailableError as exc:
            return Lookup(Found.CANNOT, reason=exc.message, error=exc)
        except PublishError as exc:
            return Lookup(Found.UNKNOWN, reason=exc.message, error=exc)
        except Exception as exc:  # noqa: BLE001 — an adapter bug must not become a duplicate
            return Lookup(Found.UNKNOWN, reason=str(exc) or type(exc).__name__)
        return Lookup(Found.EXISTS, external_id=found) if found else Lookup(Found.ABSENT)
