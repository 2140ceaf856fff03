"""Notebook 25's exercise: a readiness route whose wait for the database is bounded."""

import asyncio
import random
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from course import apps
from course.exercises import Check, answered
from playground.database import create_engine
from playground.handlers import register_exception_handlers

PATH = "/ready"
TIMEOUT = 0.3  # the exercise's: the longest a probe may wait for the database
BOUND = 4 * TIMEOUT  # the check's: an answer later than this is a hung probe
UP, GONE, HANGS = "a database that answers", "a database that is not there", "a database that hangs"


async def _never_soon() -> aiosqlite.Connection:
    """A connection that takes longer than anyone should wait (how long, nobody can know)."""
    await asyncio.sleep(random.uniform(30, 90))
    return await aiosqlite.connect(":memory:")


def _not_there(path: Path) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    """SQLite's own answer for a file in a folder that is not there, given at once: asked in
    the event loop, not in a new aiosqlite thread that a busy machine may start late (a late
    error would look like a hang to a route that waits TIMEOUT)."""

    async def connect() -> aiosqlite.Connection:
        sqlite3.connect(path).close()  # raises OperationalError: unable to open database file
        return await aiosqlite.connect(path)

    return connect


async def _engine(kind: str, folder: Path) -> AsyncEngine:
    if kind == UP:
        engine = create_engine(f"sqlite+aiosqlite:///{folder / 'playground.db'}")
        async with engine.connect():  # a connection in the pool: SELECT 1 takes one thread hop
            pass
        return engine
    if kind == GONE:
        missing = folder / "unmounted" / "playground.db"
        return create_async_engine("sqlite+aiosqlite://", async_creator=_not_there(missing))
    return create_async_engine("sqlite+aiosqlite://", async_creator=_never_soon)


async def _asked(route: Callable[..., Any], *kinds: str) -> dict[str, httpx.Response | None]:
    """``GET /ready`` once on each kind of database, in an order nobody can foresee, each on
    an app of its own; ``None`` where no answer came within ``BOUND`` seconds (the check gives
    up and the route is cancelled)."""
    answers: dict[str, httpx.Response | None] = {}
    with tempfile.TemporaryDirectory(prefix="playground-n25-") as folder:
        for kind in random.sample(kinds, len(kinds)):
            app = apps.side_app()
            register_exception_handlers(app)
            app.state.engine = await _engine(kind, Path(folder))
            app.get(PATH)(route)
            try:
                async with apps.client(app, raise_errors=False) as client:
                    async with asyncio.timeout(BOUND):
                        answers[kind] = await client.get(PATH)
            except TimeoutError:
                answers[kind] = None
            finally:
                await app.state.engine.dispose()
    return answers


def _said(response: httpx.Response | None) -> str:
    if response is None:
        return f"no answer within {BOUND:g} s"
    return f"HTTP {response.status_code} {response.text[:120]}"


def _ready(response: httpx.Response | None) -> bool:
    return response is not None and response.status_code == 200


def _not_ready(response: httpx.Response | None) -> bool:
    """The playground's 503: ``{"detail", "code": "NOT_READY"}``."""
    if response is None or response.status_code != 503:
        return False
    body = response.json()
    return isinstance(body, dict) and body.get("code") == "NOT_READY"


def readiness_route(route: Callable[..., Any]) -> list[Check]:
    """Checks for ``route`` mounted at ``GET /ready`` on apps whose ``state.engine`` answers,
    is not there, or hangs."""

    async def up() -> None:
        answered(route)
        response = (await _asked(route, UP))[UP]
        if not _ready(response):
            raise AssertionError(f"{UP} answered {_said(response)}")
        assert response is not None and response.json() == {"status": "ready"}, (
            f"{UP} answered {response.text[:120] if response else ''}, not {{'status': 'ready'}}"
        )

    async def gone() -> None:
        answered(route)
        response = (await _asked(route, GONE))[GONE]
        if _ready(response):
            raise AssertionError(
                f"{GONE} answered 200: the route calls it ready without asking it "
                "(SELECT 1 on request.app.state.engine)"
            )
        if response is not None and response.status_code == 500:
            raise AssertionError(
                f"{GONE} answered 500: its error escaped; a database that fails is not ready "
                "(catch the error, raise NotReady)"
            )
        if response is None or not _not_ready(response):
            raise AssertionError(f"{GONE} answered {_said(response)}, not 503 NOT_READY")
        detail = response.json()["detail"]
        assert "database" in str(detail), (
            f"the 503 says {detail!r}: name what is down (NotReady('database: ...'))"
        )

    async def hangs() -> None:
        answered(route)
        answers = await _asked(route, HANGS, GONE)
        hung, gone = answers[HANGS], answers[GONE]
        if hung is None:
            raise AssertionError(
                f"{HANGS} got no answer within {BOUND:g} s: the probe waits as long as the "
                f"database does; bound the wait (asyncio.timeout(TIMEOUT), TIMEOUT={TIMEOUT})"
            )
        if _ready(hung) and not _ready(gone):
            raise AssertionError(
                f"{HANGS} answered 200 where {GONE} did not: a database that does not answer "
                "in time is not ready either (raise NotReady on TimeoutError too)"
            )

    return [
        Check(
            f'{UP}: 200 {{"status": "ready"}}',
            "SELECT 1 on request.app.state.engine, then return {'status': 'ready'}",
            up,
        ),
        Check(
            f"{GONE}: 503 NOT_READY, naming the database",
            "catch the error of the SELECT 1 and raise NotReady('database: ...')",
            gone,
        ),
        Check(
            f"{HANGS}: an answer within {BOUND:g} s, the same verdict as for one not there",
            f"async with asyncio.timeout(TIMEOUT) around the SELECT 1 (TIMEOUT={TIMEOUT})",
            hangs,
        ),
    ]
