from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import func, select

from app.core import events as ev
from app.core.engine import Outcome
from app.core.models import (
    AccountStatus,
    MetricTask,
    PostStatus,
    RateLimitBudget,
    Setting,
    Target,
    TargetStatus,
)
from app.core.ports import (
    AuthError,
    NetworkUnavailableError,
    PermanentError,
    PublishResult,
    RateLimitedError,
    RateLimitInfo,
    TransientError,
)
from app.core.posts import PostService
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect, post_status, target


def kinds(recorded, kind):
    return [e.data for e in recorded if e.kind == kind]


def test_due_post_goes_to_every_account_once(db, clock, ws, accounts, engine, fakes, recorded):
    ids = {p: connect(accounts, ws, p, clock) for p in Platform}
    post_id, targets = add_post(db, ws, list(ids.values()), clock.now(), "Launch day")

    result = engine.run_once()

    assert result.claimed == len(Platform) and result.published == len(Platform)
    for p in Platform:
        assert [x["text"] for x in fakes[p].posts] == ["Launch day"]
    for tid in targets:
        t = target(db, tid)
        assert t.status == TargetStatus.PUBLISHED and t.external_id
        assert t.published_at == clock.now() and t.lease_owner is None
    assert post_status(db, post_id) == PostStatus.PUBLISHED
    with db.session() as s:  # analytics checkpoints planned with the success
        assert s.scalar(select(func.count(MetricTask.id))) == 4 * len(Platform)
    assert {e["target_id"] for e in kinds(recorded, ev.TARGET_PUBLISHED)} == set(targets)
    # Nothing is ever sent again.
    assert not engine.run_once().busy
    assert sum(len(f.posts) for f in fakes.values()) == len(Platform)


def test_per_account_text_overrides_are_sent(db, clock, ws, accounts, engine, fakes):
    x = connect(accounts, ws, Platform.TWITTER, clock)
    li = connect(accounts, ws, Platform.LINKEDIN, clock)
    _, (tx, _tli) = add_post(db, ws, [x, li], clock.now(), "base text")
    with db.session() as s:
        from app.core.models import Target

        s.get(Target, tx).content_override = "short for X"
        s.commit()
    engine.run_once()
    assert fakes[Platform.TWITTER].posts[0]["text"] == "short for X"
    assert fakes[Platform.LINKEDIN].posts[0]["text"] == "base text"


def test_nothing_is_sent_before_its_time(db, clock, ws, accounts, engine, fakes):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    _, (t,) = add_post(db, ws, [a], clock.now() + timedelta(minutes=5))
    assert not engine.run_once().busy
    clock.advance(timedelta(minutes=5))
    assert engine.run_once().published == 1
    assert target(db, t).status == TargetStatus.PUBLISHED


def test_transient_failures_follow_the_1_5_15_schedule_then_fail(
    db, clock, ws, accounts, engine, fakes, recorded
):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now())
    fx = fakes[Platform.TWITTER]
    fx.publish_errors = [TransientError("Service Unavailable", status=503)] * 4
    start = clock.now()

    expected = [timedelta(minutes=1), timedelta(minutes=6), timedelta(minutes=21)]
    for n, offset in enumerate(expected, start=1):
        assert engine.run_once().count(Outcome.RETRY) == 1
        row = target(db, t)
        assert (row.status, row.attempts) == (TargetStatus.QUEUED, n)
        assert row.next_attempt_at == start + offset
        # One second early: nothing happens.
        clock.set(row.next_attempt_at - timedelta(seconds=1))
        assert not engine.run_once().busy
        clock.set(row.next_attempt_at)

    assert engine.run_once().failed == 1
    row = target(db, t)
    assert row.status == TargetStatus.FAILED and row.attempts == 4
    assert (row.error_code, row.error_message) == ("http_503", "Service Unavailable")
    assert post_status(db, post_id) == PostStatus.FAILED
    assert fx.calls["publish"] == 4
    assert fx.calls["lookup"] == 0  # a 503 is an answer: nothing was made, nothing to ask
    assert kinds(recorded, ev.TARGET_FAILED) == [
        {"target_id": t, "post_id": post_id, "platform": "TWITTER", "reason": "Service Unavailable"}
    ]


