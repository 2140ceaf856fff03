"""post_attachment

Revision ID: 82d0d717ea89
Revises: a83f26d4c1e7
Create Date: 2026-12-02 02:45:32+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "82d0d717ea89"
down_revision: str | None = "a83f26d4c1e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "post_attachment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("object_key", sa.String(length=512), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("post_attachment_size_positive_check")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("post_attachment_post_id_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("post_attachment_pkey")),
        sa.UniqueConstraint("object_key", name=op.f("post_attachment_object_key_key")),
    )
    with op.batch_alter_table("post_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("post_attachment_post_id_idx"), ["post_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("post_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("post_attachment_post_id_idx"))

    op.drop_table("post_attachment")
