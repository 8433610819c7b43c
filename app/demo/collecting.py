"""The metrics collector the demo runs over its simulated history, with the account look-up
remembered while a token is good."""

from __future__ import annotations

from typing import Any


class CachedAccess:
    """The collector's account look-up (app.core.analytics.jobs.AccountAccess), remembered
    while the token is good: the simulation measures thousands of posts in seconds, and
    reading and decrypting each account's credentials for every batch would dominate."""

    def __init__(self, ctx: Any) -> None:
        from app.core.analytics.jobs import REFRESH_MARGIN, AccountAccess

        self._access = AccountAccess(ctx)
        self._clock = ctx.clock
        self._margin = REFRESH_MARGIN
        self._known: dict[int, Any] = {}

    def lookup(self, account_id: int) -> Any:
        found = self._known.get(account_id)
        if found is not None:
            expires = found[1].credentials.expires_at
            if expires is None or expires > self._clock.now() + self._margin:
                return found
        found = self._known[account_id] = self._access.lookup(account_id)
        return found

    def on_auth_error(self, account_id: int, exc: Any) -> bool:
        self._known.pop(account_id, None)
        return self._access.on_auth_error(account_id, exc)

    def forget(self) -> None:
        """Tokens were refreshed: read them again."""
        self._known.clear()


def make_collector(ctx: Any, access: CachedAccess) -> Any:
    from app.core.analytics.collector import MetricsCollector

    return MetricsCollector(
        ctx.db, ctx.clock, access.lookup, ctx.events, auth_handler=access.on_auth_error
    )
