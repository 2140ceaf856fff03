"""Side apps for a lesson's demos and checks, and in-process clients for any ASGI app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from course.sandbox import Playground
from playground.handlers import register_exception_handlers

LAB_URL = "http://lab.test"


def side_app(pg: Playground | None = None) -> FastAPI:
    """A bare FastAPI app; given a playground, on its database, its token settings and with its
    error handlers."""
    app = FastAPI()
    if pg is not None:
        app.state.sessionmaker = pg.app.state.sessionmaker
        app.state.read_sessionmaker = pg.app.state.read_sessionmaker  # a GET's (read-only)
        app.state.auth_config = pg.app.state.auth_config
        register_exception_handlers(app)
    return app


@asynccontextmanager
async def client(app: FastAPI, *, raise_errors: bool = True) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process httpx client on ``app``; with ``raise_errors=False`` a crash is a 500."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_errors)
    async with httpx.AsyncClient(transport=transport, base_url="http://side.test") as side:
        yield side


@asynccontextmanager
async def client_for(app: FastAPI, base_url: str = LAB_URL) -> AsyncIterator[httpx.AsyncClient]:
    """An ``httpx.AsyncClient`` on ``ASGITransport`` for ``app`` (lifespan not run)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as lab:
        yield lab


async def request(app: FastAPI, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request to ``app``, on a client opened and closed for it."""
    async with client_for(app) as lab:
        return await lab.request(method, path, **kwargs)
