import uuid
from typing import Annotated

from fastapi import Depends

from playground.auth import dependencies as auth_dependencies
from playground.auth import exceptions as auth_exceptions
from playground.database import SessionDep
from playground.domains.profiles import exceptions, service
from playground.domains.profiles.models import Profile


async def valid_profile_id(profile_id: uuid.UUID, session: SessionDep) -> Profile:
    """The profile named by the path; 404 ``PROFILE_NOT_FOUND`` otherwise."""
    profile = await service.get_by_id(session=session, profile_id=profile_id)
    if profile is None:
        raise exceptions.ProfileNotFound()
    return profile


ValidProfile = Annotated[Profile, Depends(valid_profile_id)]


async def valid_owned_profile(
    profile: ValidProfile, token: auth_dependencies.ActiveUser
) -> Profile:
    """The path's profile, if it is the caller's own; 403 ``USER_NOT_OWNER`` otherwise."""
    if profile.user_id != token.user_id:
        raise auth_exceptions.UserNotOwner()
    return profile


OwnedProfile = Annotated[Profile, Depends(valid_owned_profile)]
