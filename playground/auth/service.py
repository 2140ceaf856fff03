import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from playground.auth import exceptions
from playground.auth.models import AuthUser
from playground.auth.schemas import JWTData, UserCreate
from playground.auth.utils import PasswordHasher
from playground.database import violated_constraint


async def create_user(
    *, session: AsyncSession, data: UserCreate, hasher: PasswordHasher
) -> AuthUser:
    """Add a user and flush (the caller commits); the unique constraints decide races."""
    # Argon2 is CPU work that releases the GIL: off the event loop, into the thread pool.
    password_hash = await hasher.ahash(data.password.get_secret_value())
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
    *, session: AsyncSession, username: str, password: str, hasher: PasswordHasher
) -> AuthUser:
    """The user whose password matches; the same error, work and time for an unknown user.

    A deactivated user's right password is refused too (403), after the check: a wrong one
    says nothing about whether the account is active.
    """
    # Normalised as on registration (stripped, lower-cased).
    username = username.strip().lower()
    user = await session.scalar(select(AuthUser).where(AuthUser.username == username))
    # Verified even when there is no such user (against a dummy hash): same work, same time.
    password_hash = user.password_hash if user else None
    matches = await hasher.averify(password, password_hash)
    if user is None or not matches:
        raise exceptions.InvalidCredentials()
    if not user.is_active:
        raise exceptions.UserInactive()
    return user


async def get_token_data(*, session: AsyncSession, user_id: uuid.UUID) -> JWTData | None:
    """What a token's subject is, in one query: id, username, whether active."""
    row = (
        await session.execute(
            select(AuthUser.id, AuthUser.username, AuthUser.is_active).where(AuthUser.id == user_id)
        )
    ).first()
    if row is None:
        return None
    return JWTData(user_id=row.id, username=row.username, is_active=row.is_active)
