from playground.domains.creators.constants import ErrorCode
from playground.exceptions import NotFound, PermissionDenied


class ProfileNotCreator(NotFound):
    code = ErrorCode.PROFILE_NOT_CREATOR
    detail = "Profile is not a creator"


class UserNotCreator(PermissionDenied):
    code = ErrorCode.USER_NOT_CREATOR
    detail = "User is not a creator"
