from playground.domains.notifications.constants import ErrorCode
from playground.exceptions import ServiceUnavailable


class QueueUnavailable(ServiceUnavailable):
    code = ErrorCode.QUEUE_UNAVAILABLE
    detail = "The email queue is unavailable; try again later"