def test_a_retry_finds_the_post_that_a_lost_response_created(
    db, clock, ws, accounts, engine, fakes
):
    a = connect(accounts, ws, Platform.FACEBOOK, clock)
    _, (t,) = add_post(db, ws, [a], clock.now())
    fb = fakes[Platform.FACEBOOK]

    def created_then_lost(account, text, key):
        fb.on_publish = None
        fb.posts.append({"key": key, "external_id": "fb-lost-1", "text": text})
        raise TransientError("connection closed without a response", code="outcome_unknown")

    fb.on_publish = created_then_lost
    assert engine.run_once().count(Outcome.RETRY) == 1
    clock.advance(timedelta(minutes=1))
    assert engine.run_once().published == 1
    assert fb.calls["publish"] == 1  # never sent twice
    assert target(db, t).external_id == "fb-lost-1"


def test_the_last_retry_still_finds_what_the_first_attempt_posted(
    db, clock, ws, accounts, engine, fakes
):
    """The look-up searches from the first doubtful attempt, not from the retry's own due
    time: at +21 minutes the 4th attempt must see the 1st's post (the soak's duplicates)."""
    a = connect(accounts, ws, Platform.LINKEDIN, clock)
    _, (t,) = add_post(db, ws, [a], clock.now())
    li = fakes[Platform.LINKEDIN]
    first_due = clock.now()

    def created_then_lost(account, text, key):
        li.on_publish = None
        li.posts.append({"key": key, "external_id": "li-1", "text": text, "at": clock.now()})
        raise TransientError("LinkedIn did not answer in time", code="outcome_unknown")

    li.on_publish = created_then_lost
    li.lookup_errors = [TransientError("Service Unavailable", status=503)] * 2
    assert engine.run_once().count(Outcome.RETRY) == 1
    for minutes in (1, 5):
        clock.advance(timedelta(minutes=minutes))
        assert engine.run_once().count(Outcome.RETRY) == 1
    clock.advance(timedelta(minutes=15))
    assert engine.run_once().published == 1
    assert li.calls["publish"] == 1
    assert target(db, t).external_id == "li-1"
    assert li.lookups_since[-1] <= first_due


def test_a_rescheduled_post_with_a_doubtful_attempt_is_looked_up_first(
    db, clock, ws, accounts, engine, fakes
):
    a = connect(accounts, ws, Platform.FACEBOOK, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now())
    fb = fakes[Platform.FACEBOOK]
    fb.publish_errors = [TransientError("timed out", code="outcome_unknown")]
    assert engine.run_once().count(Outcome.RETRY) == 1
    PostService(db, clock).reschedule(post_id, clock.now() + timedelta(hours=1))
    assert target(db, t).attempts == 0  # a fresh set of retries...
    clock.advance(timedelta(hours=1))
    assert engine.run_once().published == 1
    assert fb.calls["lookup"] == 1  # ...but it still asks before sending


def test_a_person_retrying_after_5xx_on_publish_is_looked_up_first(
    db, clock, ws, accounts, engine, fakes
):
    """A 5xx answering a publish fails the target with the platform's words, but the post
    might exist: the person's Retry asks the platform before sending again."""
    a = connect(accounts, ws, Platform.TWITTER, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now())
    x = fakes[Platform.TWITTER]
    x.publish_errors = [TransientError("Over capacity", code="outcome_unknown", status=503)] * 4
    for minutes in (0, 1, 5, 15):
        clock.advance(timedelta(minutes=minutes))
        engine.run_once()
    assert target(db, t).status == TargetStatus.FAILED
    lookups = x.calls["lookup"]
    assert lookups == 3  # before each automatic retry
    x.posts.append({"key": target(db, t).idempotency_key, "external_id": "tw-5", "text": "x"})
    assert PostService(db, clock).retry_failed(post_id) == 1
    assert engine.run_once().published == 1
    assert x.calls["publish"] == 4 and x.calls["lookup"] == lookups + 1
    assert target(db, t).external_id == "tw-5"


