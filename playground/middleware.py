"""Pure ASGI middleware: the request body limit, the security headers, the process header."""

import json
import os

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from playground.exceptions import BodyTooLarge

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # No page of the playground is meant to be framed (the lesson index, /docs, /redoc).
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}


class BodyOverLimit(HTTPException):
    """Raised from ``receive`` once the body passes the limit; rendered as ``BodyTooLarge``."""

    def __init__(self) -> None:
        super().__init__(status_code=BodyTooLarge.status_code, detail=BodyTooLarge.detail)


class BodyLimit:
    """At most ``max_body_bytes`` of request body, answered 413 ``BODY_TOO_LARGE`` otherwise.

    A declared ``Content-Length`` over the limit is answered before the app runs; a body sent
    without one (or longer than it said) is counted chunk by chunk as the route reads it, and
    the read that passes the limit raises ``BodyOverLimit``, an ``HTTPException`` that FastAPI
    lets through to the exception handlers. Nothing past the limit is ever held in memory.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _too_large(send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyOverLimit()
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyOverLimit:  # read outside a route (a middleware): answered here
            if started:
                raise
            await _too_large(send)


async def _too_large(send: Send) -> None:
    body = json.dumps({"detail": BodyTooLarge.detail, "code": BodyTooLarge.code}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()),
    ]
    await send(
        {"type": "http.response.start", "status": BodyTooLarge.status_code, "headers": headers}
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """``nosniff``, no referrer, no framing: on every response the app sends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ProcessHeader:
    """``X-Process-Id``: which process answered, for a reader of several workers' answers.

    Added in local and test only: a deployment tells the world nothing about its hosts.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_pid(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Process-Id"] = str(os.getpid())
            await send(message)

        await self.app(scope, receive, send_with_pid)
