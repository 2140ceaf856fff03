from enum import StrEnum


class ErrorCode(StrEnum):
    PROFILE_NOT_CREATOR = "PROFILE_NOT_CREATOR"