def test_retrying_a_failed_post_resends_only_the_failed_target(
    db, clock, ws, accounts, engine, fakes, hub
):
    x = connect(accounts, ws, Platform.TWITTER, clock)
    li = connect(accounts, ws, Platform.LINKEDIN, clock)
    post_id, (tx, tli) = add_post(db, ws, [x, li], clock.now())
    fakes[Platform.LINKEDIN].publish_errors = [PermanentError("Not enough permissions")]
    engine.run_once()
    assert target(db, tli).status == TargetStatus.FAILED
    assert target(db, tli).error_message == "Not enough permissions"
    assert post_status(db, post_id) == PostStatus.FAILED

    assert PostService(db, clock, hub).retry_failed(post_id) == 1
    assert engine.run_once().published == 1
    assert len(fakes[Platform.TWITTER].posts) == 1  # the success is never sent again
    assert len(fakes[Platform.LINKEDIN].posts) == 1
    assert post_status(db, post_id) == PostStatus.PUBLISHED
    assert target(db, tx).external_id == "twitter-1"


def test_content_the_adapter_rejects_fails_at_once(db, clock, ws, accounts, engine, fakes):
    a = connect(accounts, ws, Platform.INSTAGRAM, clock)
    _, (t,) = add_post(db, ws, [a], clock.now())
    fakes[Platform.INSTAGRAM].reject = "Instagram needs an image or a video"
    assert engine.run_once().failed == 1
    row = target(db, t)
    assert row.error_message == "Instagram needs an image or a video"
    assert fakes[Platform.INSTAGRAM].calls["publish"] == 0


def test_rate_limit_waits_for_the_reset_without_an_attempt(db, clock, ws, accounts, engine, fakes):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    _, (t1,) = add_post(db, ws, [a], clock.now())
    reset = clock.now() + timedelta(minutes=10)
    fakes[Platform.TWITTER].publish_errors = [RateLimitedError("Too Many Requests", reset_at=reset)]
    assert engine.run_once().count(Outcome.WAITING) == 1
    row = target(db, t1)
    assert (row.status, row.attempts, row.next_attempt_at) == (TargetStatus.QUEUED, 0, reset)
    # The account's budget is spent: a post due now for the same account waits as well.
    _, (t2,) = add_post(db, ws, [a], clock.now())
    clock.advance(timedelta(minutes=9))
    assert not engine.run_once().busy
    clock.set(reset)
    assert engine.run_once().published == 2
    assert target(db, t1).attempts == 0


def test_platform_headers_overwrite_the_budget(db, clock, ws, accounts, engine, fakes):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    add_post(db, ws, [a], clock.now())
    reset = clock.now() + timedelta(minutes=7)
    fx = fakes[Platform.TWITTER]
    original = fx.publish

    def with_headers(*args, **kw):
        r = original(*args, **kw)
        return PublishResult(
            r.external_id, None, RateLimitInfo(limit=100, remaining=42, reset_at=reset)
        )

    fx.publish = with_headers
    engine.run_once()
    with db.session() as s:
        row = s.get(RateLimitBudget, (a, "publish"))
        assert (row.limit, row.remaining, row.reset_at) == (100, 42, reset)


def test_budget_setting_limits_what_is_sent_per_window(db, clock, ws, accounts, make_engine, fakes):
    with db.session() as s:
        s.add(Setting(key="engine.rate_limits", value={"TWITTER": {"limit": 2, "window_s": 900}}))
        s.commit()
    engine = make_engine()
    a = connect(accounts, ws, Platform.TWITTER, clock)
    targets = [add_post(db, ws, [a], clock.now(), f"p{i}")[1][0] for i in range(3)]
    assert engine.run_once().published == 2
    late = target(db, targets[2])
    assert (late.status, late.attempts) == (TargetStatus.QUEUED, 0)
    assert late.next_attempt_at == clock.now() + timedelta(seconds=900)


