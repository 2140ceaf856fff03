from playground.auth.constants import ErrorCode
from playground.exceptions import Conflict, NotAuthenticated, PermissionDenied, TooManyRequests


class UsernameTaken(Conflict):
    code = ErrorCode.USERNAME_TAKEN
    detail = "Username is already taken"


class EmailTaken(Conflict):
    code = ErrorCode.EMAIL_TAKEN
    detail = "Email is already registered"


class InvalidCredentials(NotAuthenticated):
    code = ErrorCode.INVALID_CREDENTIALS
    detail = "Incorrect username or password"


class InvalidToken(NotAuthenticated):
    code = ErrorCode.INVALID_TOKEN
    detail = "Could not validate the access token"


class UserInactive(PermissionDenied):
    code = ErrorCode.USER_INACTIVE
    detail = "User is inactive"


class UserNotOwner(PermissionDenied):
    code = ErrorCode.USER_NOT_OWNER
    detail = "You do not own this resource"


class TooManyAttempts(TooManyRequests):
    code = ErrorCode.TOO_MANY_ATTEMPTS
    detail = "Too many attempts; wait as long as Retry-After says"
