"""workspace data keys, wrapped per holder (issue 23)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 08:30:00

`workspace_keys` holds each workspace's data key wrapped once for the vault holder (the
administrator and the workers) and once per member (to their own public key). On PostgreSQL a
member's login reads only its own rows of its own workspaces, and writes none.

Existing secrets (encrypted under the vault key itself) are not touched here: the migration
runs without the vault key. The first time the administrator's Herald unlocks its vault it
re-encrypts them under fresh per-workspace keys, in one transaction
(app.core.workspace_keys.adopt_legacy); until then they stay readable with the vault key.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
# The brief assigns "0020" on top of "0019"; the coordinator re-chains at merge.
down_revision = "0019"
branch_labels = None
depends_on = None

READ = ("ADMIN", "EDITOR", "APPROVER", "VIEWER")


def _mine() -> str:
    listed = ", ".join(f"'{r}'" for r in READ)
    return (
        "SELECT m.workspace_id FROM members m "
        f"WHERE m.login = current_user::text AND m.role IN ({listed})"
    )


def upgrade() -> None:
    op.create_table(
        "workspace_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=63), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=True),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "holder"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE workspace_keys ENABLE ROW LEVEL SECURITY")
        # Read only: no write policy, so even a granted INSERT/UPDATE/DELETE is refused.
        op.execute(
            "CREATE POLICY herald_read ON workspace_keys FOR SELECT USING "
            f"(holder = current_user::text AND workspace_id IN ({_mine()}))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS herald_read ON workspace_keys")
    op.drop_table("workspace_keys")
