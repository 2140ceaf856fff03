"""Tokens and password hashing: pure functions, no database."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from playground.auth.config import AuthConfig


def create_access_token(
    *, user_id: uuid.UUID, config: AuthConfig, now: datetime | None = None
) -> str:
    """A signed JWT with ``sub``, ``iat`` and ``exp``."""
    issued_at = now or datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "iat": issued_at,
        "exp": issued_at + timedelta(minutes=config.JWT_EXPIRE_MINUTES),
    }
    return jwt.encode(claims, config.JWT_SECRET.get_secret_value(), algorithm=config.JWT_ALGORITHM)


def decode_access_token(token: str, *, config: AuthConfig) -> dict[str, Any]:
    """Verify signature and expiry with the one pinned algorithm; raises ``jwt.PyJWTError``."""
    return jwt.decode(
        token,
        config.JWT_SECRET.get_secret_value(),
        algorithms=[config.JWT_ALGORITHM],
        options={"require": ["sub", "exp", "iat"]},
    )


def password_hasher(config: AuthConfig) -> PasswordHash:
    return PasswordHash(
        (
            Argon2Hasher(
                time_cost=config.PASSWORD_HASH_TIME_COST,
                memory_cost=config.PASSWORD_HASH_MEMORY_KIB,
            ),
        )
    )
