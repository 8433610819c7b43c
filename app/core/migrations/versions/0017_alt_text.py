"""alt text: post_media.alt_text (an image's description in one post; order is `position`),
workspaces.require_alt_text (refuse scheduling an image without alt text)

Revision ID: 0017
Revises: 0012
Create Date: 2026-12-05 05:10:00

Existing rows get no alt text and workspaces keep the requirement off, so nothing that was
schedulable stops being so. Both tables are already walled on PostgreSQL (migrations 0010,
0012); new columns inherit their policies and privileges.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
# The brief assigns "0012"; the coordinator re-chains at merge.
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("post_media", sa.Column("alt_text", sa.Text(), nullable=True))
    op.add_column(
        "workspaces",
        sa.Column("require_alt_text", sa.Boolean(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # In place on SQLite (>= 3.35): a batch copy would cascade-delete dependent rows.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE workspaces DROP COLUMN require_alt_text")
        op.execute("ALTER TABLE post_media DROP COLUMN alt_text")
    else:
        op.drop_column("workspaces", "require_alt_text")
        op.drop_column("post_media", "alt_text")
