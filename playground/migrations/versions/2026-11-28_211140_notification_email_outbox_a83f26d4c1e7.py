"""notification_email outbox

Revision ID: a83f26d4c1e7
Revises: 5c1d0a7e93b2
Create Date: 2026-11-28 21:11:40+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a83f26d4c1e7"
down_revision: str | None = "5c1d0a7e93b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_email",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["auth_user.id"],
            name=op.f("notification_email_user_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("notification_email_pkey")),
    )
    with op.batch_alter_table("notification_email", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("notification_email_user_id_idx"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notification_email", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("notification_email_user_id_idx"))
    op.drop_table("notification_email")