def test_auth_error_refreshes_once_and_publishes(db, clock, ws, accounts, engine, fakes):
    a = connect(accounts, ws, Platform.TWITTER, clock, token="old-token")
    _, (t,) = add_post(db, ws, [a], clock.now())
    fx = fakes[Platform.TWITTER]
    fx.publish_errors = [AuthError("Unauthorized", status=401)]
    assert engine.run_once().published == 1
    assert fx.calls["refresh"] == 1
    assert fx.tokens_seen == ["old-token", "refreshed-TWITTER-1"]
    # The rotated credentials were stored at once.
    assert accounts.credentials(a).access_token == "refreshed-TWITTER-1"
    assert target(db, t).attempts == 0


def test_refused_refresh_needs_reauth_and_the_posts_wait_then_publish_after_reconnect(
    db, clock, ws, accounts, engine, fakes, recorded
):
    a = connect(accounts, ws, Platform.LINKEDIN, clock, token="revoked")
    post_id, (t,) = add_post(db, ws, [a], clock.now())
    li = fakes[Platform.LINKEDIN]
    li.publish_errors = [AuthError("The token used in the request has been revoked")]
    li.refresh_errors = [AuthError("invalid_grant: refresh token revoked")]

    assert engine.run_once().count(Outcome.WAITING) == 1
    info = accounts.get(a)
    assert info.status == AccountStatus.REQUIRES_REAUTH
    assert "refresh token revoked" in info.status_reason
    row = target(db, t)
    assert (row.status, row.attempts) == (TargetStatus.QUEUED, 0)
    (event,) = kinds(recorded, ev.NEEDS_REAUTH)
    assert event["account_id"] == a and "refresh token revoked" in event["reason"]
    assert li.calls["refresh"] == 1

    clock.advance(timedelta(hours=3))
    assert not engine.run_once().busy  # waits: never deleted, never failed
    assert target(db, t).status == TargetStatus.QUEUED

    connect(accounts, ws, Platform.LINKEDIN, clock, token="reconnected")  # the user reconnects
    assert engine.run_once().published == 1
    assert li.tokens_seen[-1] == "reconnected"
    assert post_status(db, post_id) == PostStatus.PUBLISHED


def test_a_token_expiring_within_5_minutes_is_refreshed_before_publishing(
    db, clock, ws, accounts, engine, fakes
):
    a = connect(
        accounts, ws, Platform.INSTAGRAM, clock, token="aging", expires_in=timedelta(minutes=4)
    )
    b = connect(
        accounts, ws, Platform.TWITTER, clock, token="fresh", expires_in=timedelta(minutes=6)
    )
    add_post(db, ws, [a, b], clock.now())
    engine.run_once()
    assert fakes[Platform.INSTAGRAM].tokens_seen == ["refreshed-INSTAGRAM-1"]
    assert fakes[Platform.TWITTER].tokens_seen == ["fresh"]
    assert accounts.get(a).token_expires_at == clock.now() + timedelta(hours=2)


