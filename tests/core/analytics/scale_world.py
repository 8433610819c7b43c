"""Seeding for the analytics-at-scale tests (issue 24): many accounts, many published targets
and their metric tasks, written with bulk inserts; fake adapters with each network's real
batch size that count the calls each account makes."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from app import platforms
from app.core.analytics import budget
from app.core.db import Database
from app.core.metric_plan import CHECKPOINT_DELAYS
from app.core.models import (
    Account,
    AccountStatus,
    Checkpoint,
    MetricTask,
    Post,
    PostStatus,
    Target,
    TargetStatus,
    TaskStatus,
    Workspace,
)
from app.core.ports import AccountRef, Credentials, Metrics
from app.platforms.names import Platform

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def batch_size(platform: Platform) -> int:
    """The network's real adapter's `metrics_batch_size` (ids per look-up)."""
    module, _, name = platforms.get(platform).adapter.partition(":")
    return int(getattr(importlib.import_module(module), name).metrics_batch_size)


@dataclass
class CountingAdapter:
    """fetch_metrics at the real adapter's batch size; every call is logged with the
    account, the ids and the (fake) clock's time."""

    platform: Platform
    clock: object
    log: list[tuple[int, datetime, list[str]]]
    account_id: int = 0
    metrics_batch_size: int = 1

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        ids = list(external_ids)
        assert len(ids) <= self.metrics_batch_size, "a look-up larger than the network allows"
        self.log.append((self.account_id, self.clock.now(), ids))  # type: ignore[attr-defined]
        return {i: Metrics(likes=3, shares=1, comments=1, impressions=100) for i in ids}


@dataclass
class World:
    accounts: dict[int, Platform] = field(default_factory=dict)
    workspace_of: dict[int, int] = field(default_factory=dict)
    log: list[tuple[int, datetime, list[str]]] = field(default_factory=list)
    due: dict[str, datetime] = field(default_factory=dict)  # external id + checkpoint -> due
    owner: dict[str, int] = field(default_factory=dict)  # external id -> account

    def lookup(self, clock: object):
        sizes = {p: batch_size(p) for p in Platform}

        def adapter_for(account_id: int) -> tuple[CountingAdapter, AccountRef]:
            p = self.accounts[account_id]
            adapter = CountingAdapter(p, clock, self.log, account_id, sizes[p])
            ref = AccountRef(
                platform=p,
                external_id=f"acc{account_id}",
                handle=f"h{account_id}",
                credentials=Credentials(access_token="token-not-real"),
            )
            return adapter, ref

        return adapter_for

    def calls_by_platform(self) -> Counter[Platform]:
        """Calls as each platform counts them (budget.call_cost: Graph per post)."""
        out: Counter[Platform] = Counter()
        for account_id, _at, ids in self.log:
            p = self.accounts[account_id]
            out[p] += budget.call_cost(p, len(ids))
        return out

    def most_in_any_window(self, account_id: int) -> int:
        """The most calls (platform-counted) the account made within one read window."""
        p = self.accounts[account_id]
        window = timedelta(seconds=platforms.get(p).rate_budgets.read.window_s)
        calls = sorted(
            (at, budget.call_cost(p, len(ids))) for a, at, ids in self.log if a == account_id
        )
        best = 0
        for i, (start, _c) in enumerate(calls):
            best = max(best, sum(c for at, c in calls[i:] if at < start + window))
        return best


def seed_accounts(db: Database, world: World, per_platform: int, workspaces: int) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            insert(Workspace),
            [
                {"id": w, "name": f"Agency {w}", "timezone": "UTC", "created_at": T0}
                for w in range(1, workspaces + 1)
            ],
        )
        rows = []
        n = 0
        for p in Platform:
            for _ in range(per_platform):
                n += 1
                rows.append(
                    {
                        "id": n,
                        "workspace_id": 1 + n % workspaces,
                        "platform": p,
                        "handle": f"h{n}",
                        "external_id": f"acc{n}",
                        "status": AccountStatus.ACTIVE,
                        "settings": {},
                        "created_at": T0,
                    }
                )
                world.accounts[n] = p
                world.workspace_of[n] = 1 + n % workspaces
        conn.execute(insert(Account), rows)


def add_account(db: Database, world: World, platform: Platform, workspace_id: int = 1) -> int:
    n = max(world.accounts, default=0) + 1
    with db.engine.begin() as conn:
        conn.execute(
            insert(Account),
            [
                {
                    "id": n,
                    "workspace_id": workspace_id,
                    "platform": platform,
                    "handle": f"h{n}",
                    "external_id": f"acc{n}",
                    "status": AccountStatus.ACTIVE,
                    "settings": {},
                    "created_at": T0,
                }
            ],
        )
    world.accounts[n] = platform
    world.workspace_of[n] = workspace_id
    return n


def seed_published(
    db: Database, world: World, published: Sequence[tuple[int, datetime, Sequence[Checkpoint]]]
) -> None:
    """One post and target per (account, published_at, checkpoints still to collect)."""
    posts, targets, tasks = [], [], []
    for n, (account_id, when, checkpoints) in enumerate(published, start=1):
        ext = f"x{n}"
        world.owner[ext] = account_id
        posts.append(
            {
                "id": n,
                "workspace_id": world.workspace_of[account_id],
                "base_text": "",
                "scheduled_at": when,
                "scheduled_tz": "UTC",
                "status": PostStatus.PUBLISHED,
                "created_at": when,
                "updated_at": when,
            }
        )
        targets.append(
            {
                "id": n,
                "post_id": n,
                "account_id": account_id,
                "status": TargetStatus.PUBLISHED,
                "attempts": 1,
                "external_id": ext,
                "published_at": when,
                "updated_at": when,
            }
        )
        for c in checkpoints:
            due = when + CHECKPOINT_DELAYS[c]
            world.due[f"{ext}/{c.value}"] = due
            tasks.append(
                {
                    "target_id": n,
                    "checkpoint": c,
                    "due_at": due,
                    "status": TaskStatus.QUEUED,
                    "attempts": 0,
                }
            )
    with db.engine.begin() as conn:
        conn.execute(insert(Post), posts)
        conn.execute(insert(Target), targets)
        conn.execute(insert(MetricTask), tasks)
