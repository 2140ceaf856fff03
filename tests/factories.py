"""Data a test is not about, written straight into the database: no HTTP, no Argon2 per user.

Tests about registration, login or ``pg.user`` itself go through the API instead.
"""

import functools
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import course
from playground.auth.config import AuthConfig
from playground.auth.models import AuthUser
from playground.auth.utils import PasswordHasher, create_access_token
from playground.domains.profiles.models import Profile

# As ``dict[str, Any]``: mypy checks ``**`` of a ``dict[str, int]`` against every field's type.
FAST_HASHING: dict[str, Any] = course.FAST_HASHING


@functools.cache
def password_hash() -> str:
    """``course.DEFAULT_PASSWORD`` hashed once per process, at the course's Argon2 cost."""
    config = AuthConfig(_env_file=None, **FAST_HASHING)
    return PasswordHasher(config).hash(course.DEFAULT_PASSWORD)


async def create_user(
    pg: course.Playground, username: str, *, creator: bool = False
) -> course.User:
    """A user and their profile, as registration makes them, with a token; what ``pg.user`` returns.

    The user can also log in over HTTP with ``course.DEFAULT_PASSWORD``.
    """
    user_id, profile_id = uuid.uuid4(), uuid.uuid4()
    user = AuthUser(
        id=user_id,
        username=username,
        email=f"{username}@example.com",
        password_hash=password_hash(),
        first_name=username.capitalize(),
    )
    profile = Profile(id=profile_id, user_id=user_id, display_name=username, is_creator=creator)
    async with AsyncSession(pg.engine) as session, session.begin():
        session.add_all([user, profile])  # flushed in foreign-key order: the user first
    token = create_access_token(user_id=user_id, config=pg.auth_config)
    return course.User(id=user_id, username=username, profile_id=profile_id, token=token)
