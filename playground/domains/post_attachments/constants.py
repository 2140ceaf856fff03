from enum import StrEnum


class ErrorCode(StrEnum):
    ATTACHMENT_NOT_FOUND = "ATTACHMENT_NOT_FOUND"
    ATTACHMENT_NOT_UPLOADED = "ATTACHMENT_NOT_UPLOADED"


class AttachmentStatus(StrEnum):
    PENDING = "pending"
    UPLOADED = "uploaded"


KEY_PREFIX = "post-attachments"
