"""The engine and a platform that names the post it already has (issue 15.3), or that never
lets an account list its posts (issue 15.2)."""

from __future__ import annotations

from datetime import timedelta

from app.core import events as ev
from app.core.engine import Outcome
from app.core.models import TargetStatus
from app.core.ports import DuplicatePostError, LookupUnavailableError, TransientError
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect, target
from tests.core.engine.test_runner import _crashed

URN = "urn:li:share:7141138937766391808"
DUPLICATE = f"Content is a duplicate of {URN}"
CANNOT_LIST = "LinkedIn does not let this app list the member's posts"


def _duplicate() -> DuplicatePostError:
    return DuplicatePostError(DUPLICATE, URN, url=f"https://www.linkedin.com/feed/update/{URN}/")


def test_a_duplicate_after_a_lost_answer_is_recorded_published_with_the_named_post(
    db, clock, ws, accounts, engine, fakes, recorded
):
    a = connect(accounts, ws, Platform.LINKEDIN, clock)
    _, (t,) = add_post(db, ws, [a], clock.now())
    li = fakes[Platform.LINKEDIN]
    # The first answer is lost; LinkedIn's list does not show the post yet; the re-send is
    # refused as a duplicate of the post the first attempt made.
    li.publish_errors = [TransientError("read timed out", code="outcome_unknown"), _duplicate()]
    assert engine.run_once().count(Outcome.RETRY) == 1
    clock.advance(timedelta(minutes=1))
    assert engine.run_once().published == 1
    row = target(db, t)
    assert (row.status, row.external_id) == (TargetStatus.PUBLISHED, URN)
    assert li.calls["publish"] == 2
    assert [
        e["external_id"] for e in (r.data for r in recorded if r.kind == ev.TARGET_PUBLISHED)
    ] == [URN]


def test_a_duplicate_on_a_first_attempt_fails_with_the_platforms_words(
    db, clock, ws, accounts, engine, fakes
):
    a = connect(accounts, ws, Platform.LINKEDIN, clock)
    _, (t,) = add_post(db, ws, [a], clock.now())
    fakes[Platform.LINKEDIN].publish_errors = [_duplicate()]
    assert engine.run_once().failed == 1
    row = target(db, t)
    # Another post of the user's has this text: not ours, so not recorded as this one.
    assert row.status == TargetStatus.FAILED and row.external_id is None
    assert URN in row.error_message


def test_a_look_up_that_can_never_know_asks_a_person_at_once(
    db, clock, ws, accounts, engine, fakes, recorded
):
    post_id, t = _crashed(db, clock, ws, accounts, Platform.LINKEDIN)
    li = fakes[Platform.LINKEDIN]
    li.lookup_errors = [LookupUnavailableError(CANNOT_LIST)] * 5
    assert engine.run_once().count(Outcome.CONFIRM) == 1
    row = target(db, t)
    assert row.status == TargetStatus.NEEDS_CONFIRMATION
    assert CANNOT_LIST in row.error_message
    # No attempt was burnt on asking again, and nothing was sent.
    assert li.calls["lookup"] == 1 and li.calls["publish"] == 0
    assert [e.data for e in recorded if e.kind == ev.NEEDS_CONFIRMATION] == [
        {"target_id": t, "post_id": post_id}
    ]


def test_without_a_list_the_duplicate_answer_of_a_re_send_is_the_look_up(
    db, clock, ws, accounts, engine, fakes
):
    _, t = _crashed(db, clock, ws, accounts, Platform.LINKEDIN)
    li = fakes[Platform.LINKEDIN]
    li.lookup_errors = [LookupUnavailableError(CANNOT_LIST, resend_reveals_duplicate=True)] * 5
    li.publish_errors = [_duplicate()]
    assert engine.run_once().count(Outcome.REQUEUED) == 1
    assert engine.run_once().published == 1
    row = target(db, t)
    assert (row.status, row.external_id) == (TargetStatus.PUBLISHED, URN)
    assert li.calls["publish"] == 1


def test_without_a_list_a_re_send_that_is_not_a_duplicate_publishes_once(
    db, clock, ws, accounts, engine, fakes
):
    _, t = _crashed(db, clock, ws, accounts, Platform.LINKEDIN)
    li = fakes[Platform.LINKEDIN]
    li.lookup_errors = [LookupUnavailableError(CANNOT_LIST, resend_reveals_duplicate=True)] * 5
    engine.run_once()
    assert engine.run_once().published == 1
    assert li.calls["publish"] == 1 and len(li.posts) == 1
    assert target(db, t).status == TargetStatus.PUBLISHED
