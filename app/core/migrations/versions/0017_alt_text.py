"""alt text required: workspaces.require_alt_text (refuse scheduling an image without alt text;
each image's alt text itself, post_media.alt_text, came with 0013)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 05:10:00

Workspaces keep the requirement off, so nothing that was schedulable stops being so. The table
is already walled on PostgreSQL (migration 0010); a new column inherits its policies and
privileges.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "workspaces",
        sa.Column("require_alt_text", sa.Boolean(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # In place on SQLite (>= 3.35): a batch copy would cascade-delete dependent rows.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE workspaces DROP COLUMN require_alt_text")
    else:
        op.drop_column("workspaces", "require_alt_text")
