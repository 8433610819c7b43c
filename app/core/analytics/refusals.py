"""Metrics a platform refused as invalid, remembered on the account.

Meta retires insights metrics for every app and API version at once (Facebook's
`post_impressions` on 2025-11-15) and then refuses any request naming them. The adapter
reports a refused name in `Metrics.refused_metrics`; the collector records it here, in the
account's settings, and the adapter reads it back from its AccountRef on the next fetch.

Why on the account: adapters are stateless and get everything about an account in its
AccountRef, so the account's settings are where a learned fact comes back after a restart
and on a worker on another machine that shares the database, with no new table. Learning it
per account costs one refused request per account, once. A refusal is forgotten after
`RECHECK_AFTER`, so a name refused by mistake comes back by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update

from app.core.models import Account

#: Account.settings key: {platform metric name: ISO time the platform refused it}
REFUSED_SETTING = "refused_metrics"
RECHECK_AFTER = timedelta(days=30)


def refused_now(settings: Mapping[str, Any], now: datetime) -> set[str]:
    """The metrics the account's platform refused less than RECHECK_AFTER before `now`."""
    stored = settings.get(REFUSED_SETTING)
    if not isinstance(stored, dict):
        return set()
    out = set()
    for name, when in stored.items():
        try:
            at = datetime.fromisoformat(when) if isinstance(when, str) else None
        except ValueError:
            at = None
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        if isinstance(name, str) and (at is None or now - at < RECHECK_AFTER):
            out.add(name)
    return out


def merge_refused(
    settings: Mapping[str, Any], names: Iterable[str], now: datetime
) -> dict[str, Any]:
    """A copy of `settings` with `names` recorded as refused at `now`."""
    out = dict(settings)
    stored = out.get(REFUSED_SETTING)
    merged = dict(stored) if isinstance(stored, dict) else {}
    merged.update({name: now.isoformat() for name in names})
    out[REFUSED_SETTING] = merged
    return out


def remember_refused(
    conn: Connection, account_id: int, names: Iterable[str], now: datetime
) -> None:
    """Record on the account that its platform refused `names` (inside the caller's write
    transaction; a lost race only means one more refused request later)."""
    names = sorted(set(names))
    if not names:
        return
    settings = conn.execute(select(Account.settings).where(Account.id == account_id)).scalar()
    if (
        settings is None
        and not conn.execute(select(Account.id).where(Account.id == account_id)).first()
    ):
        return
    conn.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(settings=merge_refused(settings or {}, names, now))
    )
