"""Tokens and password hashing: pure functions, no database."""

import asyncio
import secrets
import uuid
import weakref
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import anyio.to_thread
import jwt
from anyio import CapacityLimiter
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
    """Argon2 hashing. The sync methods are CPU work for a thread; the ``a``-methods run them
    in the thread pool, at most ``PASSWORD_HASH_CONCURRENCY`` at once (each takes
    ``PASSWORD_HASH_MEMORY_KIB``: 64 logins at once would otherwise take 64 times that)."""

    def __init__(self, config: AuthConfig) -> None:
        self._concurrency = config.PASSWORD_HASH_CONCURRENCY
        # One limiter per event loop (an app may serve from several, one after another).
        self._limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
            weakref.WeakKeyDictionary()
        )
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

    def _limiter(self) -> CapacityLimiter:
        loop = asyncio.get_running_loop()
        limiter = self._limiters.get(loop)
        if limiter is None:
            limiter = self._limiters[loop] = CapacityLimiter(self._concurrency)
        return limiter

    async def ahash(self, password: str) -> str:
        """``hash`` in the thread pool, bounded."""
        return await anyio.to_thread.run_sync(self.hash, password, limiter=self._limiter())

    async def averify(self, password: str, password_hash: str | None) -> bool:
        """``verify`` in the thread pool, bounded."""
        return await anyio.to_thread.run_sync(
            self.verify, password, password_hash, limiter=self._limiter()
        )