def test_no_network_pauses_the_queue_without_using_attempts(
    db, clock, ws, accounts, engine, fakes, recorded
):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now())
    _, (t2,) = add_post(db, ws, [a], clock.now())
    fx = fakes[Platform.TWITTER]
    fx.publish_errors = [NetworkUnavailableError("Connection refused")] * 100

    engine.run_once()
    assert engine.network.label == "waiting for network"
    assert kinds(recorded, ev.NETWORK_STATE) == [{"online": False, "reason": "Connection refused"}]
    for tid in (t, t2):
        row = target(db, tid)
        assert (row.status, row.attempts) == (TargetStatus.QUEUED, 0)
    # Paused: nothing is claimed until the next probe.
    calls = fx.calls["publish"]
    clock.advance(5)
    assert not engine.run_once().busy
    # Probes find the network still down, one target at a time, for hours: no attempt used.
    for _ in range(20):
        clock.advance(timedelta(minutes=10))
        engine.run_once()
    assert fx.calls["publish"] - calls <= 1 + 20
    assert target(db, t).attempts == 0 and target(db, t).status == TargetStatus.QUEUED
    # Back online: everything goes out.
    fx.publish_errors = []
    clock.advance(timedelta(minutes=1))
    engine.run_until_idle()
    assert engine.network.online
    assert kinds(recorded, ev.NETWORK_STATE)[-1] == {"online": True, "reason": None}
    assert target(db, t).status == target(db, t2).status == TargetStatus.PUBLISHED
    assert target(db, t).attempts == 0
    assert post_status(db, post_id) == PostStatus.PUBLISHED


def _crashed(db, clock, ws, accounts, platform):
    """A target left IN_FLIGHT by a worker that died; its lease has run out."""
    from app.core.engine import claim

    a = connect(accounts, ws, platform, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now())
    assert claim.claim_due(db, "dead-worker", clock.now(), 1, timedelta(seconds=60), {}) == [t]
    clock.advance(61)
    return post_id, t


def test_expired_lease_found_on_the_platform_is_recorded_not_resent(
    db, clock, ws, accounts, engine, fakes
):
    post_id, t = _crashed(db, clock, ws, accounts, Platform.TWITTER)
    key = target(db, t).idempotency_key
    fakes[Platform.TWITTER].posts.append({"key": key, "external_id": "tw-99", "text": "hello"})
    result = engine.run_once()
    assert result.reconciled == 1 and result.published == 1
    assert fakes[Platform.TWITTER].calls["publish"] == 0
    row = target(db, t)
    assert (row.status, row.external_id) == (TargetStatus.PUBLISHED, "tw-99")
    assert post_status(db, post_id) == PostStatus.PUBLISHED


def test_expired_lease_absent_on_the_platform_is_sent_once(db, clock, ws, accounts, engine, fakes):
    _, t = _crashed(db, clock, ws, accounts, Platform.LINKEDIN)
    assert engine.run_once().count(Outcome.REQUEUED) == 1
    assert target(db, t).status == TargetStatus.QUEUED
    assert engine.run_once().published == 1
    assert fakes[Platform.LINKEDIN].calls["publish"] == 1
    assert target(db, t).attempts == 0


def _run_until_settled(engine, db, clock, t, limit=12):
    """Run each due attempt or check at its time until the target is final; the outcomes."""
    outcomes = []
    for _ in range(limit):
        outcomes += [Outcome(k) for k, n in engine.run_once().outcomes.items() for _ in range(n)]
        row = target(db, t)
        if row.status != TargetStatus.QUEUED:
            return outcomes
        clock.set(row.next_attempt_at)
    raise AssertionError(f"not settled after {limit} runs: {outcomes}")


def test_expired_lease_that_cannot_be_checked_needs_confirmation(
    db, clock, ws, accounts, engine, fakes, recorded
):
    post_id, t = _crashed(db, clock, ws, accounts, Platform.FACEBOOK)
    crashed_at = clock.now()
    fb = fakes[Platform.FACEBOOK]
    fb.lookup_errors = [TransientError("Internal Server Error", status=500)] * 20
    # Each failed look-up uses an attempt, then Herald keeps checking for an hour, never
    # sending; only then does a person decide.
    outcomes = _run_until_settled(engine, db, clock, t)
    assert outcomes[-1] == Outcome.CONFIRM and outcomes.count(Outcome.CONFIRM) == 1
    assert clock.now() >= crashed_at + timedelta(hours=1) - timedelta(minutes=2)
    row = target(db, t)
    assert row.status == TargetStatus.NEEDS_CONFIRMATION and row.attempts == 4
    assert "Internal Server Error" in row.error_message
    assert kinds(recorded, ev.NEEDS_CONFIRMATION) == [{"target_id": t, "post_id": post_id}]
    assert fb.calls["publish"] == 0 and fb.calls["lookup"] == len(outcomes)
    assert not engine.run_once().busy


