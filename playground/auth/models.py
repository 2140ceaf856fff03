from sqlalchemy import CheckConstraint, String, true
from sqlalchemy.orm import Mapped, mapped_column

from playground.auth.constants import MusicBand
from playground.database import Base, CreatedAtMixin, IdMixin, enum_column


class AuthUser(IdMixin, CreatedAtMixin, Base):
    # Not ``user``: a reserved word in PostgreSQL. Grouped under the ``auth_`` prefix.
    __tablename__ = "auth_user"
    __table_args__ = (CheckConstraint("age >= 18", name="age_adult"),)

    username: Mapped[str] = mapped_column(String(32), unique=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(128))
    age: Mapped[int | None]
    favorite_band: Mapped[MusicBand | None] = mapped_column(enum_column(MusicBand, length=16))
    website: Mapped[str | None] = mapped_column(String(2048))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
