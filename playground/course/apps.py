"""Talk to any ASGI app in-process (an app a lesson builds next to the playground's)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

LAB_URL = "http://lab.test"


@asynccontextmanager
async def client_for(app: FastAPI, base_url: str = LAB_URL) -> AsyncIterator[httpx.AsyncClient]:
    """An ``httpx.AsyncClient`` on ``ASGITransport`` for ``app`` (lifespan not run)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        yield client


async def request(app: FastAPI, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request to ``app``, on a client opened and closed for it."""
    async with client_for(app) as client:
        return await client.request(method, path, **kwargs)
