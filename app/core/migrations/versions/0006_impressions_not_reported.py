"""analytics_snapshots.impressions may be NULL: "not reported by the platform"

Facebook retired `post_impressions` on 2025-11-15; when a platform refuses the metric a
snapshot stores NULL, so Analytics says "not reported" instead of a 0 that reads as
"nobody saw it". Existing rows keep their numbers.

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-04 15:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("analytics_snapshots") as batch:
        batch.alter_column("impressions", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE analytics_snapshots SET impressions = 0 WHERE impressions IS NULL")
    with op.batch_alter_table("analytics_snapshots") as batch:
        batch.alter_column("impressions", existing_type=sa.Integer(), nullable=False)
