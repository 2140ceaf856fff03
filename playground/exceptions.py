"""Global errors: every domain error is a ``PlaygroundError`` with a status and a stable code."""

from http import HTTPStatus
from typing import ClassVar

from pydantic import BaseModel

VALIDATION_ERROR = "VALIDATION_ERROR"
INTERNAL_ERROR = "INTERNAL_ERROR"


class ErrorResponse(BaseModel):
    """The body of every error except 422."""

    detail: str
    code: str


class PlaygroundError(Exception):
    """Base of every domain error: an HTTP status, a stable code and a message."""

    status_code: ClassVar[int] = HTTPStatus.INTERNAL_SERVER_ERROR
    code: ClassVar[str] = INTERNAL_ERROR
    detail: ClassVar[str] = "Internal server error"
    headers: ClassVar[dict[str, str] | None] = None

    def __init__(self, detail: str | None = None) -> None:
        self.message = detail or self.detail
        # Headers of this one answer (``Retry-After``), on top of the class's own.
        self.extra_headers: dict[str, str] = {}
        super().__init__(self.message)


class BadRequest(PlaygroundError):
    status_code = HTTPStatus.BAD_REQUEST
    code = "BAD_REQUEST"
    detail = "Bad request"


class MalformedBody(BadRequest):
    """Documents FastAPI's own 400 for a body it cannot even decode (not UTF-8, broken multipart).

    FastAPI raises it as an ``HTTPException``; the handler renders it as ``BAD_REQUEST``.
    """

    detail = "There was an error parsing the body"


class NotAuthenticated(PlaygroundError):
    status_code = HTTPStatus.UNAUTHORIZED
    code = "NOT_AUTHENTICATED"
    detail = "Not authenticated"
    headers: ClassVar[dict[str, str] | None] = {"WWW-Authenticate": "Bearer"}


class PermissionDenied(PlaygroundError):
    status_code = HTTPStatus.FORBIDDEN
    code = "PERMISSION_DENIED"
    detail = "Permission denied"


class NotFound(PlaygroundError):
    status_code = HTTPStatus.NOT_FOUND
    code = "NOT_FOUND"
    detail = "Not found"


class Conflict(PlaygroundError):
    status_code = HTTPStatus.CONFLICT
    code = "CONFLICT"
    detail = "Conflict"


class ServiceUnavailable(PlaygroundError):
    """An outside system the request needs is down or too slow; try again later."""

    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    code = "SERVICE_UNAVAILABLE"
    detail = "Service unavailable"


class DatabaseBusy(ServiceUnavailable):
    """Every pooled connection stayed in use for ``PLAYGROUND_DATABASE_POOL_TIMEOUT_SECONDS``:
    answered at once instead of queueing the request without end."""

    code = "DATABASE_BUSY"
    detail = "Every database connection is in use; try again later"
    headers: ClassVar[dict[str, str] | None] = {"Retry-After": "1"}


class DatabaseUnavailable(ServiceUnavailable):
    """The database refused, dropped or did not answer a connection within
    ``PLAYGROUND_DATABASE_CONNECT_TIMEOUT_SECONDS``."""

    code = "DATABASE_UNAVAILABLE"
    detail = "The database cannot be reached; try again later"
    headers: ClassVar[dict[str, str] | None] = {"Retry-After": "5"}


class BodyTooLarge(PlaygroundError):
    """A request body over ``PLAYGROUND_MAX_BODY_BYTES``: refused before it is read whole."""

    status_code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    code = "BODY_TOO_LARGE"
    detail = "Request body too large"


class TooManyRequests(PlaygroundError):
    """Too many attempts in a window; ``Retry-After`` says how many seconds to wait."""

    status_code = HTTPStatus.TOO_MANY_REQUESTS
    code = "TOO_MANY_REQUESTS"
    detail = "Too many requests; try again later"

    def __init__(self, *, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail)
        self.extra_headers = {"Retry-After": str(retry_after)}


class NotReady(ServiceUnavailable):
    """A system this process needs (the database, the queue) is down or too slow to answer:
    the process is alive but should get no traffic (``GET /health/ready``)."""

    code = "NOT_READY"
    detail = "Not ready"
