"""Keeping each account's own server limits fresh (a Mastodon instance may raise its
character limit): a maintenance job asks the adapter again (its `instance_limits(ref)`, for
networks whose adapter has one) once the stored numbers are a week old, and stores them in
the account's settings, where the composer and the constraint checker read them
(app.core.textrules.account_rules)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from app.core.engine.maintenance import MaintenanceContext, MaintenanceJob
from app.core.models import AccountStatus
from app.core.ports import PublishError
from app.core.textrules.account_rules import ACCOUNT_LIMITS

log = logging.getLogger(__name__)

#: when the account's limits were last read (ISO 8601), beside ACCOUNT_LIMITS
CHECKED_AT = "limits_checked_at"
MAX_AGE = timedelta(days=7)


def _checked(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def refresh_account_limits(ctx: MaintenanceContext) -> int:
    """Re-read the limits of every active account whose stored ones are a week old; returns
    how many were refreshed. A server that cannot answer now is asked again next time."""
    now = ctx.clock.now()
    refreshed = 0
    for info in ctx.accounts.list():
        if info.status != AccountStatus.ACTIVE or ACCOUNT_LIMITS not in info.settings:
            continue
        checked = _checked(info.settings.get(CHECKED_AT))
        if checked is not None and checked.tzinfo is not None and now - checked < MAX_AGE:
            continue
        adapter = ctx.adapters.adapter(info)
        read = getattr(adapter, "instance_limits", None)
        if not callable(read):
            continue
        try:
            limits = read(ctx.accounts.account_ref(info.id, ctx.adapters.app_credentials(info)))
        except PublishError as exc:
            log.info("could not refresh the limits of account %s: %s", info.id, exc.message)
            continue
        if limits:
            ctx.accounts.update_settings(
                info.id, {ACCOUNT_LIMITS: dict(limits), CHECKED_AT: now.isoformat()}
            )
            refreshed += 1
    return refreshed


JOB = MaintenanceJob(
    "account-limits",
    refresh_account_limits,
    interval=timedelta(hours=12),
    first_delay=timedelta(minutes=4),
)
