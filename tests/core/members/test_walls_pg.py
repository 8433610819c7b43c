"""Issue 23's walls on the real PostgreSQL: a member connecting with the URL `members add`
printed sees only their workspaces' rows in every table, a viewer cannot write, and
`members remove` cuts an open session off at its next query."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from app.cli import main
from app.core import models as m
from app.core.audit import AuditService
from app.core.chain_models import TargetPart
from app.core.containers import PublishContainer
from app.core.db import Database, open_database
from app.core.ideas_tables import IdeaCard, IdeaColumn, Label, PostLabel
from app.core.members import logins
from app.core.posts import PostService
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.integration.pg import pg_schema_url

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
#: no workspace data in them: settings are the app's, alembic_version the schema's
NOT_WALLED = {"settings", "alembic_version"}
#: rows the owner sees when not one per workspace: each workspace's data key is wrapped for
#: the vault and for its member (Ann in A, Bea in B); Ann reads only her own row
OWNER_ROWS = {"workspace_keys": 4}


def _seed(db: Database, name: str) -> int:
    """One row of the workspace in every table that holds workspace data."""
    ws = WorkspaceService(db).create(name, "UTC")
    with db.session() as s:
        account = m.Account(
            workspace_id=ws.id,
            platform=Platform.TWITTER,
            handle=f"@{name}",
            external_id=name,
            created_at=NOW,
        )
        post = m.Post(
            workspace_id=ws.id,
            scheduled_tz="UTC",
            status=m.PostStatus.SCHEDULED,
            created_at=NOW,
            updated_at=NOW,
        )
        media = m.Media(
            workspace_id=ws.id,
            path=f"/x/{name}.png",
            original_name="a.png",
            sha256=name * 8,
            mime="image/png",
            bytes=1,
            created_at=NOW,
        )
        s.add_all([account, post, media])
        s.flush()
        target = m.Target(
            post_id=post.id, account_id=account.id, status=m.TargetStatus.QUEUED, updated_at=NOW
        )
        queue = m.AccountQueue(account_id=account.id, updated_at=NOW)
        label = Label(workspace_id=ws.id, name="Seasonal", colour="#16a34a")
        column = IdeaColumn(workspace_id=ws.id, name="Ideas", position=0)
        s.add_all([target, queue, label, column, m.PostMedia(post_id=post.id, media_id=media.id)])
        s.flush()
        # the ideas board and labels (issue 22), walled through their workspace or post
        s.add_all(
            [
                PostLabel(post_id=post.id, label_id=label.id),
                IdeaCard(post_id=post.id, column_id=column.id, position=0),
            ]
        )
        s.add_all(
            [
                m.QueueSlot(account_id=account.id, weekday=0, minute=600),
                m.QueuedPost(post_id=post.id, workspace_id=ws.id, position=0, added_at=NOW),
                m.AnalyticsSnapshot(
                    target_id=target.id, checkpoint=m.Checkpoint.H1, fetched_at=NOW
                ),
                TargetPart(  # a chain's part 2 (issue 19), walled via its target
                    target_id=target.id,
                    kind="part",
                    position=2,
                    text="2/2",
                    status=m.TargetStatus.QUEUED,
                    attempts=0,
                    updated_at=NOW,
                ),
                PublishContainer(  # a media container made, not yet published (0021)
                    idempotency_key=f"key-{name}",
                    target_id=target.id,
                    platform="THREADS",
                    container_id="17890000000000001",
                    created_at=NOW,
                ),
                m.MetricTask(
                    target_id=target.id,
                    checkpoint=m.Checkpoint.H6,
                    due_at=NOW,
                    status=list(m.TaskStatus)[0],
                ),
                m.RateLimitBudget(
                    account_id=account.id,
                    scope="publish",
                    limit=10,
                    remaining=9,
                    window_s=60,
                    reset_at=NOW,
                    updated_at=NOW,
                ),
                m.RecommendationCache(
                    workspace_id=ws.id, platform=Platform.TWITTER, computed_at=NOW, payload={}
                ),
                m.AuditEntry(
                    workspace_id=ws.id,
                    at=NOW,
                    who="herald",
                    action="create",
                    object_kind="post",
                    object_id=post.id,
                ),
                m.PostComment(
                    workspace_id=ws.id, post_id=post.id, author="herald", body="hi", at=NOW
                ),
                m.Setting(key=f"k{name}", value=1),
            ]
        )
        s.commit()
        return post.id


def _add(url: str, capsys: pytest.CaptureFixture[str], ws: str, name: str, role: str) -> str:
    assert (
        main(["members", "add", "--workspace", ws, "--name", name, "--role", role, "--db", url])
        == 0
    )
    printed = capsys.readouterr().out
    found = re.search(r"^postgresql\S+$", printed, re.M)
    assert found, printed
    return found.group(0)


@pytest.fixture
def pg():
    for url in pg_schema_url():
        db = open_database(url)
        try:
            yield url, db
        finally:
            # Roles are cluster-wide: drop the ones this test made before its schema goes.
            with db.session() as s:
                left = set(s.scalars(select(m.Member.login).where(m.Member.login.is_not(None))))
                for login in left:
                    logins.drop_login(s, login)
                s.commit()
            db.dispose()


def _rows(engine, table: str) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.scalar(text(f'SELECT count(*) FROM "{table}"')))


def test_a_member_of_a_sees_no_row_of_b_in_any_table(pg, capsys):
    url, db = pg
    _seed(db, "A")
    _seed(db, "B")
    ann_url = _add(url, capsys, "A", "Ann", "editor")
    _add(url, capsys, "B", "Bea", "admin")
    ann = create_engine(ann_url)
    try:
        tables = set(inspect(db.engine).get_table_names()) - NOT_WALLED
        assert {"posts", "targets", "accounts", "media", "queued_posts", "audit_log"} <= tables
        with db.engine.connect() as conn:
            walled = set(
                conn.scalars(
                    text(
                        "SELECT relname FROM pg_class WHERE relrowsecurity "
                        "AND relnamespace = current_schema()::regnamespace"
                    )
                )
            )
        for table in sorted(tables):
            # A new table with workspace data needs its wall (a policy like migration 0010's)
            # and a row per workspace in _seed.
            assert table in walled, f"{table} has no row-level security"
            # the owner sees both workspaces (members: Ann's and Bea's); Ann only A's
            owner_rows = OWNER_ROWS.get(table, 2)
            assert _rows(db.engine, table) == owner_rows, (
                f"_seed puts no row of each workspace in {table}"
            )
            assert _rows(ann, table) == 1, table
        with ann.connect() as conn:
            assert conn.scalar(select(m.Workspace.name)) == "A"
            assert (
                conn.scalar(
                    select(func.count())
                    .select_from(m.Post)
                    .where(
                        m.Post.workspace_id
                        != select(m.Workspace.id).where(m.Workspace.name == "A").scalar_subquery()
                    )
                )
                == 0
            )
    finally:
        ann.dispose()


def test_an_editor_writes_only_their_workspace_and_a_viewer_not_at_all(pg, capsys):
    url, db = pg
    a_post = _seed(db, "A")
    b_post = _seed(db, "B")
    ann = create_engine(_add(url, capsys, "A", "Ann", "editor"))
    vic = create_engine(_add(url, capsys, "A", "Vic", "viewer"))
    try:
        with ann.begin() as conn:
            done = conn.execute(update(m.Post).where(m.Post.id == a_post).values(base_text="hi"))
            assert done.rowcount == 1
            wall = conn.execute(update(m.Post).where(m.Post.id == b_post).values(base_text="x"))
            assert wall.rowcount == 0
        with vic.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(m.Post)) == 1
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(update(m.Post).where(m.Post.id == a_post).values(base_text="v"))
        with db.session() as s:
            assert s.get(m.Post, a_post).base_text == "hi"
            assert s.get(m.Post, b_post).base_text == ""
    finally:
        ann.dispose()
        vic.dispose()


def test_members_remove_cuts_an_open_session_at_its_next_query(pg, capsys):
    url, db = pg
    _seed(db, "A")
    ann_url = _add(url, capsys, "A", "Ann", "viewer")
    ann = create_engine(ann_url)
    try:
        conn = ann.connect()
        assert conn.scalar(select(func.count()).select_from(m.Post)) == 1
        conn.commit()
        assert main(["members", "remove", "--workspace", "A", "--name", "Ann", "--db", url]) == 0
        assert capsys.readouterr().out == "removed Ann from A\n"
        with pytest.raises(DBAPIError):
            conn.execute(select(func.count()).select_from(m.Post))
        conn.close()
        with pytest.raises(DBAPIError):
            create_engine(ann_url).connect()
        assert main(["members", "list", "--db", url]) == 0
        assert "Ann" not in capsys.readouterr().out
    finally:
        ann.dispose()


def test_a_member_runs_herald_as_themselves_and_the_audit_log_names_them(pg, capsys):
    url, db = pg
    _seed(db, "A")
    _seed(db, "B")
    ann_url = _add(url, capsys, "A", "Ann", "editor")
    ann_db = open_database(ann_url)  # at head: reads the schema version only
    try:
        with ann_db.session() as s:
            ws_a = s.scalar(select(m.Workspace.id))
            account = s.scalar(select(m.Account.id))
        post = PostService(ann_db).create(ws_a, "from Ann", [account]).id
        login = ann_db.engine.url.username
        assert login is not None and login.startswith("herald_ann_")
        entries = AuditService(ann_db).entries()
        # Ann sees A's seeded entry and her own, never B's
        assert [(e.who, e.action, e.object_id) for e in entries][-1] == (login, "create", post)
        assert {e.workspace for e in entries} == {"A"}
    finally:
        ann_db.dispose()


def test_leaving_one_workspace_ends_sessions_and_narrows_what_remains(pg, capsys):
    url, db = pg
    a_post = _seed(db, "A")
    b_post = _seed(db, "B")
    ann_url = _add(url, capsys, "A", "Ann", "editor")
    assert main(["members", "add", "--workspace", "B", "--name", "Ann", "--role", "viewer",
                 "--db", url]) == 0  # fmt: skip
    assert "keeps their existing connection URL" in capsys.readouterr().out
    ann = create_engine(ann_url)
    try:
        conn = ann.connect()
        assert conn.scalar(select(func.count()).select_from(m.Post)) == 2
        conn.commit()
        assert main(["members", "remove", "--workspace", "A", "--name", "Ann", "--db", url]) == 0
        with pytest.raises(DBAPIError):
            conn.execute(select(func.count()).select_from(m.Post))
        conn.close()
        ann.dispose()
        with ann.connect() as conn:  # her login stays for B, now read-only
            assert list(conn.scalars(select(m.Post.id))) == [b_post]
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(update(m.Post).where(m.Post.id == a_post).values(base_text="x"))
    finally:
        ann.dispose()


def test_a_role_without_createrole_gets_one_line(pg, capsys):
    url, db = pg
    _seed(db, "A")
    ann_url = _add(url, capsys, "A", "Ann", "admin")
    assert main(["members", "add", "--workspace", "A", "--name", "Bob", "--role", "viewer",
                 "--db", ann_url]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert err.startswith("herald members: PostgreSQL refused: permission denied")
    assert "needs CREATEROLE" in err and len(err.splitlines()) == 1
    with db.session() as s:
        assert s.scalars(select(m.Member.name)).all() == ["Ann"]
