"""notification_email_redelivery

Revision ID: 3719d955057e
Revises: 82d0d717ea89
Create Date: 2026-12-06 10:38:17+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3719d955057e"
down_revision: str | None = "82d0d717ea89"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _table_with_new_columns() -> sa.Table:
    """The table between the two steps, as SQLite's batch mode copies it: given, not
    reflected, so that ``alembic upgrade --sql`` can write the script too."""
    return sa.Table(
        "notification_email",
        sa.MetaData(),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["auth_user.id"],
            name="notification_email_user_id_fkey",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="notification_email_pkey"),
        sa.Index("notification_email_user_id_idx", "user_id"),
    )


def upgrade() -> None:
    with op.batch_alter_table("notification_email", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    # rows written before: last changed when they were made (or, if sent, when they were sent)
    op.execute("UPDATE notification_email SET updated_at = COALESCE(sent_at, created_at)")
    with op.batch_alter_table(
        "notification_email", schema=None, copy_from=_table_with_new_columns()
    ) as batch_op:
        batch_op.alter_column(
            "updated_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_index(
            "notification_email_status_idx", ["status", "updated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notification_email", schema=None) as batch_op:
        batch_op.drop_index("notification_email_status_idx")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("request_id")
