"""Small side apps for a lesson's demos and checks, beside a playground."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from playground.course.playground import Playground
from playground.handlers import register_exception_handlers


def side_app(pg: Playground | None = None) -> FastAPI:
    """A bare FastAPI app; given a playground, on its database and with its error handlers."""
    app = FastAPI()
    if pg is not None:
        app.state.sessionmaker = pg.app.state.sessionmaker
        register_exception_handlers(app)
    return app


@asynccontextmanager
async def client(app: FastAPI, *, raise_errors: bool = True) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process httpx client on ``app``; with ``raise_errors=False`` a crash is a 500."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_errors)
    async with httpx.AsyncClient(transport=transport, base_url="http://side.test") as side:
        yield side
