from playground.domains.profiles import schemas as profiles_schemas


class CreatorResponse(profiles_schemas.ProfileResponse):
    """A creator is a profile with ``is_creator`` set; the same fields."""
