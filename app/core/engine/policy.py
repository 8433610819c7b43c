"""Every retry rule of the engine, in one place: `decide()` turns what happened to an attempt
(an error, or what a look-up for an earlier attempt's post found) and the target's history
into one Decision. The runner only carries decisions out; it decides nothing.

    Trigger               History                         Action
    --------------------  ------------------------------  ------------------------------------
    PERMANENT             any                             GIVE_UP: FAILED, the platform's words
    DUPLICATE_NAMED       tried before                    PUBLISHED: the post it names is ours
                          first attempt                   GIVE_UP
    DUPLICATE             tried before                    CONFIRM: likely our own earlier post
                          first attempt                   GIVE_UP
    RATE_LIMITED          any                             WAIT_RESET: at the reset (or in 60 s)
    NETWORK_DOWN          any                             WAIT_NETWORK: due as before
    AUTH_REFUSED          any                             REAUTH: due as before, until the
                                                          account is reconnected
    TRANSIENT             attempts left                   RETRY in 1, 5, then 15 minutes
                          none left                       GIVE_UP
    SERVER_ERROR_ON_SEND  attempts left / none left       RETRY / GIVE_UP, later sends look first
    ANSWER_LOST           attempts left                   RETRY, later sends look first
    LOOKUP_FAILED         none left, within CHECK_WINDOW  CHECK: ask the platform every
                                                          CHECK_DELAY, send nothing
                          none left, window over          CONFIRM
    FOUND                 any                             PUBLISHED with the id it found
    NOT_FOUND             interrupted                     REQUEUE: due as before, looks first
                          attempts left                   SEND
                          none left                       GIVE_UP: "the post is not there"
    RESEND_WILL_TELL      interrupted                     REQUEUE
                          attempts left                   SEND: a duplicate answer names it
                          none left                       CONFIRM
    CANNOT_LOOK           any                             CONFIRM

"Tried before": an earlier attempt failed or may have gone out. "Interrupted": the last
attempt's worker stopped mid-publish (its lease expired) and this is the look-up that follows.
WAIT_* and REAUTH use no attempt: they are not the content's or the platform's fault, and a
post must not give up because a laptop was offline for an hour.

A look-up that hits NETWORK_DOWN or AUTH_REFUSED after an interrupted attempt leaves the
target IN_FLIGHT with its lease lapsed: it is looked up again once the network or the account
is back. A look-up that fails otherwise counts as a LOOKUP_FAILED attempt.

An adapter's unexpected exception while publishing is ANSWER_LOST (`unexpected`): it may have
failed after sending. A target whose earlier attempt may have gone out is looked up before it
is sent again (`History.must_look_first`). One mechanic stays in the runner: a refused token
gets one refresh and one more try before it becomes AUTH_REFUSED.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.core.engine.decision import Action, Decision, ErrorCode, History, Trigger, Wait
from app.core.engine.reconcile import Found, Lookup
from app.core.models import TargetStatus
from app.core.ports import (
    AuthError,
    DuplicatePostError,
    NetworkUnavailableError,
    PermanentError,
    PublishError,
    RateLimitedError,
    TransientError,
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

# The vocabulary lives in decision.py; the rules use it from here.
__all__ = [
    "CHECK_DELAY",
    "CHECK_WINDOW",
    "MAX_ATTEMPTS",
    "RETRY_DELAYS",
    "Action",
    "Decision",
    "ErrorCode",
    "History",
    "Trigger",
    "Wait",
    "classify",
    "classify_lookup",
    "decide",
    "error_code",
    "unexpected",
]


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


def unexpected(exc: BaseException) -> TransientError:
    """An adapter raised something it did not classify while publishing: it may have failed
    after sending, so it counts as a lost answer."""
    return TransientError(str(exc) or type(exc).__name__, code=ErrorCode.OUTCOME_UNKNOWN)


def classify(error: BaseException) -> Trigger:
    """The trigger of an attempt's error: by its class, and within the transient ones by
    the code the adapter set. Anything unclassified is TRANSIENT."""
    if isinstance(error, DuplicatePostError):
        return Trigger.DUPLICATE_NAMED
    if isinstance(error, PermanentError):
        return Trigger.DUPLICATE if error.code == ErrorCode.DUPLICATE else Trigger.PERMANENT
    if isinstance(error, RateLimitedError):
        return Trigger.RATE_LIMITED
    if isinstance(error, NetworkUnavailableError):
        return Trigger.NETWORK_DOWN
    if isinstance(error, AuthError):
        return Trigger.AUTH_REFUSED
    if not isinstance(error, PublishError):
        return Trigger.TRANSIENT
    if error.code == ErrorCode.LOOKUP_FAILED:
        return Trigger.LOOKUP_FAILED
    if error.code == ErrorCode.OUTCOME_UNKNOWN:
        # A 504, a 2xx without the post's id, or no answer at all: the post may be out. Any
        # other 5xx is an answer: the platform made nothing (later sends still look first).
        if error.status is None or error.status < 300 or error.status == 504:
            return Trigger.ANSWER_LOST
        return Trigger.SERVER_ERROR_ON_SEND
    return Trigger.TRANSIENT


def classify_lookup(found: Lookup) -> Trigger:
    """The trigger of a look-up's answer (AUTH: after the runner's one refresh)."""
    if found.found == Found.EXISTS:
        return Trigger.FOUND
    if found.found == Found.ABSENT:
        return Trigger.NOT_FOUND
    if found.found == Found.CANNOT:
        return Trigger.RESEND_WILL_TELL if found.resend_reveals_duplicate else Trigger.CANNOT_LOOK
    if found.found == Found.OFFLINE:
        return Trigger.NETWORK_DOWN
    if found.found == Found.AUTH:
        return Trigger.AUTH_REFUSED
    return Trigger.LOOKUP_FAILED


def decide(
    what: BaseException | Lookup,
    history: History | int,
    now: datetime,
    due: datetime | None = None,
    *,
    network: str = "The platform",
) -> Decision:
    """The next state of a target whose attempt raised `what`, or whose look-up found `what`.

    `history` may be just the count of failed attempts before this one (with `due`, when this
    attempt fell due). `network` names the platform in messages.
    """
    h = history if isinstance(history, History) else History(attempts=history, due=due)
    if isinstance(what, Lookup):
        return _after_lookup(what, h, now, network)
    return _after_error(what, h, now)


def _after_error(error: BaseException, h: History, now: datetime) -> Decision:
    trigger = classify(error)
    code = error_code(error) if isinstance(error, PublishError) else type(error).__name__
    message = _message(error)
    used = h.attempts + 1
    keep_due = h.due if h.due is not None else now
    # Waiting after an interrupted attempt: the look-up is still owed, so reconciliation keeps it.
    waiting = TargetStatus.IN_FLIGHT if h.interrupted else TargetStatus.QUEUED

    def give_up() -> Decision:
        return Decision(Action.GIVE_UP, TargetStatus.FAILED, used, None, code, message, trigger)

    def confirm(reason: str) -> Decision:
        return Decision(
            Action.CONFIRM,
            TargetStatus.NEEDS_CONFIRMATION,
            h.attempts,
            None,
            ErrorCode.UNCONFIRMED,
            reason[:MAX_MESSAGE],
            trigger,
        )

    if trigger == Trigger.PERMANENT:
        return give_up()
    if trigger == Trigger.DUPLICATE_NAMED and h.tried_before:
        # After an attempt whose answer was lost, the post the platform names is ours.
        assert isinstance(error, DuplicatePostError)
        return Decision(
            Action.PUBLISHED,
            TargetStatus.PUBLISHED,
            h.attempts,
            None,
            trigger=trigger,
            external_id=error.existing_id,
            url=error.url,
        )
    if trigger == Trigger.DUPLICATE and h.tried_before:
        # Most likely our own earlier attempt went out (the look-up could not see it yet).
        return confirm(f"The platform says this post already exists: {_text(error)}")
    if trigger in (Trigger.DUPLICATE, Trigger.DUPLICATE_NAMED):
        return give_up()
    if trigger == Trigger.RATE_LIMITED:
        assert isinstance(error, RateLimitedError)
        reset = error.reset_at
        if reset is None and error.rate_limit is not None:
            reset = error.rate_limit.reset_at
        if reset is None or reset <= now:
            reset = now + DEFAULT_RATE_LIMIT_WAIT
        return Decision(
            Action.WAIT_RESET, TargetStatus.QUEUED, h.attempts, reset, code, message, trigger
        )
    if trigger == Trigger.NETWORK_DOWN:
        return Decision(Action.WAIT_NETWORK, waiting, h.attempts, keep_due, code, message, trigger)
    if trigger == Trigger.AUTH_REFUSED:
        return Decision(Action.REAUTH, waiting, h.attempts, keep_due, code, message, trigger)
    doubt = h.doubt_since(now) if trigger != Trigger.TRANSIENT else None
    if used <= len(RETRY_DELAYS):
        return Decision(
            Action.RETRY,
            TargetStatus.QUEUED,
            used,
            now + RETRY_DELAYS[used - 1],
            code,
            message,
            trigger,
            maybe_sent_since=doubt,
        )
    if trigger in (Trigger.TRANSIENT, Trigger.SERVER_ERROR_ON_SEND):
        return Decision(
            Action.GIVE_UP,
            TargetStatus.FAILED,
            used,
            None,
            code,
            message,
            trigger,
            maybe_sent_since=doubt,
        )
    # ANSWER_LOST, LOOKUP_FAILED: out of attempts, but one may have gone out, and FAILED
    # would invite a Retry that posts twice.
    assert doubt is not None
    if now < doubt + CHECK_WINDOW:
        return Decision(
            Action.CHECK,
            TargetStatus.QUEUED,
            min(used, MAX_ATTEMPTS),
            now + CHECK_DELAY,
            code,
            message,
            trigger,
            maybe_sent_since=doubt,
        )
    return confirm(f"Herald cannot tell whether this post went out: {_text(error)}")


def _after_lookup(found: Lookup, h: History, now: datetime, network: str) -> Decision:
    trigger = classify_lookup(found)
    attempts_left = h.attempts < MAX_ATTEMPTS
    if trigger == Trigger.FOUND:
        assert found.external_id is not None
        return Decision(
            Action.PUBLISHED,
            TargetStatus.PUBLISHED,
            h.attempts,
            None,
            trigger=trigger,
            external_id=found.external_id,
        )
    if trigger == Trigger.NETWORK_DOWN:
        offline = found.error or NetworkUnavailableError(found.reason or "network unavailable")
        return _after_error(offline, h, now)
    if trigger == Trigger.AUTH_REFUSED:
        return _after_error(AuthError(found.reason or "the platform refused the token"), h, now)
    if trigger == Trigger.LOOKUP_FAILED:
        if h.interrupted:
            text = f"a worker stopped mid-publish and the look-up failed ({found.reason})"
        else:
            text = f"could not check whether the earlier attempt went out: {found.reason}"
        return _after_error(TransientError(text, code=ErrorCode.LOOKUP_FAILED), h, now)
    if h.interrupted and trigger in (Trigger.NOT_FOUND, Trigger.RESEND_WILL_TELL):
        # A platform's listing can lag: the next attempts still look first.
        doubt = h.due or now
        return Decision(
            Action.REQUEUE, TargetStatus.QUEUED, h.attempts, doubt, None, None, trigger, doubt
        )
    if trigger == Trigger.NOT_FOUND and attempts_left:
        return _send(h, trigger)
    if trigger == Trigger.NOT_FOUND:
        # All attempts used, and the platform says the post is not there: it failed, with
        # the last attempt's reason. A person's Retry still asks the platform first.
        last = h.last_error_message or "The last attempt got no answer"
        reason = f"{last} ({network} was checked afterwards: the post is not there.)"
        return Decision(
            Action.GIVE_UP,
            TargetStatus.FAILED,
            h.attempts,
            None,
            h.last_error_code,
            reason,
            trigger,
        )
    if trigger == Trigger.RESEND_WILL_TELL and attempts_left:
        return _send(h, trigger)  # the platform's duplicate answer names the post if it is out
    # The platform can never say whether the post is out: a person decides, at once.
    reason = f"Herald cannot tell whether this post went out: {found.reason or 'no way to check'}"
    return Decision(
        Action.CONFIRM,
        TargetStatus.NEEDS_CONFIRMATION,
        h.attempts,
        None,
        ErrorCode.UNCONFIRMED,
        reason[:MAX_MESSAGE],
        trigger,
    )


def _send(h: History, trigger: Trigger) -> Decision:
    return Decision(Action.SEND, TargetStatus.IN_FLIGHT, h.attempts, h.due, trigger=trigger)


def _text(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error)
