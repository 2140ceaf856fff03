"""Tokens and password hashing: pure functions, no database."""

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from functools import cached_property
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


class PasswordHasher:
    """Argon2 hashing. Every method is CPU work: call it in the thread pool, not on the loop."""

    def __init__(self, config: AuthConfig) -> None:
        self._argon2 = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=config.PASSWORD_HASH_TIME_COST,
                    memory_cost=config.PASSWORD_HASH_MEMORY_KIB,
                ),
            )
        )

    @cached_property
    def dummy_hash(self) -> str:
        """A hash of a random password, made once: what an unknown username is checked against."""
        return self._argon2.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password: str, password_hash: str | None) -> bool:
        """Check a password; with no hash (no such user) check the dummy one and say no.

        Both ways run one Argon2 verification, so the answer's timing does not tell whether
        the username exists.
        """
        if password_hash is None:
            self._argon2.verify(password, self.dummy_hash)
            return False
        return self._argon2.verify(password, password_hash)
