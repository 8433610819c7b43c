"""audit_log.detail: what an entry adds to its action (the network and handle a post was
published to, the reason it failed)

Revision ID: 0022
Revises: 0019
Create Date: 2026-12-05 09:00:00

The engine now records its own publish and permanent failure in the audit log (issue 23);
one post has a row per network, so the row says which. Nullable: older rows have none. The
table's row-level security (migration 0010) is unchanged.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
# The brief assigns "0022" on top of "0019"; the coordinator re-chains at merge.
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("detail", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("detail")
