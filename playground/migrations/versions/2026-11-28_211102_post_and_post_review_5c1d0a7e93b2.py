"""post and post_review

Revision ID: 5c1d0a7e93b2
Revises: eb4972602890
Create Date: 2026-11-28 21:11:02+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1d0a7e93b2"
down_revision: str | None = "eb4972602890"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "post",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["auth_user.id"], name=op.f("post_author_id_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("post_pkey")),
    )
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("post_author_id_idx"), ["author_id"], unique=False)

    op.create_table(
        "post_review",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=2000), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("post_review_rating_range_check")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["auth_user.id"],
            name=op.f("post_review_author_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("post_review_post_id_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("post_review_pkey")),
        sa.UniqueConstraint("post_id", "author_id", name=op.f("post_review_post_id_author_id_key")),
    )
    with op.batch_alter_table("post_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("post_review_author_id_idx"), ["author_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("post_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("post_review_author_id_idx"))
    op.drop_table("post_review")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("post_author_id_idx"))
    op.drop_table("post")
