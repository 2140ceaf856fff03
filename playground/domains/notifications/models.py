import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from playground.auth import models as auth_models  # noqa: F401 - registers auth_user (user_id)
from playground.database import Base, CreatedAtMixin, IdMixin, enum_column
from playground.domains.notifications.constants import EmailStatus


class NotificationEmail(IdMixin, CreatedAtMixin, Base):
    """The outbox: one row per email, written by a background task."""

    __tablename__ = "notification_email"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("auth_user.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[EmailStatus] = mapped_column(
        enum_column(EmailStatus, length=16), default=EmailStatus.QUEUED
    )
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
