from typing import Annotated

from fastapi import Depends

from playground.auth import dependencies as auth_dependencies
from playground.database import SessionDep
from playground.domains.creators import exceptions
from playground.domains.profiles import dependencies as profiles_dependencies
from playground.domains.profiles import models as profiles_models
from playground.domains.profiles import service as profiles_service


async def valid_creator_id(
    profile: profiles_dependencies.ValidProfile,
) -> profiles_models.Profile:
    """Chains ``valid_profile_id`` through the same ``profile_id``: the profile, if a creator."""
    if not profile.is_creator:
        raise exceptions.ProfileNotCreator()
    return profile


ValidCreator = Annotated[profiles_models.Profile, Depends(valid_creator_id)]


async def valid_active_creator(
    user: auth_dependencies.ActiveUser, session: SessionDep
) -> profiles_models.Profile:
    """The caller's profile, if the caller is active and a creator; 403 otherwise."""
    profile = await profiles_service.get_by_user_id(session=session, user_id=user.user_id)
    if profile is None or not profile.is_creator:
        raise exceptions.UserNotCreator()
    return profile


ActiveCreator = Annotated[profiles_models.Profile, Depends(valid_active_creator)]
