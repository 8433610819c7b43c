"""approval flow: workspaces.approval_required, posts.approval, post_comments

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-04 16:30:00

Existing workspaces keep approvals off and existing posts are NOT_REQUIRED, so nothing
changes for anyone until a workspace turns approvals on. On PostgreSQL the comments table is
walled like the posts it belongs to (row-level security, as in migration 0010): members read
the comments of their workspaces; admins, editors and approvers add them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
# The brief assigns "0010"; the coordinator re-chains at merge.
down_revision = "0010"
branch_labels = None
depends_on = None

STATES = ("NOT_REQUIRED", "DRAFT", "IN_REVIEW", "CHANGES_REQUESTED", "APPROVED")


def _mine(roles: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{r}'" for r in roles)
    return (
        "workspace_id IN (SELECT m.workspace_id FROM members m "
        f"WHERE m.login = current_user::text AND m.role IN ({listed}))"
    )


def upgrade() -> None:
    op.add_column(
        "workspaces",
        sa.Column("approval_required", sa.Boolean(), nullable=False, server_default="0"),
    )
    op.add_column(
        "posts",
        sa.Column(
            "approval",
            sa.Enum(*STATES, name="approval_state", native_enum=False, length=24),
            nullable=False,
            server_default="NOT_REQUIRED",
        ),
    )
    op.create_table(
        "post_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_post_comments_post", "post_comments", ["post_id", "at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE post_comments ENABLE ROW LEVEL SECURITY")
        read = _mine(("ADMIN", "EDITOR", "APPROVER", "VIEWER"))
        write = _mine(("ADMIN", "EDITOR", "APPROVER"))
        op.execute(f"CREATE POLICY herald_read ON post_comments FOR SELECT USING ({read})")
        op.execute(f"CREATE POLICY herald_append ON post_comments FOR INSERT WITH CHECK ({write})")


def downgrade() -> None:
    op.drop_index("ix_post_comments_post", table_name="post_comments")
    op.drop_table("post_comments")  # its policies go with it
    # In place on SQLite (>= 3.35): a batch copy of `posts` would cascade-delete its targets.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE posts DROP COLUMN approval")
        op.execute("ALTER TABLE workspaces DROP COLUMN approval_required")
    else:
        op.drop_column("posts", "approval")
        op.drop_column("workspaces", "approval_required")
