"""The exception handlers, one per type: every error leaves as ``{"detail", "code"}``."""

import json
import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sqlalchemy_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from playground.exceptions import (
    INTERNAL_ERROR,
    VALIDATION_ERROR,
    BodyTooLarge,
    DatabaseBusy,
    DatabaseUnavailable,
    PlaygroundError,
)
from playground.middleware import SECURITY_HEADERS

logger = logging.getLogger(__name__)

SECRET_FIELDS = frozenset({"password"})
# A 422 echoes at most this many characters of each input (as JSON): a 50 MB field is not sent
# back whole.
MAX_ECHO_CHARS = 256
# Starlette's own errors that have a code of ours (``HTTPStatus(413).name`` differs across
# Python versions).
_OWN_CODES: dict[int, type[PlaygroundError]] = {BodyTooLarge.status_code: BodyTooLarge}


def _render(
    status_code: int, content: Any, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(status_code=int(status_code), content=content, headers=headers)


def _escape_surrogates(text: str) -> str:
    # JSON may carry a lone surrogate (`"\ud800"`); echoed back in a 422 it is not valid UTF-8.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _bounded(value: Any) -> Any:
    """``value`` if its JSON is short and encodable; otherwise the start of its text, marked."""
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False, default=str)
    except ValueError:  # NaN or Infinity: never echoed as JSON cannot carry them
        text = repr(value)
    else:
        if len(text) <= MAX_ECHO_CHARS:
            return value
    if isinstance(value, str):
        return value[:MAX_ECHO_CHARS] + "…"
    return text[:MAX_ECHO_CHARS] + "…"


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
    if isinstance(error.get("ctx"), dict):
        ctx = {**error["ctx"]}
        if "error" in ctx:
            ctx["error"] = str(ctx["error"])
        error["ctx"] = {key: _bounded(value) for key, value in ctx.items()}
    if "input" in error:
        error["input"] = _bounded(error["input"])
    return error


def _http_code(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).name
    except ValueError:
        return f"HTTP_{status_code}"


async def handle_playground_error(request: Request, exc: PlaygroundError) -> JSONResponse:
    """A domain error: its own status, code and message."""
    headers = {**(exc.headers or {}), **exc.extra_headers}
    return _render(exc.status_code, {"detail": exc.message, "code": exc.code}, headers or None)


async def handle_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A 422 listing every problem, secrets redacted, always valid UTF-8."""
    errors = jsonable_encoder(
        [_redact(error) for error in exc.errors()], custom_encoder={str: _escape_surrogates}
    )
    return _render(HTTPStatus.UNPROCESSABLE_ENTITY, {"detail": errors, "code": VALIDATION_ERROR})


async def handle_http_exception(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Starlette's and FastAPI's own errors (404 route, 405, 400 body): the same shape."""
    own = _OWN_CODES.get(exc.status_code)
    if own is not None:
        body = {"detail": own.detail, "code": own.code}
    else:
        body = {"detail": str(exc.detail), "code": _http_code(exc.status_code)}
    return _render(exc.status_code, body, exc.headers)


async def handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A bug: logged with its traceback, answered without one."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    body = {"detail": "Internal server error", "code": INTERNAL_ERROR}
    # Rendered by Starlette's outermost middleware, outside ``SecurityHeaders``: its own copy.
    return _render(HTTPStatus.INTERNAL_SERVER_ERROR, body, SECURITY_HEADERS)


async def handle_pool_timeout(request: Request, exc: sqlalchemy_exc.TimeoutError) -> JSONResponse:
    """No pooled connection came free within the pool timeout: a bounded 503, not a queue."""
    logger.warning("database pool exhausted on %s %s: %s", request.method, request.url.path, exc)
    return await handle_playground_error(request, DatabaseBusy())


async def handle_database_error(request: Request, exc: sqlalchemy_exc.DBAPIError) -> JSONResponse:
    """A connection lost mid-request (the server restarted, the network dropped it) is a 503;
    any other driver error escaped a service, a bug: on to ``handle_unexpected`` (a 500)."""
    if not exc.connection_invalidated:
        raise exc
    logger.warning("database connection lost on %s %s: %s", request.method, request.url.path, exc)
    return await handle_playground_error(request, DatabaseUnavailable())


def register_exception_handlers(app: FastAPI) -> None:
    """Install one handler per type."""
    app.exception_handler(PlaygroundError)(handle_playground_error)
    app.exception_handler(RequestValidationError)(handle_validation_error)
    app.exception_handler(StarletteHTTPException)(handle_http_exception)
    app.exception_handler(sqlalchemy_exc.TimeoutError)(handle_pool_timeout)
    app.exception_handler(sqlalchemy_exc.DBAPIError)(handle_database_error)
    app.exception_handler(Exception)(handle_unexpected)
