"""The app `make bench` serves: the playground's own, plus a floor route on PostgreSQL.

``GET /floor/posts/{post_id}`` does the read of ``GET /posts/{post_id}`` with the raw driver
(asyncpg: one pool, one prepared ``SELECT``, no SQLAlchemy, no session, no dependency chain)
in the same process, and answers the same body through the same response model. It is how
fast this process could serve the read, so the bench reports the playground's route as a
fraction of it. It lives here, not in the playground: the course teaches the ORM route.

Served by ``uvicorn tests.bench_app:create_bench_app --factory``.
"""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import APIRouter, FastAPI, Request
from sqlalchemy import make_url

from playground.config import Settings, load_settings
from playground.domains.posts.exceptions import PostNotFound
from playground.domains.posts.schemas import PostResponse
from playground.main import create_app

FLOOR_PATH = "/floor/posts/{post_id}"
FLOOR_SQL = "SELECT id, author_id, title, body, created_at, updated_at FROM post WHERE id = $1"
# One connection per wrk connection: the floor never waits for one, never opens one under load.
FLOOR_POOL_SIZE = 16


def asyncpg_dsn(database_url: str) -> str:
    """The SQLAlchemy URL as asyncpg's own DSN (``postgresql://``, no ``+asyncpg``)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def nothing_to_reset(connection: asyncpg.Connection) -> None:
    """asyncpg's own reset is a round trip (``RESET ALL``, ``UNLISTEN *``, ...)."""


def floor_router(database_url: str) -> APIRouter:
    """The raw-driver read, with its asyncpg pool opened and closed by the app's lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        # No TLS to loopback, every connection opened up front, and no reset query when one
        # comes back (the floor leaves no transaction, lock, cursor or listener behind): the
        # fewest round trips this driver makes, one per read.
        async with asyncpg.create_pool(
            asyncpg_dsn(database_url),
            min_size=FLOOR_POOL_SIZE,
            max_size=FLOOR_POOL_SIZE,
            reset=nothing_to_reset,
            ssl=False,
        ) as pool:
            yield {"floor_pool": pool}

    router = APIRouter(lifespan=lifespan)

    @router.get(FLOOR_PATH, response_model=PostResponse, include_in_schema=False)
    async def floor_read_post(post_id: uuid.UUID, request: Request) -> Any:
        pool: asyncpg.Pool = request.state.floor_pool
        row = await pool.fetchrow(FLOOR_SQL, post_id)
        if row is None:
            raise PostNotFound()
        return dict(row)

    return router


def create_bench_app(settings: Settings | None = None) -> FastAPI:
    """The playground (by default from the environment's settings); on PostgreSQL, with the
    floor route."""
    settings = settings or load_settings()
    app = create_app(settings)
    if make_url(settings.DATABASE_URL).get_backend_name() == "postgresql":
        app.include_router(floor_router(settings.DATABASE_URL))
    return app
