from playground.domains.profiles.constants import ErrorCode
from playground.exceptions import NotFound


class ProfileNotFound(NotFound):
    code = ErrorCode.PROFILE_NOT_FOUND
    detail = "Profile not found"
