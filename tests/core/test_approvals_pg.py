"""The approval flow on the real PostgreSQL, each person connecting with the URL `members
add` printed: the database itself keeps decisions to approvers (an editor cannot approve
their own post even with raw SQL), and approvers decide without any write on posts."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import DBAPIError

from app.core import models as m
from app.core.approvals import ApprovalError, ApprovalService
from app.core.audit import AuditService
from app.core.db import open_database
from tests.core.members.test_walls_pg import _add, _seed, pg  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres


def test_only_an_approver_decides_and_the_database_enforces_it(pg, capsys):  # noqa: F811
    url, db = pg
    post = _seed(db, "A")
    ApprovalService(db).set_required(_ws(db), True)  # the administrator (table owner)
    ann_url = _add(url, capsys, "A", "Ann", "editor")
    bob_url = _add(url, capsys, "A", "Bob", "approver")
    ann_db, bob_db = open_database(ann_url), open_database(bob_url)
    raw = create_engine(ann_url)
    try:
        ann, bob = ApprovalService(ann_db), ApprovalService(bob_db)
        ann.submit(post)
        with pytest.raises(ApprovalError, match="an editor here and can't approve"):
            ann.approve(post)
        with raw.connect() as conn:  # around the app: the database says no
            with pytest.raises(DBAPIError, match="only an approver decides"):
                conn.execute(update(m.Post).where(m.Post.id == post).values(approval="APPROVED"))
            conn.rollback()
            sql = text("SELECT herald_set_approval(:p, 'APPROVED')")
            assert conn.scalar(sql, {"p": post}) == 0
            conn.rollback()
        bob.request_changes(post, "Say 11, not 10, @Ann")
        ann.submit(post)
        assert bob.approve(post).state == m.ApprovalState.APPROVED
        with bob_db.session() as s:  # still no write on posts for an approver
            wall = s.execute(update(m.Post).where(m.Post.id == post).values(base_text="x"))
            assert wall.rowcount == 0
            s.rollback()
        assert [(c.body, c.mentions) for c in ann.comments(post)][1:] == [
            ("Say 11, not 10, @Ann", ("Ann",))  # the first is _seed's
        ]
        logins = {ann_db.engine.url.username: "Ann", bob_db.engine.url.username: "Bob"}
        steps = [
            (logins.get(e.who, e.who), e.action)
            for e in AuditService(db).entries("A")
            if e.action in ("submit", "approve", "request_changes", "comment")
        ]
        assert steps == [
            ("Ann", "submit"),
            ("Bob", "request_changes"),
            ("Bob", "comment"),
            ("Ann", "submit"),
            ("Bob", "approve"),
        ]
    finally:
        raw.dispose()
        ann_db.dispose()
        bob_db.dispose()


def _ws(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return int(s.scalar(select(m.Workspace.id).where(m.Workspace.name == "A")))
