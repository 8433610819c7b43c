"""NotificationService (issue 23): each kind reaches the right member, once, never about
what they did themselves; the first look sets the mark and tells nothing old."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.engine import audit_trail
from app.core.models import Target
from app.core.notifications import FileMarks, MemoryMarks, NotificationService
from tests.core.approval_world import act_as, make_world


@pytest.fixture
def world(db, clock, monkeypatch):
    return make_world(db, clock, monkeypatch)


@pytest.fixture
def marks():
    return MemoryMarks()


def _seen(db, marks, monkeypatch, person, **kw):
    act_as(monkeypatch, person)
    return [(n.kind, n.actor, n.post_id) for n in NotificationService(db, marks, **kw).new_for_me()]


def _start(db, marks, monkeypatch, *people):
    for person in people:
        assert _seen(db, marks, monkeypatch, person) == []  # the mark is set; nothing old


def test_each_kind_reaches_its_member_once_and_never_the_actor(
    db, clock, world, marks, monkeypatch
):
    act_as(monkeypatch, "Ann")
    old = world.post("from before")
    world.flow.submit(old)
    _start(db, marks, monkeypatch, "Ann", "Bob", "Ada", "Vic")

    act_as(monkeypatch, "Ann")
    post = world.post("Opening at 10")
    world.flow.submit(post)
    assert _seen(db, marks, monkeypatch, "Bob") == [("review", "Ann", post)]
    assert _seen(db, marks, monkeypatch, "Bob") == []  # no repeats
    assert _seen(db, marks, monkeypatch, "Ann") == []  # her own step
    assert _seen(db, marks, monkeypatch, "Ada") == []  # an admin is no approver
    assert _seen(db, marks, monkeypatch, "Vic") == []

    clock.advance(timedelta(minutes=5))
    act_as(monkeypatch, "Bob")
    world.flow.request_changes(post, "It's 11. @Ann please fix")
    world.flow.comment(post, "@Ada @Bob fyi")  # Bob's own mention of himself is no news
    act_as(monkeypatch, "Ann")
    told = NotificationService(db, marks).new_for_me()
    # The request names Ann too: one notification, not a second "mentioned you".
    assert [(n.kind, n.actor) for n in told] == [("changes", "Bob")]
    assert told[0].title == "Changes requested" and "“Opening at 10”" in told[0].message
    assert told[0].workspace == "Acme"
    assert _seen(db, marks, monkeypatch, "Ada") == [("mention", "Bob", post)]
    assert _seen(db, marks, monkeypatch, "Bob") == []

    act_as(monkeypatch, "Ann")
    world.flow.submit(post)
    act_as(monkeypatch, "Bob")
    world.flow.approve(post)
    assert _seen(db, marks, monkeypatch, "Ann") == [("approved", "Bob", post)]
    # Ann's resubmission was news for Bob; his own approval is not.
    assert _seen(db, marks, monkeypatch, "Bob") == [("review", "Ann", post)]
    assert _seen(db, marks, monkeypatch, "Vic") == []  # a viewer hears of nothing here


def test_a_resubmission_is_news_for_the_approver(db, clock, world, marks, monkeypatch):
    _start(db, marks, monkeypatch, "Bob")
    act_as(monkeypatch, "Ann")
    post = world.post()
    world.flow.submit(post)
    act_as(monkeypatch, "Bob")
    world.flow.request_changes(post, "no")
    act_as(monkeypatch, "Ann")
    world.flow.submit(post)
    assert _seen(db, marks, monkeypatch, "Bob") == [("review", "Ann", post)] * 2


def _fail(db, post_id, clock):
    with db.write_session() as s:
        [target_id] = s.scalars(
            Target.__table__.select().with_only_columns(Target.id).where(Target.post_id == post_id)
        ).all()
        audit_trail.record(
            s, audit_trail.FAIL, [target_id], clock.now(), {target_id: "text too long"}
        )
        s.commit()


def test_a_failure_goes_to_the_author_with_the_reason(db, clock, world, marks, monkeypatch):
    _start(db, marks, monkeypatch, "Ann", "Bob")
    act_as(monkeypatch, "Ann")
    post = world.post("Bread is out")
    act_as(monkeypatch, "somebody-else")  # the worker's OS user
    _fail(db, post, clock)
    act_as(monkeypatch, "Ann")
    [n] = NotificationService(db, marks).new_for_me()
    assert (n.kind, n.post_id, n.title) == ("failed", post, "Your post could not be published")
    assert n.message == "“Bread is out”: X @acme: text too long"
    assert _seen(db, marks, monkeypatch, "Bob") == []  # not his post


def test_failures_this_computers_engine_announced_are_left_out(
    db, clock, world, marks, monkeypatch
):
    _start(db, marks, monkeypatch, "Ann")
    act_as(monkeypatch, "Ann")
    post = world.post("Bread is out")
    _fail(db, post, clock)  # recorded by "Herald worker on HOST (Ann)": this computer
    assert _seen(db, marks, monkeypatch, "Ann", local_failures_announced=True) == []


def test_not_a_member_hears_nothing_and_marks_survive_a_restart(
    db, clock, world, monkeypatch, tmp_path
):
    path = tmp_path / "marks" / "notification-marks.json"
    marks = FileMarks(path)
    _start(db, marks, monkeypatch, "Bob", "Zed")
    act_as(monkeypatch, "Ann")
    world.flow.submit(world.post())
    assert _seen(db, marks, monkeypatch, "Zed") == []
    assert _seen(db, FileMarks(path), monkeypatch, "Bob")[0][0] == "review"
    assert _seen(db, FileMarks(path), monkeypatch, "Bob") == []
    path.write_text("not json")  # a damaged file starts over quietly
    assert _seen(db, FileMarks(path), monkeypatch, "Bob") == []
