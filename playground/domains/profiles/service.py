import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from playground.domains.profiles.models import Profile
from playground.domains.profiles.schemas import ProfileUpdate


async def create_for_user(
    *, session: AsyncSession, user_id: uuid.UUID, display_name: str
) -> Profile:
    """Add a user's profile to the session (the caller commits with the user)."""
    profile = Profile(user_id=user_id, display_name=display_name)
    session.add(profile)
    await session.flush()
    return profile


async def get_by_id(*, session: AsyncSession, profile_id: uuid.UUID) -> Profile | None:
    """The profile with this id, or ``None``."""
    return await session.get(Profile, profile_id)


async def get_by_user_id(*, session: AsyncSession, user_id: uuid.UUID) -> Profile | None:
    """A user's profile, or ``None``."""
    return await session.scalar(select(Profile).where(Profile.user_id == user_id))


async def update(*, session: AsyncSession, profile: Profile, data: ProfileUpdate) -> Profile:
    """Apply the fields that were sent, and commit."""
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(profile, field, value)
    await session.commit()
    return profile
