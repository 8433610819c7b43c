"""decide(): every trigger → action of the table at the top of app/core/engine/policy.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from app.core.engine.policy import (
    CHECK_DELAY,
    MAX_ATTEMPTS,
    Action,
    Decision,
    ErrorCode,
    History,
    Trigger,
    Wait,
    classify,
    classify_lookup,
    decide,
    unexpected,
)
from app.core.engine.reconcile import Found, Lookup
from app.core.models import TargetStatus
from app.core.ports import (
    AuthError,
    DuplicatePostError,
    LookupUnavailableError,
    NetworkUnavailableError,
    PermanentError,
    PublishError,
    RateLimitedError,
    TransientError,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DUE = NOW - timedelta(minutes=2)
EARLIER = NOW - timedelta(minutes=20)
LONG_AGO = NOW - timedelta(hours=2)

FIRST = History(attempts=0, due=DUE)
AGAIN = History(attempts=1, due=DUE, last_error_code="outcome_unknown")
DOUBTFUL = History(attempts=1, due=DUE, maybe_sent_since=EARLIER)
LAST = History(attempts=MAX_ATTEMPTS - 1, due=DUE, maybe_sent_since=EARLIER)
OUT = History(attempts=MAX_ATTEMPTS, due=DUE, maybe_sent_since=EARLIER, last_error_message="5xx")
STALE = History(attempts=MAX_ATTEMPTS - 1, due=DUE, maybe_sent_since=LONG_AGO)
CRASHED = History(attempts=1, due=DUE, interrupted=True)

LOST = TransientError("read timed out", code="outcome_unknown")
RESET = NOW + timedelta(minutes=7)


@dataclass(frozen=True)
class Row:
    what: BaseException | Lookup
    history: History
    trigger: Trigger
    action: Action
    status: TargetStatus
    attempts: int
    next_attempt_at: datetime | None
    maybe_sent_since: datetime | None = None

    def __str__(self) -> str:
        return f"{self.trigger}-{self.action}-{self.history.attempts}"


ROWS = [
    # An attempt's error.
    Row(PermanentError("too long"), AGAIN, Trigger.PERMANENT, Action.GIVE_UP,
        TargetStatus.FAILED, 2, None),
    Row(DuplicatePostError("dup", "9"), AGAIN, Trigger.DUPLICATE_NAMED, Action.PUBLISHED,
        TargetStatus.PUBLISHED, 1, None),
    Row(DuplicatePostError("dup", "9"), FIRST, Trigger.DUPLICATE_NAMED, Action.GIVE_UP,
        TargetStatus.FAILED, 1, None),
    Row(PermanentError("dup", code="duplicate"), DOUBTFUL, Trigger.DUPLICATE, Action.CONFIRM,
        TargetStatus.NEEDS_CONFIRMATION, 1, None),
    Row(PermanentError("dup", code="duplicate"), FIRST, Trigger.DUPLICATE, Action.GIVE_UP,
        TargetStatus.FAILED, 1, None),
    Row(RateLimitedError("429", reset_at=RESET), LAST, Trigger.RATE_LIMITED, Action.WAIT_RESET,
        TargetStatus.QUEUED, MAX_ATTEMPTS - 1, RESET),
    Row(NetworkUnavailableError("refused"), LAST, Trigger.NETWORK_DOWN, Action.WAIT_NETWORK,
        TargetStatus.QUEUED, MAX_ATTEMPTS - 1, DUE),
    Row(AuthError("revoked"), LAST, Trigger.AUTH_REFUSED, Action.REAUTH,
        TargetStatus.QUEUED, MAX_ATTEMPTS - 1, DUE),
    Row(TransientError("503", status=503), FIRST, Trigger.TRANSIENT, Action.RETRY,
        TargetStatus.QUEUED, 1, NOW + timedelta(minutes=1)),
    Row(TransientError("503", status=503), LAST, Trigger.TRANSIENT, Action.GIVE_UP,
        TargetStatus.FAILED, MAX_ATTEMPTS, None),
    Row(ValueError("adapter bug"), FIRST, Trigger.TRANSIENT, Action.RETRY,
        TargetStatus.QUEUED, 1, NOW + timedelta(minutes=1)),
    Row(TransientError("500", code="outcome_unknown", status=500), FIRST,
        Trigger.SERVER_ERROR_ON_SEND, Action.RETRY, TargetStatus.QUEUED, 1,
        NOW + timedelta(minutes=1), DUE),
    Row(TransientError("500", code="outcome_unknown", status=500), LAST,
        Trigger.SERVER_ERROR_ON_SEND, Action.GIVE_UP, TargetStatus.FAILED, MAX_ATTEMPTS, None,
        EARLIER),
    Row(LOST, FIRST, Trigger.ANSWER_LOST, Action.RETRY, TargetStatus.QUEUED, 1,
        NOW + timedelta(minutes=1), DUE),
    Row(TransientError("504", code="outcome_unknown", status=504), DOUBTFUL,
        Trigger.ANSWER_LOST, Action.RETRY, TargetStatus.QUEUED, 2, NOW + timedelta(minutes=5),
        EARLIER),
    Row(LOST, LAST, Trigger.ANSWER_LOST, Action.CHECK, TargetStatus.QUEUED, MAX_ATTEMPTS,
        NOW + CHECK_DELAY, EARLIER),
    Row(LOST, STALE, Trigger.ANSWER_LOST, Action.CONFIRM, TargetStatus.NEEDS_CONFIRMATION,
        MAX_ATTEMPTS - 1, None),
    Row(TransientError("?", code="lookup_failed"), OUT, Trigger.LOOKUP_FAILED, Action.CHECK,
        TargetStatus.QUEUED, MAX_ATTEMPTS, NOW + CHECK_DELAY, EARLIER),
    # What a look-up for an earlier attempt's post found.
    Row(Lookup(Found.EXISTS, external_id="77"), DOUBTFUL, Trigger.FOUND, Action.PUBLISHED,
        TargetStatus.PUBLISHED, 1, None),
    Row(Lookup(Found.ABSENT), DOUBTFUL, Trigger.NOT_FOUND, Action.SEND,
        TargetStatus.IN_FLIGHT, 1, DUE),
    Row(Lookup(Found.ABSENT), OUT, Trigger.NOT_FOUND, Action.GIVE_UP,
        TargetStatus.FAILED, MAX_ATTEMPTS, None),
    Row(Lookup(Found.ABSENT), CRASHED, Trigger.NOT_FOUND, Action.REQUEUE,
        TargetStatus.QUEUED, 1, DUE, DUE),
    Row(Lookup(Found.CANNOT, resend_reveals_duplicate=True), DOUBTFUL,
        Trigger.RESEND_WILL_TELL, Action.SEND, TargetStatus.IN_FLIGHT, 1, DUE),
    Row(Lookup(Found.CANNOT, resend_reveals_duplicate=True), OUT,
        Trigger.RESEND_WILL_TELL, Action.CONFIRM, TargetStatus.NEEDS_CONFIRMATION,
        MAX_ATTEMPTS, None),
    Row(Lookup(Found.CANNOT, resend_reveals_duplicate=True), CRASHED,
        Trigger.RESEND_WILL_TELL, Action.REQUEUE, TargetStatus.QUEUED, 1, DUE, DUE),
    Row(Lookup(Found.CANNOT, reason="no read scope"), DOUBTFUL, Trigger.CANNOT_LOOK,
        Action.CONFIRM, TargetStatus.NEEDS_CONFIRMATION, 1, None),
    Row(Lookup(Found.CANNOT), CRASHED, Trigger.CANNOT_LOOK, Action.CONFIRM,
        TargetStatus.NEEDS_CONFIRMATION, 1, None),
    Row(Lookup(Found.OFFLINE, reason="refused", error=NetworkUnavailableError("refused")),
        DOUBTFUL, Trigger.NETWORK_DOWN, Action.WAIT_NETWORK, TargetStatus.QUEUED, 1, DUE),
    Row(Lookup(Found.OFFLINE, reason="refused"), CRASHED, Trigger.NETWORK_DOWN,
        Action.WAIT_NETWORK, TargetStatus.IN_FLIGHT, 1, DUE),
    Row(Lookup(Found.AUTH, reason="revoked"), DOUBTFUL, Trigger.AUTH_REFUSED, Action.REAUTH,
        TargetStatus.QUEUED, 1, DUE),
    Row(Lookup(Found.AUTH, reason="revoked"), CRASHED, Trigger.AUTH_REFUSED, Action.REAUTH,
        TargetStatus.IN_FLIGHT, 1, DUE),
    Row(Lookup(Found.UNKNOWN, reason="500"), DOUBTFUL, Trigger.LOOKUP_FAILED, Action.RETRY,
        TargetStatus.QUEUED, 2, NOW + timedelta(minutes=5), EARLIER),
    Row(Lookup(Found.UNKNOWN, reason="500"), CRASHED, Trigger.LOOKUP_FAILED, Action.RETRY,
        TargetStatus.QUEUED, 2, NOW + timedelta(minutes=5), DUE),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_each_trigger_leads_to_its_action(row: Row) -> None:
    d = decide(row.what, row.history, NOW, network="X")
    assert (d.trigger, d.action) == (row.trigger, row.action)
    assert (d.status, d.attempts, d.next_attempt_at) == (
        row.status,
        row.attempts,
        row.next_attempt_at,
    )
    assert d.maybe_sent_since == row.maybe_sent_since


def test_the_table_covers_every_trigger_and_every_action() -> None:
    assert {r.trigger for r in ROWS} == set(Trigger)
    assert {r.action for r in ROWS} == set(Action)


def test_the_policy_module_documents_every_trigger_and_action() -> None:
    from app.core.engine import policy

    doc = policy.__doc__ or ""
    missing = [m.name for m in (*Trigger, *Action) if m.name not in doc]
    assert missing == []


@pytest.mark.parametrize(
    ("action", "wait"),
    [
        (Action.WAIT_RESET, Wait.RATE_LIMIT),
        (Action.WAIT_NETWORK, Wait.NETWORK),
        (Action.REAUTH, Wait.REAUTH),
        (Action.RETRY, Wait.NONE),
        (Action.CHECK, Wait.NONE),
    ],
)
def test_waits_use_no_attempt_and_say_what_they_wait_for(action: Action, wait: Wait) -> None:
    d = Decision(action, TargetStatus.QUEUED, 0, NOW)
    assert d.wait == wait


def test_a_named_duplicate_after_a_lost_answer_is_our_post() -> None:
    d = decide(DuplicatePostError("dup", "123", url="https://x/123"), AGAIN, NOW)
    assert (d.external_id, d.url) == ("123", "https://x/123")


def test_confirmations_say_why_a_person_must_decide() -> None:
    dup = decide(PermanentError("Status is a duplicate.", code="duplicate"), DOUBTFUL, NOW)
    assert dup.error_message == "The platform says this post already exists: Status is a duplicate."
    lost = decide(LOST, STALE, NOW)
    assert lost.error_message == "Herald cannot tell whether this post went out: read timed out"
    cannot = decide(Lookup(Found.CANNOT), DOUBTFUL, NOW)
    assert cannot.error_message == (
        "Herald cannot tell whether this post went out: no way to check"
    )
    assert {dup.error_code, lost.error_code, cannot.error_code} == {ErrorCode.UNCONFIRMED}


def test_not_there_after_the_last_attempt_fails_with_that_attempts_reason() -> None:
    d = decide(Lookup(Found.ABSENT), OUT, NOW, network="LinkedIn")
    assert d.error_message == "5xx (LinkedIn was checked afterwards: the post is not there.)"
    no_reason = History(attempts=MAX_ATTEMPTS, maybe_sent_since=EARLIER)
    assert decide(Lookup(Found.ABSENT), no_reason, NOW).error_message.startswith(
        "The last attempt got no answer (The platform was checked"
    )


def test_a_failed_look_up_says_which_look_up_failed() -> None:
    before = decide(Lookup(Found.UNKNOWN, reason="HTTP 500"), DOUBTFUL, NOW)
    assert before.error_code == ErrorCode.LOOKUP_FAILED
    assert before.error_message == (
        "could not check whether the earlier attempt went out: HTTP 500"
    )
    crashed = decide(Lookup(Found.UNKNOWN, reason="HTTP 500"), CRASHED, NOW)
    assert crashed.error_message == (
        "a worker stopped mid-publish and the look-up failed (HTTP 500)"
    )


def test_the_rate_limit_window_comes_from_the_error_not_the_history() -> None:
    d = decide(RateLimitedError("429"), History(attempts=2, due=DUE), NOW)
    assert d.next_attempt_at == NOW + timedelta(seconds=60) and d.attempts == 2


@pytest.mark.parametrize(
    ("error", "trigger"),
    [
        (TransientError("t", code="outcome_unknown"), Trigger.ANSWER_LOST),
        (TransientError("t", code="outcome_unknown", status=201), Trigger.ANSWER_LOST),
        (TransientError("t", code="outcome_unknown", status=504), Trigger.ANSWER_LOST),
        (TransientError("t", code="outcome_unknown", status=502), Trigger.SERVER_ERROR_ON_SEND),
        (TransientError("t", code="timeout"), Trigger.TRANSIENT),
        (LookupUnavailableError("no scope"), Trigger.TRANSIENT),
        (PublishError("?"), Trigger.TRANSIENT),
        (KeyError("bug"), Trigger.TRANSIENT),
        (DuplicatePostError("d", "1", code=None), Trigger.DUPLICATE_NAMED),
    ],
)
def test_classify_reads_the_class_then_the_adapters_code(error, trigger) -> None:
    assert classify(error) == trigger


def test_an_adapters_unexpected_exception_counts_as_a_lost_answer() -> None:
    error = unexpected(RuntimeError("boom after sending"))
    assert classify(error) == Trigger.ANSWER_LOST and error.message == "boom after sending"


def test_a_look_up_that_could_not_say_is_a_failed_look_up() -> None:
    assert classify_lookup(Lookup(Found.UNKNOWN)) == Trigger.LOOKUP_FAILED


def test_history_knows_whether_the_target_was_tried_and_must_be_looked_up() -> None:
    assert not FIRST.tried_before and not FIRST.must_look_first
    assert AGAIN.tried_before and not AGAIN.must_look_first
    assert History(last_error_code="http_503").tried_before
    assert DOUBTFUL.must_look_first and DOUBTFUL.doubt_since(NOW) == EARLIER
    assert History().doubt_since(NOW) == NOW
