from enum import StrEnum


class ErrorCode(StrEnum):
    POST_NOT_FOUND = "POST_NOT_FOUND"
    REVIEW_EXISTS = "REVIEW_EXISTS"


MIN_RATING = 1
MAX_RATING = 5
