"""Posts that existed before 0004 get content_version 0 (NOT NULL, no rewrite needed)."""

from alembic import command
from sqlalchemy import text

from app.core.db import alembic_config, open_database
from app.core.posts import PostService
from app.core.workspaces import WorkspaceService


def test_0004_gives_existing_posts_version_0_and_downgrades(db, clock):
    ws = WorkspaceService(db, clock).create("Bakery", "UTC").id
    post = PostService(db, clock).create(ws, "before the upgrade", [])
    db.dispose()
    command.downgrade(alembic_config(db.url), "0003")
    again = open_database(db.url, migrate=False)
    try:
        with again.engine.connect() as conn:
            columns = [r[1] for r in conn.execute(text("PRAGMA table_info(posts)"))]
        assert "content_version" not in columns
    finally:
        again.dispose()
    command.upgrade(alembic_config(db.url), "head")
    upgraded = open_database(db.url)
    try:
        with upgraded.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, content_version FROM posts")).all()
        assert rows == [(post.id, 0)]
    finally:
        upgraded.dispose()
