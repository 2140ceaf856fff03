"""Notebook 23's "before": the 422 handler as the playground had it before the hardening.

A faithful copy of ``playground/handlers.py`` at commit a2030c3 (the hardening came in
9def8cb), mounted on a side app built as FastAPI builds one by default: its routes parse JSON
with Python's ``json.loads`` (which takes ``NaN``, ``Infinity`` and ``1e400``) and nothing
limits the body. The route takes the playground's real ``UserCreate``; every request the lesson
sends it stops at validation, so what answers is the handler below.
"""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from playground.auth.schemas import UserCreate
from playground.exceptions import INTERNAL_ERROR, VALIDATION_ERROR

logger = logging.getLogger(__name__)

SECRET_FIELDS = frozenset({"password"})


def _render(
    status_code: int, content: Any, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(status_code=int(status_code), content=content, headers=headers)


def _escape_surrogates(text: str) -> str:
    # JSON may carry a lone surrogate (`"\ud800"`); echoed back in a 422 it is not valid UTF-8.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


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


async def handle_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A 422 listing every problem, secrets redacted, always valid UTF-8."""
    errors = jsonable_encoder(
        [_redact(error) for error in exc.errors()], custom_encoder={str: _escape_surrogates}
    )
    return _render(HTTPStatus.UNPROCESSABLE_ENTITY, {"detail": errors, "code": VALIDATION_ERROR})


async def handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A bug: logged with its traceback, answered without one."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    body = {"detail": "Internal server error", "code": INTERNAL_ERROR}
    return _render(HTTPStatus.INTERNAL_SERVER_ERROR, body)


def old_app() -> FastAPI:
    """``POST /auth/users`` on FastAPI's default route class, with the two handlers above (the
    lesson's requests reach no other)."""
    app = FastAPI()
    app.exception_handler(RequestValidationError)(handle_validation_error)
    app.exception_handler(Exception)(handle_unexpected)

    @app.post("/auth/users", status_code=201)
    async def register(data: UserCreate) -> dict[str, str]:
        return {"username": data.username}

    return app
