"""The engine's cycle for chain parts and first comments (issue 19), beside the targets'
(runner.py): reconcile expired leases, claim ready parts, run each on its platform's pool.
Parts share the pools and the in-flight set with targets under negative keys
(parts.pool_key), so the heartbeat, the batch limit and shutdown cover both."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, or_, select

from app.core import events as ev
from app.core.chain_models import TargetPart
from app.core.clock import Clock
from app.core.db import Database
from app.core.engine import parts
from app.core.engine.access import AccountAccess
from app.core.engine.connectivity import Connectivity
from app.core.engine.part_turn import PartTurns
from app.core.engine.part_work import load
from app.core.engine.pools import PlatformPools
from app.core.engine.ratelimits import BudgetDefault
from app.core.engine.results import Outcome
from app.core.engine.settings import AdapterSource, EngineSettings
from app.core.engine.txn import retrying
from app.core.models import TargetStatus
from app.platforms.names import Platform

#: Is any part queued and due, or in flight with its lease run out? Two index probes (status
#: with the due time, status with the lease) that stop at the first row, built once. Most
#: cycles find none (most histories have no chain or first comment): the claims' own probes
#: (joins over targets, accounts, posts, budgets, built for each call) are then not run.
#: Only a pre-filter: what it lets through is judged by the claims as before.
_MAYBE_CLAIMABLE = select(
    or_(
        exists().where(
            TargetPart.status == TargetStatus.QUEUED,
            TargetPart.next_attempt_at <= bindparam("now"),
        ),
        exists().where(
            TargetPart.status == TargetStatus.IN_FLIGHT,
            TargetPart.lease_until < bindparam("now"),
        ),
    )
)
#: Is any part waiting or in flight at all (whatever its due time or lease)?
_ANY_OPEN = select(
    exists().where(TargetPart.status.in_([TargetStatus.QUEUED, TargetStatus.IN_FLIGHT]))
)


def split_keys(keys: Iterable[int]) -> tuple[list[int], list[int]]:
    """In-flight keys → (target ids, part ids)."""
    ids = list(keys)
    return [k for k in ids if k > 0], [-k for k in ids if k < 0]


class PartCycle:
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
        pools: PlatformPools,
        budgets: Mapping[Platform, BudgetDefault] | None = None,
    ) -> None:
        self._db = db
        self._budgets = budgets
        self._owner = owner
        self._settings = settings
        self._pools = pools
        self._turns = PartTurns(
            db, db_clock, owner, settings, adapters, access, connectivity, events, stopping
        )

    def cycle(
        self, now: datetime, free: int
    ) -> tuple[list[Future[Outcome]], list[Future[Outcome]]]:
        if free <= 0 or not self._probe(_MAYBE_CLAIMABLE, {"now": now}):
            return [], []
        lease, db, owner = self._settings.lease, self._db, self._owner
        expired = retrying(lambda: parts.claim_expired(db, owner, now, free, lease))
        due = retrying(
            lambda: parts.claim_due(db, owner, now, free - len(expired), lease, self._budgets)
        )
        if not expired and not due:
            return [], []
        self._pools.hold(parts.pool_key(p) for p in expired + due)
        works = load(db, expired + due, owner)
        self._pools.drop(parts.pool_key(p) for p in expired + due if p not in works)
        submit: Any = self._pools.submit
        recon = [submit(works[p], self._turns.reconcile) for p in expired if p in works]
        pubs = [submit(works[p], self._turns.publish) for p in due if p in works]
        return recon, pubs

    def renew(self, part_ids: list[int], until: datetime) -> None:
        parts.renew(self._db, self._owner, part_ids, until)

    def release(self, part_ids: list[int], now: datetime) -> None:
        parts.release(self._db, part_ids, self._owner, now)

    def next_wakeup(self, now: datetime) -> datetime | None:
        if not self._probe(_ANY_OPEN):
            return None
        return parts.next_wakeup(self._db, now)

    def idle(self, now: datetime) -> bool:
        if not self._probe(_ANY_OPEN):
            return True
        due, flying = parts.busy(self._db, now)
        return due == 0 and flying == 0

    def _probe(self, stmt: Any, params: dict[str, Any] | None = None) -> bool:
        with self._db.engine.connect() as conn:
            return bool(conn.execute(stmt, params or {}).scalar())
