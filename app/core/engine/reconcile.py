"""Before anything is sent again, ask the platform whether it already has the post.

Used when a lease expired on an in-flight target (its worker crashed mid-publish) and before
every retry of a target whose earlier attempt may have reached the platform (a timeout, a
lost response). Lookup is by idempotency key where the platform keeps one, else by text
since the time the target fell due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.core.ports import (
    AccountRef,
    AuthError,
    LookupUnavailableError,
    NetworkUnavailableError,
    PlatformAdapter,
    PublishError,
)

#: how far before the first doubtful attempt and after the database's "now" a look-up searches:
#: the platform stamps posts with its own clock, which may differ from the database's
LOOKUP_MARGIN = timedelta(minutes=10)


class Found(StrEnum):
    EXISTS = "exists"  # the platform has it: record PUBLISHED with its id
    ABSENT = "absent"  # the platform says no: safe to send
    UNKNOWN = "unknown"  # the platform could not say: a person must confirm
    OFFLINE = "offline"  # no network: ask again later
    AUTH = "auth"  # the token was refused: refresh, then ask again
    # The platform never lets this account list its posts: a person decides, unless a re-send
    # is itself the look-up (`resend_reveals_duplicate`).
    CANNOT = "cannot"


@dataclass(frozen=True)
class Lookup:
    found: Found
    external_id: str | None = None
    reason: str | None = None
    error: PublishError | None = None
    resend_reveals_duplicate: bool = False


def lookup(
    adapter: PlatformAdapter,
    account: AccountRef,
    idempotency_key: str,
    text: str,
    due: datetime | None,
    now: datetime,
) -> Lookup:
    """Ask the platform for the post of an attempt that may have gone out. The window runs
    from the first doubtful attempt's due time (`due`) to `now`, both on the database's clock,
    widened by LOOKUP_MARGIN at each end."""
    since = (due or now) - LOOKUP_MARGIN
    until = now + LOOKUP_MARGIN
    try:
        external_id = adapter.find_existing(account, idempotency_key, text, since, until=until)
    except NetworkUnavailableError as exc:
        return Lookup(Found.OFFLINE, reason=exc.message, error=exc)
    except AuthError as exc:
        return Lookup(Found.AUTH, reason=exc.message, error=exc)
    except LookupUnavailableError as exc:
        return Lookup(
            Found.CANNOT,
            reason=exc.message,
            error=exc,
            resend_reveals_duplicate=exc.resend_reveals_duplicate,
        )
    except PublishError as exc:
        return Lookup(Found.UNKNOWN, reason=exc.message, error=exc)
    except Exception as exc:  # noqa: BLE001 — an adapter bug must not turn into a duplicate post
        return Lookup(Found.UNKNOWN, reason=str(exc) or type(exc).__name__)
    if external_id:
        return Lookup(Found.EXISTS, external_id=str(external_id))
    return Lookup(Found.ABSENT)
