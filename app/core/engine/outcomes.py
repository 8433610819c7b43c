"""Carrying out the retry policy's decisions (app/core/engine/policy.py) for one target: the
write-back, the events, and what the decision says about the network and the account."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from app.core import events as ev
from app.core.accounts import AccountInfo
from app.core.clock import Clock
from app.core.db import Database
from app.core.engine import store
from app.core.engine.access import AccountAccess
from app.core.engine.connectivity import Connectivity
from app.core.engine.group import GroupCommit
from app.core.engine.policy import Action, Decision
from app.core.engine.ratelimits import BudgetDefault
from app.core.engine.results import Outcome
from app.core.engine.txn import retrying
from app.core.models import TargetStatus
from app.core.ports import RateLimitInfo
from app.platforms.names import Platform

log = logging.getLogger(__name__)

_QUEUED_AS = {
    Action.RETRY: Outcome.RETRY,
    Action.CHECK: Outcome.RETRY,
    Action.REQUEUE: Outcome.REQUEUED,
}


class Recorder:
    """Stores what happened to targets this worker holds, and says so."""

    def __init__(
        self,
        db: Database,
        db_clock: Clock,
        owner: str,
        events: ev.EventHub,
        budgets: Mapping[Platform, BudgetDefault],
        connectivity: Connectivity,
        access: AccountAccess,
    ) -> None:
        self._db = db
        self._db_clock = db_clock
        self._owner = owner
        self._events = events
        self._budgets = budgets
        self._connectivity = connectivity
        self._access = access
        # Successes are facts: many are written in one transaction.
        self._successes: GroupCommit[store.Success, bool] = GroupCommit(
            lambda batch: retrying(lambda: store.mark_published_many(db, batch, budgets))
        )

    def published(
        self,
        work: store.Work,
        external_id: str,
        url: str | None,
        rate_limit: RateLimitInfo | None,
    ) -> Outcome:
        now = self._db_clock.now()
        self._successes.submit(store.Success(work.target_id, external_id, url, now, rate_limit))
        self._connectivity.online_again()
        self._events.publish(
            ev.TARGET_PUBLISHED,
            target_id=work.target_id,
            post_id=work.post_id,
            platform=work.platform.value,
            external_id=external_id,
        )
        return Outcome.PUBLISHED

    def carry_out(self, work: store.Work, info: AccountInfo, decision: Decision) -> Outcome:
        """Apply a decision other than SEND to a target this worker holds."""
        action = decision.action
        if action == Action.SEND:
            raise ValueError("SEND is carried out by sending")
        reason = decision.error_message or "failed"
        if action == Action.REAUTH:
            self._access.needs_reauth(info, reason)
        elif action != Action.WAIT_NETWORK:
            self._connectivity.online_again()  # the platform answered
        if action == Action.PUBLISHED:
            assert decision.external_id is not None
            log.info("target %s: already out as %s", work.target_id, decision.external_id)
            return self.published(work, decision.external_id, decision.url, None)
        outcome = self._store(work, decision)
        if action == Action.WAIT_NETWORK:
            self._connectivity.offline(reason)  # after the target is back in the queue
        if outcome != Outcome.SKIPPED and action == Action.GIVE_UP:
            return self._announce_failure(work, reason)
        return outcome

    def _store(self, work: store.Work, decision: Decision) -> Outcome:
        now = self._db_clock.now()
        action = decision.action
        if action == Action.CONFIRM:
            if not store.park_for_confirmation(
                self._db, work.target_id, self._owner, decision.error_message or "", now
            ):
                return Outcome.SKIPPED
            self._events.publish(
                ev.NEEDS_CONFIRMATION, target_id=work.target_id, post_id=work.post_id
            )
            return Outcome.CONFIRM
        if decision.status == TargetStatus.IN_FLIGHT:
            # Reconciliation is still owed: the lease lapses now and it is looked up later.
            store.expire_lease(self._db, work.target_id, self._owner, now)
            return Outcome.WAITING
        if action == Action.WAIT_RESET and decision.next_attempt_at is not None:
            store.exhaust_budget(
                self._db,
                work.account_id,
                work.platform,
                decision.next_attempt_at,
                now,
                self._budgets,
            )
        if not store.apply_decision(
            self._db,
            work.target_id,
            self._owner,
            decision,
            now,
            maybe_sent_since=decision.maybe_sent_since,
        ):
            return Outcome.SKIPPED
        if action == Action.GIVE_UP:
            return Outcome.FAILED
        return _QUEUED_AS.get(action, Outcome.WAITING)

    def _announce_failure(self, work: store.Work, reason: str) -> Outcome:
        log.info("target %s failed: %s", work.target_id, reason)
        self._events.publish(
            ev.TARGET_FAILED,
            target_id=work.target_id,
            post_id=work.post_id,
            platform=work.platform.value,
            reason=reason,
        )
        return Outcome.FAILED
