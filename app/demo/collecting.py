"""The metrics collector the demo runs over its simulated history, with one account look-up
for the whole history."""

from __future__ import annotations

from typing import Any


def make_access(ctx: Any) -> Any:
    """The collector's account look-up (app.core.analytics.jobs.AccountAccess), kept for the
    whole history rather than one maintenance run: an account's adapter and decrypted
    credentials are reused while its token is good (the simulation measures thousands of
    posts in seconds); an expiring token is read again from the database (the engine may have
    refreshed it) and refreshed when it is still the same, as the platform's lifetime says."""
    from app.core.analytics.jobs import AccountAccess

    return AccountAccess(ctx)


def make_collector(ctx: Any, access: Any) -> Any:
    from app.core.analytics.collector import MetricsCollector

    return MetricsCollector(
        ctx.db, ctx.clock, access.lookup, ctx.events, auth_handler=access.on_auth_error
    )
