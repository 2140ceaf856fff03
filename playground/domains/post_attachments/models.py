import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from playground.database import Base, CreatedAtMixin, IdMixin, enum_column
from playground.domains.post_attachments.constants import AttachmentStatus


class PostAttachment(IdMixin, CreatedAtMixin, Base):
    """A file on S3 that belongs to a post; its bytes never pass through the app."""

    # Grouped with ``post`` by its prefix.
    __tablename__ = "post_attachment"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    post_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    object_key: Mapped[str] = mapped_column(String(512), unique=True)
    status: Mapped[AttachmentStatus] = mapped_column(
        enum_column(AttachmentStatus, length=16), default=AttachmentStatus.PENDING
    )
    uploaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
