"""approval flow: workspaces.approval_required, posts.approval, post_comments

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-04 16:30:00

Existing workspaces keep approvals off and existing posts are NOT_REQUIRED, so nothing
changes for anyone until a workspace turns approvals on. On PostgreSQL the comments table is
walled like the posts it belongs to (row-level security, as in migration 0010): members read
the comments of their workspaces; admins, editors and approvers add them. The approval
itself is guarded by the database too: a member may not set a post's approval to APPROVED or
CHANGES_REQUESTED directly (trigger herald_guard_approval); those moves go through
herald_set_approval(post, state), a SECURITY DEFINER function that checks the caller's role
in the post's workspace (approvers decide, editors and admins submit) and the current state.
Approvers have no write privilege on posts otherwise (migration 0010's walls).
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


def _members_of(roles: str) -> str:
    # session_user: inside a SECURITY DEFINER function current_user is the owner.
    return (
        "SELECT m.workspace_id FROM members m "
        f"WHERE m.login = session_user::text AND m.role IN ({roles})"
    )


# search_path is fixed to the schema the migration runs in, as a SECURITY DEFINER function's
# must be (no caller-made table can stand in for `posts`).
SET_APPROVAL = f"""
CREATE FUNCTION herald_set_approval(p_post integer, p_to text) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
  WITH changed AS (
    UPDATE posts p SET approval = p_to
    WHERE p.id = p_post AND p.deleted_at IS NULL AND (
      (p_to = 'IN_REVIEW' AND p.approval IN ('DRAFT', 'CHANGES_REQUESTED')
        AND p.workspace_id IN ({_members_of("'ADMIN', 'EDITOR'")}))
      OR (p_to IN ('APPROVED', 'CHANGES_REQUESTED') AND p.approval = 'IN_REVIEW'
        AND p.workspace_id IN ({_members_of("'APPROVER'")}))
    )
    RETURNING 1
  )
  SELECT count(*)::integer FROM changed
$$
"""

# Members see only their own memberships (0010); to resolve @mentions, a member may list the
# names (nothing else) of the people in a workspace they belong to.
MEMBER_NAMES = """
CREATE FUNCTION herald_member_names(p_workspace integer) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
  SELECT m.name::text FROM members m WHERE m.workspace_id = p_workspace
    AND (p_workspace IN (SELECT o.workspace_id FROM members o WHERE o.login = session_user::text)
         OR NOT EXISTS (SELECT 1 FROM members o WHERE o.login = session_user::text))
  ORDER BY m.name
$$
"""

# Runs as the member who writes (they see their own memberships). The owner (administrator,
# workers, herald_set_approval) is no member, so it is not limited.
GUARD = """
CREATE FUNCTION herald_guard_approval() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM members m WHERE m.login = current_user::text) THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.approval = OLD.approval THEN
    RETURN NEW;
  END IF;
  IF NEW.approval IN ('APPROVED', 'CHANGES_REQUESTED') THEN
    RAISE EXCEPTION 'only an approver decides on a post, through herald_set_approval'
      USING ERRCODE = '42501';
  END IF;
  IF NEW.approval = 'NOT_REQUIRED' AND EXISTS (
    SELECT 1 FROM workspaces w WHERE w.id = NEW.workspace_id AND w.approval_required
  ) THEN
    RAISE EXCEPTION 'posts of this workspace need approval' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$$
"""


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
        op.execute(SET_APPROVAL)
        op.execute(GUARD)
        op.execute(MEMBER_NAMES)
        op.execute(
            "CREATE TRIGGER herald_guard_approval BEFORE INSERT OR UPDATE OF approval ON posts "
            "FOR EACH ROW EXECUTE FUNCTION herald_guard_approval()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS herald_guard_approval ON posts")
        op.execute("DROP FUNCTION IF EXISTS herald_guard_approval()")
        op.execute("DROP FUNCTION IF EXISTS herald_member_names(integer)")
        op.execute("DROP FUNCTION IF EXISTS herald_set_approval(integer, text)")
    op.drop_index("ix_post_comments_post", table_name="post_comments")
    op.drop_table("post_comments")  # its policies go with it
    # In place on SQLite (>= 3.35): a batch copy of `posts` would cascade-delete its targets.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE posts DROP COLUMN approval")
        op.execute("ALTER TABLE workspaces DROP COLUMN approval_required")
    else:
        op.drop_column("posts", "approval")
        op.drop_column("workspaces", "approval_required")
