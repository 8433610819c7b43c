"""Issue 24: a platform's rate-limit headers may lower a budget but never hand back publishes
that other workers have reserved and not yet sent (the headers were written before those
sends), or the platform would see more calls than its limit and answer 429."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.core.engine import ratelimits
from app.core.engine.txn import write_session
from app.core.models import RateLimitBudget
from app.core.ports import RateLimitInfo
from app.platforms.names import Platform
from tests.core.engine.test_ratelimits import _accounts

BUDGETS = {Platform.TWITTER: ratelimits.BudgetDefault(100, 900)}


def _reserve(db, account, n, now):
    with write_session(db) as s:
        return ratelimits.reserve_many(s, {account: (Platform.TWITTER, n)}, now, BUDGETS)[account]


def _headers(db, account, now, **info):
    with write_session(db) as s:
        ratelimits.apply_info(
            s, account, Platform.TWITTER, RateLimitInfo(scope="publish", **info), now, BUDGETS
        )


def _row(db, account):
    with db.session() as s:
        return s.scalars(select(RateLimitBudget).where(RateLimitBudget.account_id == account)).one()


def test_headers_from_before_other_reservations_never_raise_the_budget(db, clock):
    (x,) = _accounts(db, clock, Platform.TWITTER, 1)
    now = clock.now()
    granted, reset = _reserve(db, x, 40, now)  # 40 sends under way across workers
    assert granted == 40 and _row(db, x).remaining == 60
    # The first send's answer: the platform has seen 1 of them, 99 left, its window opening
    # a second after ours.
    theirs = reset + timedelta(seconds=1)
    _headers(db, x, now, limit=100, remaining=99, reset_at=theirs)
    row = _row(db, x)
    # ours kept; their reset taken (never refilled before the platform's window ends)
    assert (row.remaining, row.limit, row.reset_at) == (60, 100, theirs)
    # Spent elsewhere too (another app on the same account): lower than ours, taken.
    _headers(db, x, now, limit=100, remaining=20, reset_at=theirs)
    assert _row(db, x).remaining == 20
    assert _reserve(db, x, 30, now)[0] == 20


def test_a_later_window_or_a_throttle_is_taken_as_the_platform_says(db, clock):
    (x,) = _accounts(db, clock, Platform.TWITTER, 1)
    now = clock.now()
    _granted, reset = _reserve(db, x, 100, now)
    assert _row(db, x).remaining == 0
    later = reset + timedelta(seconds=900)
    _headers(db, x, now + timedelta(seconds=950), limit=100, remaining=97, reset_at=later)
    row = _row(db, x)
    assert (row.remaining, row.reset_at) == (97, later)
    # A 429 within that window: nothing until the platform's reset, not ours.
    throttle_until = later + timedelta(seconds=30)
    _headers(db, x, now + timedelta(seconds=960), limit=None, remaining=0, reset_at=throttle_until)
    row = _row(db, x)
    assert (row.remaining, row.reset_at) == (0, throttle_until)


def test_headers_that_change_nothing_write_nothing(db, clock):
    (x,) = _accounts(db, clock, Platform.TWITTER, 1)
    now = clock.now()
    _granted, reset = _reserve(db, x, 10, now)
    before = _row(db, x).updated_at
    later = now + timedelta(seconds=5)
    _headers(db, x, later, limit=100, remaining=95, reset_at=reset)
    assert _row(db, x).updated_at == before
