"""Per-account publishing budgets, kept in the database so they survive restarts and are
shared by every worker.

Each platform's documented limit is the default (X 300 posts per 15 min, LinkedIn 100 per day
resetting at midnight UTC, Instagram's content-publishing limit per 24 h; each network's
descriptor, app/platforms/<network>/, holds it); the Setting
"engine.rate_limits" can override them ({"<PLATFORM>": {"limit": 200, "window_s": 900}}), and the
limits a platform reports in its response headers overwrite the stored budget.

Budgets are reserved inside the claim transaction, so workers never claim more posts for an
account than it may send; over-budget targets go back to the queue, due at the reset, without
using an attempt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ClauseElement, Connection, bindparam, case, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.core.models import RateLimitBudget, Setting
from app.core.ports import RateLimitInfo
from app.platforms.descriptor import PlatformDescriptor
from app.platforms.names import Platform
from app.platforms.views import PerPlatform

SETTING_KEY = "engine.rate_limits"
PUBLISH = "publish"


@dataclass(frozen=True)
class BudgetDefault:
    limit: int
    window_s: int
    #: the window ends at the next midnight UTC (LinkedIn's daily limits) instead of rolling
    utc_day: bool = False

    def reset_after(self, now: datetime) -> datetime:
        if self.utc_day:
            day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            return day + timedelta(days=1)
        return now + timedelta(seconds=self.window_s)


def _publish_budget(descriptor: PlatformDescriptor) -> BudgetDefault | None:
    budget = descriptor.rate_budgets.publish
    if budget is None:  # the network documents no per-post limit (Facebook)
        return None
    return BudgetDefault(budget.limit, budget.window_s, budget.utc_day)


#: each registered network's documented publish limit, from its descriptor
DEFAULT_BUDGETS: Mapping[Platform, BudgetDefault] = PerPlatform(_publish_budget)


def load_defaults(session: Session) -> dict[Platform, BudgetDefault]:
    """The documented defaults with the "engine.rate_limits" setting applied."""
    out = dict(DEFAULT_BUDGETS)
    row = session.get(Setting, SETTING_KEY)
    value: Any = None if row is None else row.value
    if isinstance(value, dict):
        for name, spec in value.items():
            try:
                platform = Platform(str(name).upper())
            except ValueError:
                continue
            if spec is None:
                out.pop(platform, None)
            elif isinstance(spec, dict) and "limit" in spec:
                base = out.get(platform, BudgetDefault(int(spec["limit"]), 24 * 3600))
                out[platform] = BudgetDefault(
                    int(spec["limit"]),
                    int(spec.get("window_s", base.window_s)),
                    bool(spec.get("utc_day", base.utc_day)),
                )
    return out


def _row_values(
    account_id: int, scope: str, default: BudgetDefault, now: datetime
) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "scope": scope,
        "limit": default.limit,
        "remaining": default.limit,
        "window_s": default.window_s,
        "reset_at": default.reset_after(now),
        "updated_at": now,
    }


def _insert_ignoring_conflicts(session: Session | Connection, rows: list[dict[str, Any]]) -> Any:
    """One INSERT of these budget rows that skips the ones that exist (concurrent workers may
    race to create them)."""
    dialect = (session.get_bind() if isinstance(session, Session) else session).dialect.name
    if dialect == "postgresql":
        return postgresql.insert(RateLimitBudget).values(rows).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(RateLimitBudget).values(rows).on_conflict_do_nothing()
    raise NotImplementedError(dialect)  # pragma: no cover - only SQLite and PostgreSQL


def reserve(
    session: Session,
    account_id: int,
    platform: Platform,
    count: int,
    now: datetime,
    defaults: Mapping[Platform, BudgetDefault],
) -> tuple[int, datetime | None]:
    """Take up to `count` publishes from the account's budget (inside a write transaction).

    Returns (granted, reset_at): the targets beyond `granted` wait until `reset_at`.
    """
    return reserve_many(session, {account_id: (platform, count)}, now, defaults)[account_id]


def reserve_many(
    session: Session,
    wanted: Mapping[int, tuple[Platform, int]],
    now: datetime,
    defaults: Mapping[Platform, BudgetDefault],
) -> dict[int, tuple[int, datetime | None]]:
    """`reserve` for many accounts at once, in two statements whatever their number (it was
    four per account): read and lock every row in account order, write the new balances in
    one batch (two more the first time an account's row is created). Exact under concurrency: PostgreSQL holds
    the row locks (taken in a fixed order, so no deadlock) until the claim commits; SQLite's
    write transaction is exclusive anyway.

    `wanted`: account id → (platform, publishes wanted); returns account id → (granted,
    reset_at), reset_at None for an account with no budget (no documented limit and no
    headers seen yet)."""
    if not wanted:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        return _reserve_many_pg(session, wanted, now, defaults)

    def locked(accounts: list[int]) -> dict[int, RateLimitBudget]:
        query = (
            select(RateLimitBudget)
            .where(RateLimitBudget.account_id.in_(accounts), RateLimitBudget.scope == PUBLISH)
            .order_by(RateLimitBudget.account_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {row.account_id: row for row in session.scalars(query)}

    # The rows that exist, locked; then only the missing ones inserted (INSERT … ON CONFLICT
    # DO NOTHING on an existing row would wait for every claim holding it) and locked.
    rows = locked(sorted(wanted))
    missing = [
        _row_values(account_id, PUBLISH, default, now)
        for account_id, (platform, _n) in sorted(wanted.items())
        if account_id not in rows and (default := defaults.get(platform)) is not None
    ]
    if missing:
        session.execute(_insert_ignoring_conflicts(session, missing))
        rows.update(locked([r["account_id"] for r in missing]))
    out: dict[int, tuple[int, datetime | None]] = {}
    changes: list[dict[str, Any]] = []
    for account_id, (platform, count) in wanted.items():
        row = rows.get(account_id)
        if row is None:
            out[account_id] = (count, None)  # no documented limit and no headers seen yet
            continue
        default = defaults.get(platform) or BudgetDefault(row.limit, row.window_s)
        remaining, reset_at = row.remaining, row.reset_at
        if reset_at <= now:
            # A new window. The platform's own limit (from headers) beats our default.
            remaining = row.limit
            reset_at = (
                default.reset_after(now)
                if default.utc_day
                else now + timedelta(seconds=row.window_s or default.window_s)
            )
        granted = max(0, min(count, remaining))
        out[account_id] = (granted, reset_at)
        changes.append(
            {
                "b_account": account_id,
                "b_remaining": remaining - granted,
                "b_reset": reset_at,
            }
        )
    if changes:
        # One executemany (psycopg sends it as one pipeline), not an UPDATE per account.
        table = RateLimitBudget.metadata.tables[RateLimitBudget.__tablename__]
        session.connection().execute(
            update(table)
            .where(
                table.c.account_id == bindparam("b_account"),
                table.c.scope == PUBLISH,
            )
            .values(
                remaining=bindparam("b_remaining"), reset_at=bindparam("b_reset"), updated_at=now
            ),
            changes,
        )
        for change in changes:  # keep the loaded objects truthful for the caller's session
            session.expire(rows[change["b_account"]])
    return out


#: One statement takes every wanted account's publishes on PostgreSQL: the rows are locked
#: in account order (no deadlock between claimers) and written in the same round trip, so
#: a claim holds these rows, which every claimer of the same accounts needs, for that one
#: statement and its commit (a SELECT … FOR UPDATE, then an UPDATE, had claims queueing
#: for them: most of a 16-worker drain's claim time). `remaining` may go below what was
#: there for a moment: the caller gets it back (granted = new + wanted, capped) and sets
#: it right before the commit, so no other transaction sees it.
_RESERVE_PG = """
WITH wanted (account_id, n, day_reset, win) AS (VALUES {rows}),
locked AS (
  SELECT b.account_id FROM rate_limit_budgets b JOIN wanted w ON w.account_id = b.account_id
  WHERE b.scope = :scope ORDER BY b.account_id FOR UPDATE OF b
)
UPDATE rate_limit_budgets AS b SET
  remaining = (CASE WHEN b.reset_at <= :now THEN b."limit" ELSE b.remaining END) - w.n,
  reset_at = CASE WHEN b.reset_at <= :now
    THEN coalesce(w.day_reset, :now + make_interval(secs => coalesce(nullif(b.window_s, 0), w.win)))
    ELSE b.reset_at END,
  updated_at = :now
FROM wanted w, locked l
WHERE b.account_id = w.account_id AND l.account_id = w.account_id AND b.scope = :scope
RETURNING b.account_id, b.remaining, b.reset_at
"""


def _reserve_many_pg(
    session: Session,
    wanted: Mapping[int, tuple[Platform, int]],
    now: datetime,
    defaults: Mapping[Platform, BudgetDefault],
) -> dict[int, tuple[int, datetime | None]]:
    def take(accounts: list[int]) -> dict[int, tuple[int, datetime]]:
        params: dict[str, Any] = {"now": now, "scope": PUBLISH}
        rows = []
        for i, account_id in enumerate(accounts):
            platform, n = wanted[account_id]
            default = defaults.get(platform)
            day = default.reset_after(now) if default is not None and default.utc_day else None
            params.update(
                {f"a{i}": account_id, f"n{i}": n, f"d{i}": day},
                **{f"w{i}": default.window_s if default is not None else 0},
            )
            rows.append(
                f"(CAST(:a{i} AS integer), CAST(:n{i} AS integer), "
                f"CAST(:d{i} AS timestamptz), CAST(:w{i} AS integer))"
            )
        result = session.execute(text(_RESERVE_PG.format(rows=", ".join(rows))), params)
        return {int(a): (int(left), at.astimezone(UTC)) for a, left, at in result}

    taken = take(sorted(wanted))
    missing = [
        _row_values(account_id, PUBLISH, default, now)
        for account_id, (platform, _n) in sorted(wanted.items())
        if account_id not in taken and (default := defaults.get(platform)) is not None
    ]
    if missing:  # the first claim for these accounts: create their rows, then take
        session.execute(_insert_ignoring_conflicts(session, missing))
        taken.update(take([r["account_id"] for r in missing]))
    out: dict[int, tuple[int, datetime | None]] = {}
    fixes: list[dict[str, Any]] = []
    for account_id, (_platform, count) in wanted.items():
        if account_id not in taken:
            out[account_id] = (count, None)  # no documented limit and no headers seen yet
            continue
        left, reset_at = taken[account_id]
        before = left + count
        granted = max(0, min(count, before))
        out[account_id] = (granted, reset_at)
        if granted < count:
            fixes.append({"b_account": account_id, "b_remaining": before - granted})
    if fixes:  # ran short: what is left is what was there minus what was granted
        table = RateLimitBudget.metadata.tables[RateLimitBudget.__tablename__]
        session.connection().execute(
            update(table)
            .where(table.c.account_id == bindparam("b_account"), table.c.scope == PUBLISH)
            .values(remaining=bindparam("b_remaining")),
            fixes,
        )
    return out


_BUDGETS = RateLimitBudget.metadata.tables[RateLimitBudget.__tablename__]
_READ_BUDGET = select(
    _BUDGETS.c.limit, _BUDGETS.c.remaining, _BUDGETS.c.reset_at, _BUDGETS.c.window_s
).where(_BUDGETS.c.account_id == bindparam("r_account"), _BUDGETS.c.scope == bindparam("r_scope"))
UNKNOWN_LIMIT = 1_000_000  # "no published limit": large enough never to bind by itself


def apply_info(
    session: Session | Connection,
    account_id: int,
    platform: Platform,
    info: RateLimitInfo,
    now: datetime,
    defaults: Mapping[Platform, BudgetDefault],
) -> None:
    """Bring the stored budget in line with what the platform's headers said.

    Within the window Herald already tracks, the headers may only lower `remaining`: they
    were written before the sends other workers have reserved and not yet made, so taking
    their (higher) figure would let those publishes be spent twice and the platform answer
    429. The window's reset and the limit are the platform's; a new window (a reset more
    than half a window after the stored one) is taken as it is, and so is everything for a
    platform without a documented limit (Facebook: percentages of usage). Nothing is
    written when nothing changes: most publishes then touch no budget row, and wait for no
    claim holding one."""
    if info.limit is None and info.remaining is None and info.reset_at is None:
        return
    default = defaults.get(platform)
    # A count Herald keeps itself (a documented limit): headers only lower it within its
    # window. Without one (Facebook's usage headers are percentages, not counts) the
    # platform's latest figure is the budget, as it says it.
    overwrite = DEFAULT_BUDGETS.get(platform) is None
    if default is None:
        # No documented budget (Facebook): only the platform's throttles count. A throttle
        # (remaining 0, no limit) must block until its reset, not leave a budget of 1/day.
        window = 3600
        if info.reset_at is not None and info.reset_at > now:
            window = max(60, int((info.reset_at - now).total_seconds()))
        default = BudgetDefault(info.limit or UNKNOWN_LIMIT, window)
    table = _BUDGETS
    # A plain read takes no lock (INSERT … ON CONFLICT would wait for a claim holding it).
    row = session.execute(_READ_BUDGET, {"r_account": account_id, "r_scope": info.scope}).first()
    if row is None:
        # created unless it exists: concurrent workers may race to do this
        row_values = _row_values(account_id, info.scope, default, now)
        session.execute(_insert_ignoring_conflicts(session, [row_values]))
    values: dict[str, Any] = {}
    if info.limit is not None and (row is None or row.limit != info.limit):
        values["limit"] = info.limit
    if row is None or overwrite or _new_window(row, info, now):
        if info.remaining is not None:
            values["remaining"] = info.remaining
        if info.reset_at is not None:
            values["reset_at"] = info.reset_at
        guard = [] if row is None or overwrite else [table.c.reset_at == row.reset_at]
    else:
        if info.remaining is not None and info.remaining < row.remaining:
            # LEAST(remaining, header): a concurrent reservation may have lowered it further
            values["remaining"] = case(
                (table.c.remaining > info.remaining, info.remaining), else_=table.c.remaining
            )
        if info.reset_at is not None and info.reset_at != row.reset_at:
            # The platform's window, not our guess at it: never refilled before it is.
            values["reset_at"] = info.reset_at
        guard = []
    if row is not None:  # what the row says already needs no write (Facebook's usage, mostly)
        values = {
            k: v for k, v in values.items() if isinstance(v, ClauseElement) or v != row._mapping[k]
        }
    if not values:
        return
    values["updated_at"] = now
    key = (table.c.account_id == account_id) & (table.c.scope == info.scope)
    session.execute(update(table).where(key, *guard).values(**values))


def _new_window(row: Any, info: RateLimitInfo, now: datetime) -> bool:
    """Do the headers speak of a later window than the stored one? The platform's window
    opens at its first call, a little after Herald's first reservation: a reset within half a
    window of the stored one is the same window."""
    if row.reset_at <= now:
        return True
    if info.reset_at is None:
        return False
    half = timedelta(seconds=max(60, int(row.window_s or 0)) / 2)
    return bool(info.reset_at > row.reset_at + half)


def exhaust(
    session: Session,
    account_id: int,
    platform: Platform,
    reset_at: datetime,
    now: datetime,
    defaults: Mapping[Platform, BudgetDefault],
) -> None:
    """The platform said 429: nothing more for this account until `reset_at`."""
    apply_info(
        session,
        account_id,
        platform,
        RateLimitInfo(limit=None, remaining=0, reset_at=reset_at, scope=PUBLISH),
        now,
        defaults,
    )
