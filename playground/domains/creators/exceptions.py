from playground.domains.creators.constants import ErrorCode
from playground.exceptions import NotFound


class ProfileNotCreator(NotFound):
    code = ErrorCode.PROFILE_NOT_CREATOR
    detail = "Profile is not a creator"
