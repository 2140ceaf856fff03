import uuid

from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from playground.auth import exceptions
from playground.auth.models import AuthUser
from playground.auth.schemas import JWTData, UserCreate
from playground.database import violated_constraint
from playground.domains.profiles import models as profiles_models
from playground.domains.profiles import service as profiles_service

# Verified against when the username is unknown, so that both failures take the same time.
_DUMMY_PASSWORD = "not-a-real-password"


async def create(*, session: AsyncSession, data: UserCreate, hasher: PasswordHash) -> AuthUser:
    """Register a user and their profile; the unique constraints decide races."""
    # Argon2 is CPU work that releases the GIL: off the event loop, into the thread pool.
    password_hash = await run_in_threadpool(hasher.hash, data.password.get_secret_value())
    user = AuthUser(
        username=data.username,
        email=str(data.email),
        password_hash=password_hash,
        first_name=data.first_name,
        age=data.age,
        favorite_band=data.favorite_band,
        website=str(data.website) if data.website else None,
    )
    session.add(user)
    try:
        await session.flush()
        await profiles_service.create_for_user(
            session=session, user_id=user.id, display_name=user.username
        )
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        constraint = violated_constraint(exc)
        if constraint == "auth_user_username_key":
            raise exceptions.UsernameTaken() from None
        if constraint == "auth_user_email_key":
            raise exceptions.EmailTaken() from None
        raise
    return user


async def get_by_id(*, session: AsyncSession, user_id: uuid.UUID) -> AuthUser | None:
    """The user with this id, or ``None``."""
    return await session.get(AuthUser, user_id)


async def authenticate(
    *, session: AsyncSession, username: str, password: str, hasher: PasswordHash
) -> AuthUser:
    """The user whose password matches; the same error for an unknown user and a bad password."""
    # Normalised as on registration (stripped, lower-cased).
    username = username.strip().lower()
    user = await session.scalar(select(AuthUser).where(AuthUser.username == username))
    if user is None:
        await run_in_threadpool(hasher.verify, password, hasher.hash(_DUMMY_PASSWORD))
        raise exceptions.InvalidCredentials()
    if not await run_in_threadpool(hasher.verify, password, user.password_hash):
        raise exceptions.InvalidCredentials()
    return user


async def get_token_data(*, session: AsyncSession, user_id: uuid.UUID) -> JWTData | None:
    """What a token's subject is allowed to do, in one query (user joined with profile)."""
    row = (
        await session.execute(
            select(
                AuthUser.id,
                AuthUser.username,
                AuthUser.is_active,
                profiles_models.Profile.is_creator,
            )
            .join(profiles_models.Profile, profiles_models.Profile.user_id == AuthUser.id)
            .where(AuthUser.id == user_id)
        )
    ).first()
    if row is None:
        return None
    return JWTData(
        user_id=row.id, username=row.username, is_active=row.is_active, is_creator=row.is_creator
    )
