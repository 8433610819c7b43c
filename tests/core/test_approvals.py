"""ApprovalService on SQLite: the per-workspace setting, the states, who may do what (the
OS user is the member's name), comments with @mentions, and edits sending a post back."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.core.accounts import AccountService
from app.core.approvals import ApprovalError, ApprovalService, mentions_in
from app.core.audit import AuditService
from app.core.members.service import MemberService
from app.core.models import ApprovalState, MemberRole
from app.core.ports import ConnectedAccount, Credentials
from app.core.posts import PostDraft, PostService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform

WALL = datetime(2026, 1, 6, 10, 30)


def act_as(monkeypatch, person: str) -> None:
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(var, person)


@pytest.fixture
def world(db, clock, monkeypatch):
    ws = WorkspaceService(db, clock).create("Acme", "UTC").id
    members = MemberService(db, clock)
    for name, role in [
        ("Ann", MemberRole.EDITOR),
        ("Bob", MemberRole.APPROVER),
        ("Ada", MemberRole.ADMIN),
        ("Vic", MemberRole.VIEWER),
        ("Ann Lee", MemberRole.EDITOR),
    ]:
        members.add("Acme", name, role)
    account = AccountService(db, Vault(db, environ={}), clock).save_connected(
        ws,
        ConnectedAccount(
            platform=Platform.TWITTER,
            external_id="42",
            handle="@acme",
            credentials=Credentials("a-token", "r-token", clock.now() + timedelta(hours=2), {}),
            settings={},
        ),
    )
    return ws, account, PostService(db, clock), ApprovalService(db, clock)


def _post(posts, ws, account, text="hello"):
    return posts.create(ws, text, [account], scheduled_local=WALL, action="schedule").id


def test_off_by_default_nothing_changes(world, monkeypatch):
    ws, account, posts, flow = world
    act_as(monkeypatch, "Ann")
    post = _post(posts, ws, account)
    assert flow.is_required(ws) is False
    assert flow.state(post).state == ApprovalState.NOT_REQUIRED
    with pytest.raises(ApprovalError, match="does not use approvals"):
        flow.submit(post)


def test_turning_it_on_and_off_is_for_admins_and_moves_waiting_posts(world, monkeypatch):
    ws, account, posts, flow = world
    act_as(monkeypatch, "Ann")
    before = _post(posts, ws, account)
    with pytest.raises(ApprovalError, match="Ann is an editor here and can't turn approvals"):
        flow.set_required(ws, True)
    assert flow.is_required(ws) is False
    act_as(monkeypatch, "Ada")
    flow.set_required(ws, True)
    assert flow.state(before).state == ApprovalState.DRAFT  # waits for review now
    act_as(monkeypatch, "Ann")
    assert flow.state(_post(posts, ws, account)).state == ApprovalState.DRAFT
    act_as(monkeypatch, "Ada")
    flow.set_required(ws, False)
    assert flow.state(before).state == ApprovalState.NOT_REQUIRED


def test_a_workspace_without_members_lets_its_single_user_turn_it_on(db, clock, monkeypatch):
    ws = WorkspaceService(db, clock).create("Solo", "UTC").id
    act_as(monkeypatch, "someone")
    ApprovalService(db, clock).set_required(ws, True)
    assert ApprovalService(db, clock).is_required(ws) is True


@pytest.fixture
def on(world, monkeypatch):
    ws, account, posts, flow = world
    act_as(monkeypatch, "Ada")
    flow.set_required(ws, True)
    act_as(monkeypatch, "Ann")
    return world


@pytest.mark.parametrize(
    ("person", "call", "message"),
    [
        ("Bob", lambda f, p: f.submit(p), "Bob is an approver here and can't submit"),
        ("Vic", lambda f, p: f.comment(p, "hi"), "Vic is a viewer here and can't comment"),
        ("Zed", lambda f, p: f.comment(p, "hi"), "Zed is not a member of this workspace"),
        ("Ada", lambda f, p: f.approve(p), "Ada is an admin here and can't approve"),
        ("Bob", lambda f, p: f.approve(p), "This post is draft; it can't be that now"),
        ("Bob", lambda f, p: f.request_changes(p, "  "), "Say what should change"),
        ("Ann", lambda f, p: f.comment(p, ""), "A comment needs some text"),
        ("Ann", lambda f, p: f.comment(p, "x" * 5001), "at most 5000 characters"),
        ("Ann", lambda f, p: f.submit(10_000), "That post no longer exists"),
    ],
)
def test_bad_steps_get_one_message_and_change_nothing(on, monkeypatch, db, person, call, message):
    ws, account, posts, flow = on
    post = _post(posts, ws, account)
    logged = len(AuditService(db).entries())
    act_as(monkeypatch, person)
    with pytest.raises(ApprovalError, match=message):
        call(flow, post)
    assert flow.state(post).state == ApprovalState.DRAFT
    assert flow.comments(post) == []
    assert len(AuditService(db).entries()) == logged


def test_editing_or_moving_an_approved_post_sends_it_back_to_review(on, monkeypatch, clock):
    ws, account, posts, flow = on
    post = _post(posts, ws, account)
    flow.submit(post)
    act_as(monkeypatch, "Bob")
    flow.approve(post)
    act_as(monkeypatch, "Ann")
    posts.update(post, "changed", [account], scheduled_local=WALL, action="schedule")
    assert flow.state(post).state == ApprovalState.IN_REVIEW
    act_as(monkeypatch, "Bob")
    flow.approve(post)
    posts.reschedule(post, clock.now() + timedelta(days=3))
    assert flow.state(post).state == ApprovalState.IN_REVIEW


def test_copies_and_imported_posts_start_as_drafts(on, db):
    ws, account, posts, flow = on
    copy = posts.duplicate(_post(posts, ws, account)).id
    with db.write_session() as s:
        [imported] = posts.create_many(s, ws, [PostDraft("bulk", [account])])
        s.commit()
    assert flow.state(copy).state == ApprovalState.DRAFT
    assert flow.state(imported).state == ApprovalState.DRAFT


def test_a_due_post_says_why_it_waits(on, clock):
    ws, account, posts, flow = on
    post = _post(posts, ws, account)
    draft = posts.create(ws, "a draft", [account], scheduled_local=WALL).id
    assert flow.waiting(ws) == [] and flow.state(post).waiting_reason is None
    clock.advance(timedelta(days=2))
    assert flow.state(draft).waiting_reason is None  # not scheduled: nothing waits
    assert [(w.post_id, w.waiting_reason) for w in flow.waiting(ws)] == [
        (post, "Waiting for approval: not submitted for review yet")
    ]
    assert flow.state(post).waiting_reason == "Waiting for approval: not submitted for review yet"


def test_comments_keep_author_time_and_mentions(on, monkeypatch, clock):
    ws, account, posts, flow = on
    post = _post(posts, ws, account)
    flow.comment(post, "First draft, @bob have a look (cc @Ann Lee, @nobody)")
    clock.advance(timedelta(minutes=1))
    act_as(monkeypatch, "Bob")
    flow.comment(post, "Looks good @Ann")
    got = [(c.author, c.body[:5], c.mentions, c.at) for c in flow.comments(post)]
    assert got == [
        ("Ann", "First", ("Bob", "Ann Lee"), clock.now() - timedelta(minutes=1)),
        ("Bob", "Looks", ("Ann",), clock.now()),
    ]


def test_mentions_match_whole_names_only():
    assert mentions_in("hi @Annabel and @ann.", ["Ann", "Annabel"]) == ["Annabel", "Ann"]
    assert mentions_in("mail ann@example.com", ["Ann"]) == []
