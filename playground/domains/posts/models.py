import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from playground.database import Base, CreatedAtMixin, IdMixin, TimestampMixin
from playground.domains.posts.constants import MAX_RATING, MIN_RATING


class Post(IdMixin, TimestampMixin, Base):
    __tablename__ = "post"

    author_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("auth_user.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)


class PostReview(IdMixin, CreatedAtMixin, Base):
    # Grouped with ``post`` by its prefix.
    __tablename__ = "post_review"
    __table_args__ = (
        UniqueConstraint("post_id", "author_id"),
        CheckConstraint(f"rating BETWEEN {MIN_RATING} AND {MAX_RATING}", name="rating_range"),
    )

    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("auth_user.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(String(2000), default="", server_default="")
