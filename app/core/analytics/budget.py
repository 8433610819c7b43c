"""Per-account rate-limit budget for metric reads, kept in the database (survives restarts).

Metric look-ups spend the account's "read" budget in `rate_limit_budgets`, the same table
and mechanism the publishing engine uses for its "publish" budget. The defaults are the
platforms' documented per-user limits; a 429 from the platform (with its reset time and,
when given, its limit headers) overrides them.

What a look-up costs and what it may spend, per network's descriptor (`rate_budgets`):
- `call_cost`: the calls the platform counts for one batch, one per call (X counts a look-up
  of 100 ids as one call) or per post (Graph counts each request inside a batch request);
- `publishing_reserve`: where reads and publishing draw on one platform limit (Graph), the
  part of the limit reads never spend (`read_share`), so that a backlog of checkpoints
  never leaves publishing without calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from app import platforms
from app.core.models import RateLimitBudget
from app.core.ports import RateLimitInfo
from app.platforms.names import Platform
from app.platforms.views import PerPlatform

SCOPE = "read"

# (calls, window seconds) per account, from each network's descriptor (app/platforms/).
READ_DEFAULTS: Mapping[Platform, tuple[int, int]] = PerPlatform(
    lambda d: (d.rate_budgets.read.limit, d.rate_budgets.read.window_s)
)


def call_cost(platform: Platform, ids: int) -> int:
    """Calls the platform counts against the read budget for one look-up of `ids` posts."""
    per_id = platforms.get(platform).rate_budgets.read_cost_per_id
    return max(1, per_id * ids) if per_id else 1


def per_call(platform: Platform) -> bool:
    """Whether the platform counts a look-up as one call whatever its size (X, Bluesky)."""
    return not platforms.get(platform).rate_budgets.read_cost_per_id


def publishing_reserve(platform: Platform, limit: int) -> int:
    """Calls of a read window of `limit` that metric look-ups leave for publishing."""
    share = platforms.get(platform).rate_budgets.read_share
    return limit - int(limit * share)


def _window_end(platform: Platform, now: datetime, window_s: int) -> datetime:
    # A network whose read limit is per UTC day (LinkedIn) resets at midnight, not rolling.
    if platforms.get(platform).rate_budgets.read.utc_day and window_s == 86400:
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight + timedelta(days=1)
    return now + timedelta(seconds=window_s)


@dataclass
class _Budget:
    account_id: int
    limit: int
    remaining: int
    window_s: int
    reset_at: datetime


# Built once: constructing a statement costs more than running it (the collector reserves
# every account's budget on every run; the demo seed makes thousands of runs).
_LOAD = select(
    RateLimitBudget.limit,
    RateLimitBudget.remaining,
    RateLimitBudget.window_s,
    RateLimitBudget.reset_at,
).where(RateLimitBudget.account_id == bindparam("account"), RateLimitBudget.scope == SCOPE)
_VALUES: dict[str, Any] = {
    "limit": bindparam("b_limit"),
    "remaining": bindparam("b_remaining"),
    "window_s": bindparam("b_window_s"),
    "reset_at": bindparam("b_reset_at"),
    "updated_at": bindparam("b_updated_at"),
}
_INSERT = insert(RateLimitBudget).values(account_id=bindparam("account"), scope=SCOPE, **_VALUES)
_UPDATE = (
    update(RateLimitBudget)
    .where(RateLimitBudget.account_id == bindparam("account"), RateLimitBudget.scope == SCOPE)
    .values(**_VALUES)
)


def _load(conn: Connection, account_id: int) -> _Budget | None:
    row = conn.execute(_LOAD, {"account": account_id}).first()
    if row is None:
        return None
    return _Budget(account_id, row.limit, row.remaining, row.window_s, row.reset_at)


def _values(budget: _Budget, now: datetime) -> dict[str, Any]:
    return {
        "account": budget.account_id,
        "b_limit": budget.limit,
        "b_remaining": budget.remaining,
        "b_window_s": budget.window_s,
        "b_reset_at": budget.reset_at,
        "b_updated_at": now,
    }


def _save(conn: Connection, budget: _Budget, now: datetime, *, new: bool) -> None:
    conn.execute(_INSERT if new else _UPDATE, _values(budget, now))


def reserve(
    conn: Connection,
    account_id: int,
    platform: Platform,
    now: datetime,
    costs: Sequence[int],
) -> tuple[int, datetime]:
    """Take the calls of as many of the batches (their `costs` in calls, in order) as the
    account's read budget allows, in the caller's (write) transaction, never touching the
    publishing reserve. Returns (batches granted, reset_at): the rest may go at `reset_at`."""
    return reserve_many(conn, {account_id: (platform, costs)}, now)[account_id]


_LOAD_MANY = select(
    RateLimitBudget.account_id,
    RateLimitBudget.limit,
    RateLimitBudget.remaining,
    RateLimitBudget.window_s,
    RateLimitBudget.reset_at,
).where(
    RateLimitBudget.account_id.in_(bindparam("accounts", expanding=True)),
    RateLimitBudget.scope == SCOPE,
)


def reserve_many(
    conn: Connection,
    wanted: Mapping[int, tuple[Platform, Sequence[int]]],
    now: datetime,
) -> dict[int, tuple[int, datetime]]:
    """`reserve` for several accounts (account id -> (platform, costs)) in three statements
    whatever their number: their budgets read together, the new ones inserted together, the
    others updated together. Returns account id -> (batches granted, reset_at)."""
    if not wanted:
        return {}
    stored = {
        r.account_id: _Budget(r.account_id, r.limit, r.remaining, r.window_s, r.reset_at)
        for r in conn.execute(_LOAD_MANY, {"accounts": sorted(wanted)})
    }
    granted_of: dict[int, tuple[int, datetime]] = {}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for account_id in sorted(wanted):
        platform, costs = Platform(wanted[account_id][0]), wanted[account_id][1]
        budget = stored.get(account_id)
        new = budget is None
        if budget is None:
            limit, window = READ_DEFAULTS[platform]
            budget = _Budget(account_id, limit, limit, window, _window_end(platform, now, window))
        elif budget.reset_at <= now:
            budget.remaining = budget.limit
            budget.reset_at = _window_end(platform, now, budget.window_s)
        spendable = budget.remaining - publishing_reserve(platform, budget.limit)
        granted = spent = 0
        for cost in costs:
            if spent + cost > spendable:
                break
            spent += cost
            granted += 1
        budget.remaining -= spent
        (inserts if new else updates).append(_values(budget, now))
        granted_of[account_id] = (granted, budget.reset_at)
    if inserts:
        conn.execute(_INSERT, inserts)
    if updates:
        conn.execute(_UPDATE, updates)
    return granted_of


def record_rate_limited(
    conn: Connection,
    account_id: int,
    platform: Platform,
    now: datetime,
    reset_at: datetime | None,
    info: RateLimitInfo | None = None,
) -> datetime:
    """The platform said "too many requests": nothing left until its reset. Returns when to
    try again."""
    budget = _load(conn, account_id)
    new = budget is None
    limit, window = READ_DEFAULTS[Platform(platform)]
    if budget is None:
        budget = _Budget(account_id, limit, 0, window, now)
    if info is not None and info.limit:
        budget.limit = info.limit
    reset = reset_at or (info.reset_at if info else None)
    if reset is None or reset <= now:
        reset = now + timedelta(minutes=1)  # the platform gave no reset: a short, polite wait
    budget.remaining = 0
    budget.reset_at = reset
    _save(conn, budget, now, new=new)
    return reset
