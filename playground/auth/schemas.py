import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import EmailStr, Field, HttpUrl, SecretStr, StringConstraints, field_validator

from playground.auth.constants import MusicBand
from playground.models import CustomModel, Text

Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        min_length=3,
        max_length=32,
        pattern=r"^[A-Za-z0-9_-]+$",
    ),
]


class UserCreate(CustomModel):
    username: Username = Field(examples=["ada_lovelace"])
    email: EmailStr = Field(max_length=320)
    password: SecretStr = Field(min_length=8, max_length=128)
    first_name: Text = Field(min_length=1, max_length=128)
    # ``None`` means "not given" and is accepted as an explicit null; a given age must be
    # adult. A default is never validated, so ``int = Field(ge=18, default=None)`` would say
    # ``int`` and still hold ``None``.
    age: int | None = Field(default=None, ge=18, le=150)
    favorite_band: MusicBand | None = None
    # A link shown on a profile: http(s) only (``AnyUrl`` would take ``javascript:``).
    website: HttpUrl | None = Field(default=None, max_length=2048)

    @field_validator("email")
    @classmethod
    def lower_email(cls, value: str) -> str:
        # One account per mailbox, whatever the case, on every database.
        return value.lower()

    @field_validator("password")
    @classmethod
    def encodable_password(cls, value: SecretStr) -> SecretStr:
        # Unlike a constrained ``str``, ``SecretStr`` lets a lone surrogate (JSON ``"\ud800"``)
        # through, and Argon2 hashes UTF-8 bytes: refuse it here (422), not in the hasher (500).
        try:
            value.get_secret_value().encode()
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
        return value


class LoginForm(CustomModel):
    """OAuth2's password grant (the fields of FastAPI's ``OAuth2PasswordRequestForm``)."""

    grant_type: str | None = Field(default=None, pattern="^password$")
    username: Text
    password: str = Field(json_schema_extra={"format": "password"})
    scope: str = ""
    client_id: str | None = None
    client_secret: str | None = Field(default=None, json_schema_extra={"format": "password"})


class UserResponse(CustomModel):
    id: uuid.UUID
    username: str
    email: str
    first_name: str
    age: int | None
    favorite_band: MusicBand | None
    website: str | None
    is_active: bool
    created_at: datetime


class TokenResponse(CustomModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"


class JWTData(CustomModel):
    """Who the verified token speaks for, loaded with one query."""

    user_id: uuid.UUID
    username: str
    is_active: bool
