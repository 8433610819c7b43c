"""Issue 23's history, engine entries and notifications on the real PostgreSQL, each person
connecting with the URL `members add` printed: the walls keep another workspace's history
and news away; the worker (the table owner) records its publish and failure."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import func, select

from app.core import models as m
from app.core.approvals import ApprovalService
from app.core.db import open_database
from app.core.engine import audit_trail
from app.core.history import HistoryError, HistoryService
from app.core.notifications import MemoryMarks, NotificationService
from app.core.posts import PostService
from tests.core.members.test_walls_pg import _add, _seed, pg  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres


def test_history_engine_entries_and_notifications_behind_the_walls(pg, capsys):  # noqa: F811
    url, db = pg
    _seed(db, "A")
    _seed(db, "B")
    with db.session() as s:
        ws = int(s.scalar(select(m.Workspace.id).where(m.Workspace.name == "A")))
        account = int(s.scalar(select(m.Account.id).where(m.Account.workspace_id == ws)))
    ApprovalService(db).set_required(ws, True)
    urls = {
        "Ann": _add(url, capsys, "A", "Ann", "editor"),
        "Bob": _add(url, capsys, "A", "Bob", "approver"),
        "Bea": _add(url, capsys, "B", "Bea", "admin"),
    }
    dbs = {name: open_database(u) for name, u in urls.items()}
    marks = MemoryMarks()

    def news(name: str) -> list[tuple[str, str]]:
        found = NotificationService(dbs[name], marks).new_for_me()
        return [(n.kind, n.workspace, n.actor) for n in found]

    try:
        for name in dbs:
            assert news(name) == []  # marks set
        post = PostService(dbs["Ann"]).create(ws, "Opening at 10", [account]).id
        ApprovalService(dbs["Ann"]).submit(post)
        assert news("Bob") == [("review", "A", "Ann")]
        assert news("Bea") == [] and news("Ann") == []
        ApprovalService(dbs["Bob"]).request_changes(post, "11, @Ann")
        assert news("Ann") == [("changes", "A", "Bob")]

        with db.write_session() as s:  # the worker: the owner role, outside the walls
            target = s.scalar(select(m.Target.id).where(m.Target.post_id == post))
            at = s.scalar(select(func.now()))  # the database's clock, as the engine's
            audit_trail.record(s, audit_trail.FAIL, [target], at, {target: "no"})
            s.commit()
        worker = f"Herald worker on {socket.gethostname()} ({db.engine.url.username})"
        assert news("Ann") == [("failed", "A", worker)]
        assert news("Bob") == []

        history = HistoryService(dbs["Ann"]).post_history(post)
        assert [(h.who, h.action) for h in history] == [  # names, not login roles
            (worker, "fail"),
            ("Bob", "comment"),
            ("Bob", "request_changes"),
            ("Ann", "submit"),
            ("Ann", "create"),
        ]
        with pytest.raises(HistoryError):  # B's admin cannot see A's post at all
            HistoryService(dbs["Bea"]).post_history(post)
    finally:
        for d in dbs.values():
            d.dispose()
