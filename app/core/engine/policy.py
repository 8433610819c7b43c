"""What happens to a target after a publish attempt: pure functions of (error, attempts, now).

Transient failures are retried 1, 5 and 15 minutes later, then the target FAILS with the
platform's reason. Waiting for a rate-limit reset, for the network or for a reconnect uses no
attempt: those are not the content's or the platform's fault, and a post must not give up
because a laptop was offline for an hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.core.models import TargetStatus
from app.core.ports import (
    AuthError,
    NetworkUnavailableError,
    PermanentError,
    PublishError,
    RateLimitedError,
)

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
)
#: the first try and its retries
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: Out of attempts but the post may be out (no answer, or the look-up failed): Herald keeps
#: asking the platform every CHECK_DELAY, sending nothing, until CHECK_WINDOW after the first
#: doubtful attempt; only then does a person decide.
CHECK_DELAY = timedelta(minutes=15)
CHECK_WINDOW = timedelta(hours=1)
#: when a 429 names no reset time
DEFAULT_RATE_LIMIT_WAIT = timedelta(seconds=60)
MAX_MESSAGE = 2000


class Wait(StrEnum):
    """Why a target went back to the queue without using an attempt."""

    NONE = "none"
    RATE_LIMIT = "rate_limit"
    NETWORK = "network"
    REAUTH = "reauth"


@dataclass(frozen=True)
class Decision:
    status: TargetStatus
    attempts: int
    next_attempt_at: datetime | None
    error_code: str | None = None
    error_message: str | None = None
    wait: Wait = Wait.NONE

    @property
    def gave_up(self) -> bool:
        return self.status == TargetStatus.FAILED


def error_code(error: PublishError) -> str:
    """A short code to store: the platform's own code when it gave one."""
    if error.code:
        return str(error.code)[:80]
    if error.status:
        return f"http_{error.status}"
    return type(error).__name__


def _message(error: BaseException) -> str:
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    return text[:MAX_MESSAGE]


def after_transient(error: BaseException, attempts: int, now: datetime) -> Decision:
    """`attempts` counts the failed attempts before this one."""
    used = attempts + 1
    code = error_code(error) if isinstance(error, PublishError) else type(error).__name__
    if used <= len(RETRY_DELAYS):
        return Decision(
            TargetStatus.QUEUED, used, now + RETRY_DELAYS[used - 1], code, _message(error)
        )
    return Decision(TargetStatus.FAILED, used, None, code, _message(error))


def decide(
    error: BaseException, attempts: int, now: datetime, due: datetime | None = None
) -> Decision:
    """The next state of a target whose attempt raised `error`.

    AuthError here means the one refresh already happened (the runner does it) and the
    account must be reconnected: the target waits, due as before, for the account to be ACTIVE.
    Anything an adapter did not classify is treated as transient: retried, then FAILED with
    its text, never retried forever.
    """
    keep_due = due if due is not None else now
    if isinstance(error, PermanentError):
        return Decision(TargetStatus.FAILED, attempts + 1, None, error_code(error), _message(error))
    if isinstance(error, RateLimitedError):
        reset = error.reset_at
        if reset is None and error.rate_limit is not None:
            reset = error.rate_limit.reset_at
        if reset is None or reset <= now:
            reset = now + DEFAULT_RATE_LIMIT_WAIT
        return Decision(
            TargetStatus.QUEUED,
            attempts,
            reset,
            error_code(error),
            _message(error),
            Wait.RATE_LIMIT,
        )
    if isinstance(error, NetworkUnavailableError):
        return Decision(
            TargetStatus.QUEUED,
            attempts,
            keep_due,
            error_code(error),
            _message(error),
            Wait.NETWORK,
        )
    if isinstance(error, AuthError):
        return Decision(
            TargetStatus.QUEUED, attempts, keep_due, error_code(error), _message(error), Wait.REAUTH
        )
    # TransientError, and anything unclassified.
    return after_transient(error, attempts, now)
