from enum import StrEnum


class ErrorCode(StrEnum):
    STORAGE_UNAVAILABLE = "STORAGE_UNAVAILABLE"


# What a post may carry, and how big: checked before a URL is signed.
ALLOWED_CONTENT_TYPES = frozenset({"image/png", "image/jpeg", "application/pdf", "text/plain"})
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
