from fastapi import APIRouter

from playground.domains.creators import exceptions
from playground.domains.creators.dependencies import ValidCreator
from playground.domains.creators.schemas import CreatorResponse
from playground.domains.profiles import exceptions as profiles_exceptions
from playground.domains.profiles import models as profiles_models
from playground.openapi import error_responses
from playground.routing import PlaygroundRoute

router = APIRouter(prefix="/creators", tags=["creators"], route_class=PlaygroundRoute)


@router.get(
    "/{profile_id}",  # noqa: FAST003 - a dependency reads it
    response_model=CreatorResponse,
    summary="Read a creator",
    responses=error_responses(profiles_exceptions.ProfileNotFound, exceptions.ProfileNotCreator),
)
async def read_creator(creator: ValidCreator) -> profiles_models.Profile:
    """A creator's profile, by the same ``profile_id`` as ``/profiles/{profile_id}``."""
    return creator
