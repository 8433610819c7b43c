"""post_media.alt_text: each image's description for people who cannot see it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 05:20:00

Bluesky sends it with every image (app.bsky.embed.images: `alt` is required, may be empty).
Kept per post and image (the same photo may be described differently in two posts). Existing
rows get NULL: no description, sent as "".
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("post_media") as batch:
        batch.add_column(sa.Column("alt_text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("post_media") as batch:
        batch.drop_column("alt_text")
