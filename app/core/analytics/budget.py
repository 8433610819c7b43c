"""Per-account rate-limit budget for metric reads, kept in the database (survives restarts).

Metric look-ups spend the account's "read" budget in `rate_limit_budgets`, the same table
and mechanism the publishing engine uses for its "publish" budget. The defaults are the
platforms' documented per-user limits; a 429 from the platform (with its reset time and,
when given, its limit headers) overrides them.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def _save(conn: Connection, budget: _Budget, now: datetime, *, new: bool) -> None:
    values = {
        "account": budget.account_id,
        "b_limit": budget.limit,
        "b_remaining": budget.remaining,
        "b_window_s": budget.window_s,
        "b_reset_at": budget.reset_at,
        "b_updated_at": now,
    }
    conn.execute(_INSERT if new else _UPDATE, values)


def reserve(
    conn: Connection, account_id: int, platform: Platform, now: datetime, calls: int
) -> tuple[int, datetime]:
    """Take up to `calls` calls from the account's read budget, in the caller's (write)
    transaction. Returns (granted, reset_at): when fewer were granted than asked, the rest
    may go at `reset_at`."""
    budget = _load(conn, account_id)
    new = budget is None
    if budget is None:
        limit, window = READ_DEFAULTS[Platform(platform)]
        budget = _Budget(
            account_id, limit, limit, window, _window_end(Platform(platform), now, window)
        )
    elif budget.reset_at <= now:
        budget.remaining = budget.limit
        budget.reset_at = _window_end(Platform(platform), now, budget.window_s)
    granted = max(0, min(calls, budget.remaining))
    budget.remaining -= granted
    _save(conn, budget, now, new=new)
    return granted, budget.reset_at


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
