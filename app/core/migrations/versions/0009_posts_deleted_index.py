"""posts: a partial index on the deleted ones, so the analytics claim stays an index scan

The analytics claim first cancels the due metric tasks of deleted posts. Without an index on
`deleted_at` PostgreSQL reads every post to find the few deleted ones: at a million posts that
is a sequential scan of the whole table on every claim (tests/core/test_query_plans.py
EXPLAINs the real statement). A partial index holds only the deleted posts, so it stays tiny.

The other hot queries were checked the same way and already use the existing indexes
((status, next_attempt_at), (status, lease_until), (status, due_at)): partial copies of those
would cost writes on millions of targets and gain nothing the plans show.
Both dialects support partial indexes (SQLite since 3.8).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

DELETED = "deleted_at IS NOT NULL"


def upgrade() -> None:
    condition = sa.text(DELETED)
    op.create_index(
        "ix_posts_deleted", "posts", ["id"], postgresql_where=condition, sqlite_where=condition
    )


def downgrade() -> None:
    op.drop_index("ix_posts_deleted", table_name="posts")
