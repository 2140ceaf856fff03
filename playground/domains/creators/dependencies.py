from typing import Annotated

from fastapi import Depends

from playground.domains.creators import exceptions
from playground.domains.profiles import dependencies as profiles_dependencies
from playground.domains.profiles import models as profiles_models


async def valid_creator_id(
    profile: profiles_dependencies.ValidProfile,
) -> profiles_models.Profile:
    """Chains ``valid_profile_id`` through the same ``profile_id``: the profile, if a creator."""
    if not profile.is_creator:
        raise exceptions.ProfileNotCreator()
    return profile


ValidCreator = Annotated[profiles_models.Profile, Depends(valid_creator_id)]
