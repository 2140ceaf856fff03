import uuid

from playground.auth import schemas as auth_schemas


class AccountResponse(auth_schemas.UserResponse):
    """A user as their own client sees them: the user, and the id of their profile."""

    profile_id: uuid.UUID
