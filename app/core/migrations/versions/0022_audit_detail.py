"""audit_log.detail: what an entry adds to its action (the network and handle a post was
published to, the reason it failed)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 09:00:00

The engine now records its own publish and permanent failure in the audit log (issue 23);
one post has a row per network, so the row says which. Nullable: older rows have none. The
table's row-level security (migration 0010) is unchanged.

PostgreSQL: `herald_member_logins(workspace)` lists the login and name of each member of a
workspace the caller belongs to (like 0012's herald_member_names), so a post's history and
notifications say "Ann" rather than her login role's name.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


MEMBER_LOGINS = """
CREATE FUNCTION herald_member_logins(p_workspace integer) RETURNS TABLE (login text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
  SELECT m.login::text, m.name::text FROM members m
  WHERE m.workspace_id = p_workspace AND m.login IS NOT NULL
    AND (p_workspace IN (SELECT o.workspace_id FROM members o WHERE o.login = session_user::text)
         OR NOT EXISTS (SELECT 1 FROM members o WHERE o.login = session_user::text))
  ORDER BY m.name
$$
"""


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("detail", sa.String(length=300), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(MEMBER_LOGINS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS herald_member_logins(integer)")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("detail")
