"""MemberService on SQLite: members are recorded with their role per workspace; no logins."""

from __future__ import annotations

import pytest

from app.core.members.service import MemberError, MemberService, parse_role
from app.core.models import MemberRole
from app.core.workspaces import WorkspaceService


@pytest.fixture
def service(db, clock):
    WorkspaceService(db).create("Acme", "UTC")
    WorkspaceService(db).create("Brio", "Europe/Paris")
    return MemberService(db, clock)


def test_one_person_has_a_different_role_in_each_workspace(service):
    added = service.add("acme", "Ann", MemberRole.EDITOR)
    assert added.url is None and added.info.login is None  # SQLite: no login roles
    service.add("Brio", "Ann", MemberRole.APPROVER)
    service.add("Acme", "Bob", MemberRole.VIEWER)
    rows = [(m.name, m.role, m.workspace) for m in service.list()]
    assert rows == [
        ("Ann", MemberRole.EDITOR, "Acme"),
        ("Bob", MemberRole.VIEWER, "Acme"),
        ("Ann", MemberRole.APPROVER, "Brio"),
    ]
    assert [m.name for m in service.list("Brio")] == ["Ann"]


def test_remove_takes_only_that_workspace(service):
    service.add("Acme", "Ann", MemberRole.EDITOR)
    service.add("Brio", "Ann", MemberRole.ADMIN)
    removed = service.remove("Acme", "ann")
    assert (removed.name, removed.workspace) == ("Ann", "Acme")
    assert [(m.name, m.workspace) for m in service.list()] == [("Ann", "Brio")]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.add("Nope", "Ann", MemberRole.EDITOR), "No workspace named 'Nope'"),
        (lambda s: s.add("Acme", "  ", MemberRole.EDITOR), "needs a name"),
        (lambda s: s.add("Acme", "x" * 121, MemberRole.EDITOR), "at most 120"),
        (lambda s: s.add("Acme", "ANN", MemberRole.VIEWER), "already a member of Acme"),
        (lambda s: s.remove("Acme", "Zed"), "'Zed' is not a member of Acme"),
        (lambda s: s.list("Nope"), "No workspace named"),
    ],
)
def test_bad_input_gets_one_message_and_changes_nothing(service, call, message):
    service.add("Acme", "Ann", MemberRole.EDITOR)
    with pytest.raises(MemberError, match=message):
        call(service)
    assert [(m.name, m.role) for m in service.list()] == [("Ann", MemberRole.EDITOR)]


def test_roles_are_the_four_the_issue_names():
    assert [r.value for r in MemberRole] == ["admin", "editor", "approver", "viewer"]
    assert parse_role(" Viewer ") is MemberRole.VIEWER
    with pytest.raises(MemberError, match="use one of: admin, editor, approver, viewer"):
        parse_role("owner")
