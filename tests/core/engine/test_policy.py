from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.engine.policy import RETRY_DELAYS, Wait, decide
from app.core.models import TargetStatus
from app.core.ports import (
    AuthError,
    NetworkUnavailableError,
    PermanentError,
    RateLimitedError,
    RateLimitInfo,
    TransientError,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DUE = NOW - timedelta(seconds=3)


def test_retry_delays_are_1_5_15_minutes():
    assert (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15)) == RETRY_DELAYS


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [(0, timedelta(minutes=1)), (1, timedelta(minutes=5)), (2, timedelta(minutes=15))],
)
def test_transient_failures_retry_on_schedule(attempts, delay):
    d = decide(TransientError("Service Unavailable", status=503), attempts, NOW, DUE)
    assert d.status == TargetStatus.QUEUED
    assert d.attempts == attempts + 1
    assert d.next_attempt_at == NOW + delay
    assert (d.error_code, d.error_message) == ("http_503", "Service Unavailable")
    assert d.wait == Wait.NONE and not d.gave_up


def test_the_fourth_transient_failure_gives_up_with_the_reason():
    d = decide(TransientError("Over capacity", code="130"), 3, NOW, DUE)
    assert d.gave_up and d.status == TargetStatus.FAILED
    assert d.attempts == 4 and d.next_attempt_at is None
    assert (d.error_code, d.error_message) == ("130", "Over capacity")


def test_unclassified_errors_are_retried_like_transient_ones_then_fail():
    assert decide(ValueError("boom"), 0, NOW).next_attempt_at == NOW + timedelta(minutes=1)
    assert decide(ValueError("boom"), 3, NOW).status == TargetStatus.FAILED


def test_permanent_fails_at_once_with_the_platforms_words():
    d = decide(
        PermanentError(
            "You are not allowed to create a Tweet with duplicate content.", code="duplicate"
        ),
        0,
        NOW,
    )
    assert d.status == TargetStatus.FAILED
    assert d.error_message == "You are not allowed to create a Tweet with duplicate content."
    assert d.error_code == "duplicate"


def test_rate_limit_waits_for_the_reset_without_an_attempt():
    reset = NOW + timedelta(minutes=12)
    d = decide(RateLimitedError("Too Many Requests", reset_at=reset, status=429), 2, NOW, DUE)
    assert (d.status, d.attempts, d.next_attempt_at, d.wait) == (
        TargetStatus.QUEUED,
        2,
        reset,
        Wait.RATE_LIMIT,
    )


def test_rate_limit_reset_from_headers_or_a_default_wait():
    info = RateLimitInfo(limit=300, remaining=0, reset_at=NOW + timedelta(minutes=3))
    assert decide(RateLimitedError("429", rate_limit=info), 0, NOW).next_attempt_at == info.reset_at
    assert decide(RateLimitedError("429"), 0, NOW).next_attempt_at == NOW + timedelta(seconds=60)
    past = NOW - timedelta(seconds=5)
    assert decide(RateLimitedError("429", reset_at=past), 0, NOW).next_attempt_at > NOW


def test_no_network_and_reauth_keep_the_due_time_and_the_attempts():
    for error, wait in (
        (NetworkUnavailableError("refused"), Wait.NETWORK),
        (AuthError("revoked"), Wait.REAUTH),
    ):
        d = decide(error, 1, NOW, DUE)
        assert (d.status, d.attempts, d.next_attempt_at, d.wait) == (
            TargetStatus.QUEUED,
            1,
            DUE,
            wait,
        )


def test_long_messages_are_cut():
    d = decide(PermanentError("x" * 5000), 0, NOW)
    assert len(d.error_message) == 2000
