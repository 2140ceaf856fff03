import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from playground.auth import models as auth_models  # noqa: F401 - registers auth_user (user_id)
from playground.database import Base, IdMixin, TimestampMixin, enum_column
from playground.domains.notifications.constants import EmailStatus


class NotificationEmail(IdMixin, TimestampMixin, Base):
    """The outbox: one row per email, written by a background task or by the request.

    ``updated_at`` moves with every change of status: a row still ``queued`` or ``sending``
    long after it last moved was lost on its way (a worker killed, a queue emptied) and is put
    on the queue again.
    """

    __tablename__ = "notification_email"
    __table_args__ = (Index("notification_email_status_idx", "status", "updated_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("auth_user.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[EmailStatus] = mapped_column(
        enum_column(EmailStatus, length=16), default=EmailStatus.QUEUED
    )
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The request that queued it (queue delivery): the worker's log lines for it carry it too.
    request_id: Mapped[str | None] = mapped_column(String(64))
