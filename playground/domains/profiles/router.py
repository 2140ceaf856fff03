from fastapi import APIRouter

from playground.auth import exceptions as auth_exceptions
from playground.database import SessionDep
from playground.domains.profiles import exceptions, service
from playground.domains.profiles.dependencies import OwnedProfile, ValidProfile
from playground.domains.profiles.models import Profile
from playground.domains.profiles.schemas import ProfileResponse, ProfileUpdate
from playground.exceptions import MalformedBody
from playground.openapi import error_responses
from playground.routing import PlaygroundRoute

router = APIRouter(prefix="/profiles", tags=["profiles"], route_class=PlaygroundRoute)


@router.get(
    "/{profile_id}",  # noqa: FAST003 - a dependency reads it
    response_model=ProfileResponse,
    summary="Read a profile",
    responses=error_responses(exceptions.ProfileNotFound),
)
async def read_profile(profile: ValidProfile) -> Profile:
    """A profile by id."""
    return profile


@router.patch(
    "/{profile_id}",  # noqa: FAST003 - a dependency reads it
    response_model=ProfileResponse,
    summary="Update your profile",
    responses=error_responses(
        MalformedBody,
        auth_exceptions.InvalidToken,
        auth_exceptions.UserInactive,
        auth_exceptions.UserNotOwner,
        exceptions.ProfileNotFound,
    ),
)
async def update_profile(
    profile: OwnedProfile, data: ProfileUpdate, session: SessionDep
) -> Profile:
    """Change display name, bio or creator status of your own profile."""
    return await service.update(session=session, profile=profile, data=data)
