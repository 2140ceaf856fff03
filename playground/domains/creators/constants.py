from enum import StrEnum


class ErrorCode(StrEnum):
    PROFILE_NOT_CREATOR = "PROFILE_NOT_CREATOR"
    USER_NOT_CREATOR = "USER_NOT_CREATOR"
