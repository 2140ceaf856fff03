from playground.domains.profiles.schemas import ProfileResponse


class CreatorResponse(ProfileResponse):
    """A creator is a profile with ``is_creator`` set; the same fields."""