def test_expired_lease_checked_again_after_a_failed_look_up(db, clock, ws, accounts, engine, fakes):
    _, t = _crashed(db, clock, ws, accounts, Platform.FACEBOOK)
    fb = fakes[Platform.FACEBOOK]
    fb.lookup_errors = [TransientError("Internal Server Error", status=500)]
    assert engine.run_once().count(Outcome.RETRY) == 1
    # The crashed attempt had in fact posted; the platform shows it by the next look-up.
    fb.posts.append({"key": target(db, t).idempotency_key, "external_id": "fb-7", "text": "x"})
    clock.advance(timedelta(minutes=1))
    assert engine.run_once().published == 1
    assert fb.calls["publish"] == 0
    assert target(db, t).external_id == "fb-7"


def test_expired_lease_while_offline_is_checked_later(db, clock, ws, accounts, engine, fakes):
    _, t = _crashed(db, clock, ws, accounts, Platform.TWITTER)
    fakes[Platform.TWITTER].lookup_errors = [NetworkUnavailableError("Network is unreachable")]
    engine.run_once()
    assert target(db, t).status == TargetStatus.IN_FLIGHT
    assert not engine.network.online
    clock.advance(20)
    engine.run_until_idle()
    assert target(db, t).status == TargetStatus.PUBLISHED
    assert fakes[Platform.TWITTER].calls["publish"] == 1


def test_posts_missed_while_closed_are_listed_not_sent(
    db, clock, ws, accounts, make_engine, fakes, recorded
):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    old_post, (old,) = add_post(db, ws, [a], clock.now() - timedelta(minutes=20))
    _, (recent,) = add_post(db, ws, [a], clock.now() - timedelta(minutes=10))
    engine = make_engine()
    engine.run_once()
    assert target(db, old).status == TargetStatus.MISSED
    assert target(db, recent).status == TargetStatus.PUBLISHED
    assert kinds(recorded, ev.MISSED_POSTS) == [{"post_ids": [old_post]}]
    assert len(fakes[Platform.TWITTER].posts) == 1
    # The user chooses "publish now".
    PostService(db, clock).publish_missed_now([old_post])
    assert engine.run_once().published == 1


def test_a_worker_starting_beside_a_busy_one_does_not_mark_its_backlog_missed(
    db, clock, ws, accounts, make_engine, fakes
):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    _, (backlog,) = add_post(db, ws, [a], clock.now() - timedelta(minutes=20))
    _, (done,) = add_post(db, ws, [a], clock.now() - timedelta(minutes=25))
    with db.session() as s:  # another worker published this two minutes ago
        row = s.get(Target, done)
        row.status, row.updated_at = TargetStatus.PUBLISHED, clock.now() - timedelta(minutes=2)
        s.commit()
    make_engine().run_once()
    assert target(db, backlog).status == TargetStatus.PUBLISHED


def test_grace_period_is_a_setting(db, clock, ws, accounts, make_engine):
    with db.session() as s:
        s.add(Setting(key="engine.grace_minutes", value=60))
        s.commit()
    a = connect(accounts, ws, Platform.TWITTER, clock)
    _, (t,) = add_post(db, ws, [a], clock.now() - timedelta(minutes=30))
    make_engine().run_once()
    assert target(db, t).status == TargetStatus.PUBLISHED


