"""posts.content_version: bumped by every change a person makes to what or when a post sends

A worker remembers the version it loaded with a claimed target's text; its last check before
sending refuses when the post was deleted or the version moved on since (a PostgreSQL edit
that raced the claim), and gives the target back so the new version is sent instead.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "posts",
        sa.Column("content_version", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # Not a batch (copy-and-move) on SQLite: dropping `posts` inside the upgrade's single
    # transaction, with foreign keys on, would cascade-delete every target. SQLite >= 3.35
    # drops a plain column in place.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE posts DROP COLUMN content_version")
    else:
        op.drop_column("posts", "content_version")
