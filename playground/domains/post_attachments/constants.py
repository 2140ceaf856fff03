from enum import StrEnum


class ErrorCode(StrEnum):
    ATTACHMENT_NOT_FOUND = "ATTACHMENT_NOT_FOUND"
    ATTACHMENT_NOT_UPLOADED = "ATTACHMENT_NOT_UPLOADED"
    ATTACHMENT_REJECTED = "ATTACHMENT_REJECTED"


class AttachmentStatus(StrEnum):
    PENDING = "pending"
    UPLOADED = "uploaded"


# Completed files, the only keys a download URL is signed for.
KEY_PREFIX = "post-attachments"
# Where the client's upload lands. ``complete`` moves it under KEY_PREFIX: the upload URL then
# writes where nothing reads, and what is left there is removed by the sweep.
UPLOAD_PREFIX = "post-uploads"

# Enqueueing a deleted post's purge: the longest the delete waits for the queue's server.
ENQUEUE_TIMEOUT_SECONDS = 5.0
# The purge on the queue, S3 down: tried again this often, this many seconds apart.
PURGE_RETRIES = 5
PURGE_RETRY_DELAY_SECONDS = 30