def test_run_forever_wakes_when_posts_change_and_when_time_comes(
    db, clock, ws, accounts, engine, fakes, hub
):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    stop = threading.Event()
    thread = threading.Thread(target=engine.run_forever, args=(stop,), name="engine-test")
    thread.start()
    try:
        time.sleep(0.2)
        add_post(db, ws, [a], clock.now(), "now")
        hub.publish(ev.POSTS_CHANGED, workspace_id=ws)
        _wait_for(lambda: len(fakes[Platform.TWITTER].posts) == 1)
        add_post(db, ws, [a], clock.now() + timedelta(minutes=30), "later")
        hub.publish(ev.POSTS_CHANGED, workspace_id=ws)
        time.sleep(0.3)
        assert len(fakes[Platform.TWITTER].posts) == 1
        clock.advance(timedelta(minutes=30))  # the fake clock wakes the engine
        _wait_for(lambda: len(fakes[Platform.TWITTER].posts) == 2)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_run_forever_until_idle_returns(db, clock, ws, accounts, engine, fakes):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    for i in range(40):
        add_post(db, ws, [a], clock.now(), f"burst {i}")
    engine.run_forever(threading.Event(), until_idle=True)
    assert len(fakes[Platform.TWITTER].posts) == 40
    assert len(set(fakes[Platform.TWITTER].sent_keys())) == 40


