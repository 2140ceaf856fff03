from enum import StrEnum


class EmailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # a worker has taken it (queue delivery only)
    SENT = "sent"
    FAILED = "failed"


class EmailDelivery(StrEnum):
    BACKGROUND = "background"
    QUEUE = "queue"


class ErrorCode(StrEnum):
    QUEUE_UNAVAILABLE = "QUEUE_UNAVAILABLE"


# How long a request waits to put an email on the queue before it answers 503.
ENQUEUE_TIMEOUT_SECONDS = 5.0
