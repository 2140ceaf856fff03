"""The app under a real uvicorn server, for what in-process transport hides; its logs captured."""

import asyncio
import logging
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class Served:
    """A running server: where to reach it, and what its loggers said (first lines)."""

    base_url: str
    logs: list[str] = field(default_factory=list)


class _Captured(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__()
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage().splitlines()[0]}")


@contextmanager
def captured_logs(*names: str) -> Iterator[list[str]]:
    """Keep these loggers' records off stderr and collect them (``name: first line``)."""
    messages: list[str] = []
    handler = _Captured(messages)
    loggers = [logging.getLogger(name) for name in names]
    saved = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield messages
    finally:
        for logger, propagate in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.propagate = propagate


@asynccontextmanager
async def _run(config: uvicorn.Config, sock: socket.socket) -> AsyncIterator[str]:
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join)
        sock.close()


def _socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1 at a free port, in a thread; yields the base URL.

    Build the app for this (``Playground.serve`` does): its engine must make its connections
    in the server's own event loop.
    """
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    async with _run(config, _socket()) as base_url:
        yield base_url


@asynccontextmanager
async def serve_logged(
    app: FastAPI,
    *,
    grace: float | None = None,
    loggers: tuple[str, ...] = ("uvicorn.error",),
) -> AsyncIterator[Served]:
    """Like ``serve``, with ``loggers`` captured into ``.logs`` and an optional shutdown grace.

    ``grace`` is uvicorn's ``timeout_graceful_shutdown``: after it, running tasks are cancelled,
    as a deploy that stops waiting would.
    """
    config = uvicorn.Config(app, log_config=None, lifespan="on", access_log=False)
    config.timeout_graceful_shutdown = grace  # type: ignore[assignment]  # a float works too
    with captured_logs(*loggers) as logs:
        async with _run(config, _socket()) as base_url:
            yield Served(base_url=base_url, logs=logs)


def where() -> str:
    """The current thread, named for a timeline: the event loop's or a worker's."""
    thread = threading.current_thread()
    return "MainThread (the event loop)" if thread is threading.main_thread() else thread.name


class RecordResponseSent:
    """A pure ASGI middleware: notes in ``events`` the moment the last body chunk is sent."""

    def __init__(self, app: ASGIApp, events: list[str]) -> None:
        self.app = app
        self.events = events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def recording_send(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.events.append("server: response sent")

        await self.app(scope, receive, recording_send)