def test_a_full_disk_pauses_publishing_says_so_once_and_resumes(
    db, clock, ws, accounts, engine, fakes, recorded, monkeypatch, caplog
):
    from app.core.db import DiskFullError
    from app.core.engine import claim, runner

    a = connect(accounts, ws, Platform.TWITTER, clock)
    add_post(db, ws, [a], clock.now(), "after the disk is freed")
    real = claim.claim_due
    failures = [DiskFullError("/data/herald.db")] * 3

    def claim_on_a_full_disk(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(claim, "claim_due", claim_on_a_full_disk)
    monkeypatch.setattr(runner, "DISK_FULL_RETRY_S", 0.01)
    engine.run_forever(threading.Event(), until_idle=True)
    assert len(fakes[Platform.TWITTER].posts) == 1
    states = kinds(recorded, ev.STORAGE_STATE)
    assert [d["ok"] for d in states] == [False, True]
    assert "is full" in states[0]["reason"]
    full = [r for r in caplog.records if "is full" in r.getMessage()]
    assert len(full) == 1 and full[0].exc_info is None  # one line, no traceback


def test_stopping_releases_claimed_work_that_had_not_started(
    db, clock, ws, accounts, make_engine, fakes
):
    engine = make_engine(per_platform=1, batch_limit=5)
    a = connect(accounts, ws, Platform.TWITTER, clock)
    targets = [add_post(db, ws, [a], clock.now(), f"p{i}")[1][0] for i in range(5)]
    gate = threading.Event()
    started = threading.Event()

    def slow(account, text, key):
        started.set()
        gate.wait(10)

    fakes[Platform.TWITTER].on_publish = slow
    stop = threading.Event()
    thread = threading.Thread(target=engine.run_forever, args=(stop,), name="engine-stop-test")
    thread.start()
    assert started.wait(10)
    stop.set()
    gate.set()
    thread.join(10)
    assert not thread.is_alive()
    statuses = [target(db, t).status for t in targets]
    assert statuses.count(TargetStatus.PUBLISHED) == 1  # the one in progress finished
    assert statuses.count(TargetStatus.QUEUED) == 4  # the rest were given back
    assert all(target(db, t).lease_owner is None for t in targets)


def _wait_for(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.01)
    raise AssertionError("condition not reached in time")


def test_a_worker_that_lost_its_lease_does_not_send(db, clock, ws, accounts, engine, fakes):
    # The worker stalls after claiming; meanwhile its lease ran out and another worker took
    # the target over. When the first one wakes up it must not send a second copy.
    from sqlalchemy import update

    from app.core.models import Target

    acc = connect(accounts, ws, Platform.TWITTER, clock)
    add_post(db, ws, [acc], clock.now())
    adapter = fakes[Platform.TWITTER]
    original = adapter.validate

    def stall_then_lose_lease(text, media):
        with db.session() as s:
            s.execute(update(Target).values(lease_owner="another-worker"))
            s.commit()
        return original(text, media)

    adapter.validate = stall_then_lose_lease
    result = engine.run_once()
    assert adapter.calls["publish"] == 0
    assert result.count(Outcome.SKIPPED) == 1


def test_hold_lease_extends_only_a_live_lease_of_its_owner(db, clock, ws, accounts, engine):
    from app.core.engine import claim

    acc = connect(accounts, ws, Platform.LINKEDIN, clock)
    add_post(db, ws, [acc], clock.now())
    now = clock.now()
    [t] = claim.claim_due(db, "me", now, 10, timedelta(seconds=60))
    assert claim.hold_lease(db, "me", t, now, now + timedelta(seconds=120))
    assert target(db, t).lease_until == now + timedelta(seconds=120)
    assert not claim.hold_lease(db, "someone-else", t, now, now + timedelta(seconds=300))
    later = now + timedelta(seconds=121)
    assert not claim.hold_lease(db, "me", t, later, later + timedelta(seconds=60))


def test_last_attempt_with_a_lost_answer_is_checked_then_fails_if_not_there(
    db, clock, ws, accounts, engine, fakes, recorded
):
    # The 4th send may have gone out (its answer was lost): Herald asks the platform 15
    # minutes later before saying FAILED, so that a Retry can never post twice.
    a = connect(accounts, ws, Platform.LINKEDIN, clock)
    post_id, (t,) = add_post(db, ws, [a], clock.now())
    fx = fakes[Platform.LINKEDIN]
    fx.publish_errors = [TransientError("Service Unavailable", status=503)] * 3 + [
        TransientError("LinkedIn did not answer in time", code="outcome_unknown")
    ]
    outcomes = _run_until_settled(engine, db, clock, t)
    assert outcomes == [Outcome.RETRY] * 4 + [Outcome.FAILED]
    row = target(db, t)
    assert (row.status, row.attempts) == (TargetStatus.FAILED, 4)
    assert "did not answer in time" in row.error_message and "not there" in row.error_message
    assert fx.calls["publish"] == 4
    assert [e["reason"] for e in kinds(recorded, ev.TARGET_FAILED)] == [row.error_message]
    assert kinds(recorded, ev.NEEDS_CONFIRMATION) == []


def test_last_attempt_with_a_lost_answer_is_found_by_the_check(
    db, clock, ws, accounts, engine, fakes
):
    a = connect(accounts, ws, Platform.LINKEDIN, clock)
    _, (t,) = add_post(db, ws, [a], clock.now())
    fx = fakes[Platform.LINKEDIN]
    fx.publish_errors = [TransientError("Service Unavailable", status=503)] * 3

    def made_but_lost(account, text, key):
        fx.posts.append({"key": key, "external_id": "li-late", "text": text, "at": clock.now()})
        raise TransientError("LinkedIn did not answer in time", code="outcome_unknown")

    for _ in range(3):
        engine.run_once()
        clock.set(target(db, t).next_attempt_at)
    fx.on_publish = made_but_lost
    fx.lookup_errors = [TransientError("Service Unavailable", status=503)]  # the 1st check
    outcomes = _run_until_settled(engine, db, clock, t)
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.PUBLISHED]
    assert target(db, t).external_id == "li-late" and fx.calls["publish"] == 4


def test_publish_again_after_a_confirmation_sends_once_without_asking_again(
    db, clock, ws, accounts, engine, fakes
):
    post_id, t = _crashed(db, clock, ws, accounts, Platform.FACEBOOK)
    fb = fakes[Platform.FACEBOOK]
    fb.lookup_errors = [TransientError("Internal Server Error", status=500)] * 20
    _run_until_settled(engine, db, clock, t)
    assert target(db, t).status == TargetStatus.NEEDS_CONFIRMATION
    fb.lookup_errors = []
    PostService(db, clock).publish_again(t)  # the person checked: it is not there
    assert engine.run_once().published == 1
    assert fb.calls["publish"] == 1
