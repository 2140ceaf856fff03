"""Work that spans auth and profiles. It lives here, where both are visible: auth knows no
domain, so it cannot create a profile itself."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from playground.auth import models as auth_models
from playground.auth import schemas as auth_schemas
from playground.auth import service as auth_service
from playground.auth import utils as auth_utils
from playground.domains.accounts.schemas import AccountResponse
from playground.domains.profiles import models as profiles_models
from playground.domains.profiles import service as profiles_service


def _account(user: auth_models.AuthUser, *, profile_id: uuid.UUID) -> AccountResponse:
    fields = {name: getattr(user, name) for name in auth_schemas.UserResponse.model_fields}
    return AccountResponse.model_validate({**fields, "profile_id": profile_id})


async def register(
    *,
    session: AsyncSession,
    data: auth_schemas.UserCreate,
    hasher: auth_utils.PasswordHasher,
) -> AccountResponse:
    """Create a user and their profile in one transaction."""
    user = await auth_service.create_user(session=session, data=data, hasher=hasher)
    profile = await profiles_service.create_for_user(
        session=session, user_id=user.id, display_name=user.username
    )
    await session.commit()
    return _account(user, profile_id=profile.id)


async def read_account(*, session: AsyncSession, user_id: uuid.UUID) -> AccountResponse | None:
    """A user and their profile's id, in one query; ``None`` if the user is gone."""
    row = (
        await session.execute(
            select(auth_models.AuthUser, profiles_models.Profile.id)
            .join(
                profiles_models.Profile, profiles_models.Profile.user_id == auth_models.AuthUser.id
            )
            .where(auth_models.AuthUser.id == user_id)
        )
    ).first()
    if row is None:
        return None
    user, profile_id = row
    return _account(user, profile_id=profile_id)
