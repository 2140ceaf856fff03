"""Global errors and the one handler that renders every error in one JSON shape."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

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


def error_responses(*errors: type[PlaygroundError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a route: one entry per status, listing the codes it may carry."""
    by_status: dict[int, list[type[PlaygroundError]]] = {}
    for error in errors:
        by_status.setdefault(int(error.status_code), []).append(error)
    return {
        status: {
            "model": ErrorResponse,
            "description": "; ".join(f"`{e.code}`: {e.detail}" for e in group),
        }
        for status, group in sorted(by_status.items())
    }


def _render(
    status_code: int, content: Any, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(status_code=int(status_code), content=content, headers=headers)


def _escape_surrogates(text: str) -> str:
    # JSON may carry a lone surrogate (`"\ud800"`); echoed back in a 422 it is not valid UTF-8.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


SECRET_FIELDS = frozenset({"password"})


def _redact(error: Any) -> Any:
    """A 422 entry without echoing a secret back, and with ``ctx.error`` as readable text."""
    error = dict(error)
    if error.get("loc") and error["loc"][-1] in SECRET_FIELDS:
        error.pop("input", None)
    elif isinstance(error.get("input"), dict):  # a whole body: hide its secrets
        error["input"] = {
            key: "**********" if key in SECRET_FIELDS else value
            for key, value in error["input"].items()
        }
    if isinstance(error.get("ctx"), dict) and "error" in error["ctx"]:
        error["ctx"] = {**error["ctx"], "error": str(error["ctx"]["error"])}
    return error


def _http_code(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).name
    except ValueError:
        return f"HTTP_{status_code}"


async def handle_error(request: Request, exc: Exception) -> JSONResponse:
    """The one handler: every exception becomes ``{"detail": ..., "code": ...}``."""
    if isinstance(exc, PlaygroundError):
        body = {"detail": exc.message, "code": exc.code}
        return _render(exc.status_code, body, exc.headers)
    if isinstance(exc, RequestValidationError):
        errors = jsonable_encoder(
            [_redact(error) for error in exc.errors()], custom_encoder={str: _escape_surrogates}
        )
        body = {"detail": errors, "code": VALIDATION_ERROR}
        return _render(HTTPStatus.UNPROCESSABLE_ENTITY, body)
    if isinstance(exc, StarletteHTTPException):
        body = {"detail": str(exc.detail), "code": _http_code(exc.status_code)}
        return _render(exc.status_code, body, exc.headers)
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    body = {"detail": "Internal server error", "code": INTERNAL_ERROR}
    return _render(HTTPStatus.INTERNAL_SERVER_ERROR, body)


def register_exception_handlers(app: FastAPI) -> None:
    """Install the one handler, and document the 422 body it really sends."""
    for exc_class in (PlaygroundError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(exc_class, handle_error)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()  # FastAPI caches it in ``app.openapi_schema``
        model = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError")
        if model is not None:  # FastAPI's 422 model has no ``code``; ours always does
            model["properties"]["code"] = {
                "const": VALIDATION_ERROR,
                "title": "Code",
                "type": "string",
            }
            model["required"] = ["detail", "code"]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
