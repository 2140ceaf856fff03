"""Side apps for experiments: a small FastAPI app on a playground's database and settings."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from course.counters import count_calls
from course.sandbox import BASE_URL, Playground
from playground.auth import utils as auth_utils
from playground.handlers import register_exception_handlers


def side_app(pg: Playground) -> FastAPI:
    """A new, empty app that shares ``pg``'s database, settings and error handlers."""
    app = FastAPI()
    for name in (
        "settings",
        "sessionmaker",
        "read_sessionmaker",  # a safe request's (GET): read-only
        "auth_config",
        "password_hasher",
        "engine",
        "email_sender",
    ):
        setattr(app.state, name, getattr(pg.app.state, name))
    register_exception_handlers(app)
    return app


@asynccontextmanager
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client for ``app`` (``ASGITransport``), closed after the block."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as lab_client:
        yield lab_client


@dataclass(frozen=True)
class Measured:
    status: int
    decodes: int
    statements: list[str] = field(default_factory=list)

    @property
    def selects(self) -> int:
        return sum(statement.startswith("SELECT") for statement in self.statements)


async def measure(
    pg: Playground, lab_client: httpx.AsyncClient, path: str, headers: dict[str, str] | None = None
) -> Measured:
    """One GET: its status, the JWT decodes it made and the SQL it sent to ``pg``'s database."""
    with count_calls(auth_utils, "decode_access_token") as decodes, pg.count_sql() as sql:
        response = await lab_client.get(path, headers=headers)
    return Measured(response.status_code, decodes.calls, sql.statements)


@contextmanager
def count_sessions(app: FastAPI) -> Iterator[list[Any]]:
    """The DB sessions ``app`` opens in the block, a safe request's read-only ones included
    (its sessionmakers come back after)."""
    names = ("sessionmaker", "read_sessionmaker")
    originals = {name: getattr(app.state, name) for name in names}
    opened: list[Any] = []

    def counting(original: Any) -> Any:
        def make() -> Any:
            session = original()
            opened.append(session)
            return session

        return make

    for name, original in originals.items():
        setattr(app.state, name, counting(original))
    try:
        yield opened
    finally:
        for name, original in originals.items():
            setattr(app.state, name, original)
