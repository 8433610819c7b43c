"""The words of the retry policy (app/core/engine/policy.py): what happened (Trigger), what
follows (Action, Wait), what the target went through (History) and the result (Decision)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.models import TargetStatus


class ErrorCode(StrEnum):
    """The error codes the rules read or write (adapters set the first three on errors)."""

    #: a publish got no usable answer (timeout, dropped connection, 5xx, unreadable success)
    OUTCOME_UNKNOWN = "outcome_unknown"
    DUPLICATE = "duplicate"
    LOOKUP_FAILED = "lookup_failed"
    #: Herald's own check of the content refused it before sending
    CONTENT_REJECTED = "content_rejected"
    #: parked for a person's confirmation
    UNCONFIRMED = "unconfirmed"


class Trigger(StrEnum):
    """What happened, as the rules see it (see `classify` and `classify_lookup`)."""

    # An attempt's error.
    PERMANENT = "permanent"  # content rejected, bad request, not allowed...
    DUPLICATE = "duplicate"  # the platform has this text already, and names no post
    DUPLICATE_NAMED = "duplicate_named"  # ... and names the post it has
    RATE_LIMITED = "rate_limited"
    NETWORK_DOWN = "network_down"
    AUTH_REFUSED = "auth_refused"  # the token was refused after the one refresh
    TRANSIENT = "transient"  # the platform answered with a temporary failure; or unclassified
    SERVER_ERROR_ON_SEND = "server_error_on_send"  # a 5xx answer to a publish (not 504)
    ANSWER_LOST = "answer_lost"  # no usable answer to a publish: the post may be out
    LOOKUP_FAILED = "lookup_failed"  # could not check whether an earlier attempt went out
    # What a look-up for an earlier attempt's post found.
    FOUND = "found"
    NOT_FOUND = "not_found"
    RESEND_WILL_TELL = "resend_will_tell"  # cannot list posts, but a re-send names a duplicate
    CANNOT_LOOK = "cannot_look"  # the platform never lets this account list its posts


class Action(StrEnum):
    """What the runner does with a target."""

    RETRY = "retry"  # QUEUED at next_attempt_at, an attempt used
    CHECK = "check"  # QUEUED; out of attempts, the next turn only asks the platform
    GIVE_UP = "give_up"  # FAILED with the reason
    CONFIRM = "confirm"  # NEEDS_CONFIRMATION: a person decides whether it went out
    WAIT_RESET = "wait_reset"  # QUEUED until the rate limit resets, no attempt used
    WAIT_NETWORK = "wait_network"  # QUEUED (or lease lapsed) until the network is back
    REAUTH = "reauth"  # the account needs reconnecting; the target waits for it
    PUBLISHED = "published"  # the platform has the post: record its id
    SEND = "send"  # nothing known against sending: go ahead
    REQUEUE = "requeue"  # a crashed attempt's post is not there: QUEUED as due


class Wait(StrEnum):
    """Why a target went back to the queue without using an attempt."""

    NONE = "none"
    RATE_LIMIT = "rate_limit"
    NETWORK = "network"
    REAUTH = "reauth"


_WAITS = {
    Action.WAIT_RESET: Wait.RATE_LIMIT,
    Action.WAIT_NETWORK: Wait.NETWORK,
    Action.REAUTH: Wait.REAUTH,
}


@dataclass(frozen=True)
class History:
    """What the target went through before this attempt."""

    #: failed attempts so far
    attempts: int = 0
    #: when this attempt fell due
    due: datetime | None = None
    #: the due time of the earliest attempt that may have reached the platform
    maybe_sent_since: datetime | None = None
    #: the error code and message stored by the last failure
    last_error_code: str | None = None
    last_error_message: str | None = None
    #: the last attempt's worker stopped mid-publish (its lease expired)
    interrupted: bool = False

    @property
    def tried_before(self) -> bool:
        """An earlier attempt happened (and may have gone out)."""
        return (
            self.maybe_sent_since is not None
            or self.attempts > 0
            or self.last_error_code is not None
        )

    @property
    def must_look_first(self) -> bool:
        """An earlier attempt may have reached the platform: ask it before sending again."""
        return self.maybe_sent_since is not None

    def doubt_since(self, now: datetime) -> datetime:
        """When the first attempt that may have gone out fell due."""
        return self.maybe_sent_since or self.due or now


@dataclass(frozen=True)
class Decision:
    """The next state of a target. `status` IN_FLIGHT means: left to reconciliation (its
    lease lapses now and it is looked up again later)."""

    action: Action
    status: TargetStatus
    attempts: int
    next_attempt_at: datetime | None
    error_code: str | None = None
    error_message: str | None = None
    trigger: Trigger | None = None
    #: this attempt may have reached the platform; the earliest such time is kept
    maybe_sent_since: datetime | None = None
    #: PUBLISHED: the platform's post
    external_id: str | None = None
    url: str | None = None

    @property
    def gave_up(self) -> bool:
        return self.action == Action.GIVE_UP

    @property
    def wait(self) -> Wait:
        return _WAITS.get(self.action, Wait.NONE)
