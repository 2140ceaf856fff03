"""Notebook 25's clients of the served workers: a client pinned to one worker (a kept-alive
connection), a request on a connection of its own, what happened while one worker's loop slept,
logins, and, for readiness, an in-process client on the playground's app built with some
settings changed."""

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from course import apps
from course.labs.n25_workers import Line, Workers
from course.sandbox import DEFAULT_PASSWORD, Playground
from playground.config import Settings
from playground.domains.notifications.config import NotificationsConfig
from playground.main import create_app

PROCESS_HEADER = "x-process-id"


@asynccontextmanager
async def pinned(server: Workers) -> AsyncIterator[httpx.AsyncClient]:
    """A client on one kept-alive connection: whichever worker accepted it answers it all."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=30) as client:
        yield client


def worker_of(response: httpx.Response) -> int:
    """The pid of the worker that answered (the playground's ``X-Process-Id``, local/test)."""
    return int(response.headers[PROCESS_HEADER])


async def on_new_connection(server: Workers, path: str) -> httpx.Response:
    """``GET`` on a connection of its own (opened, used once, closed)."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
        return await client.get(path)


async def reached_the_app(server: Workers, path: str, since: int) -> Line:
    """Wait for uvicorn's TRACE line saying a request for ``path`` has reached the app."""
    pattern = rf"ASGI \[\d+\] Started scope=.*'path': '{re.escape(path)}'"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [line for line in server.lines()[since:] if re.search(pattern, line.message)]
        if found:
            return found[0]
        await asyncio.sleep(0.01)
    raise RuntimeError(f"no request for {path} reached the app")


@dataclass(frozen=True)
class _Sleep:
    task: "asyncio.Task[httpx.Response]"
    reached: Line  # uvicorn's TRACE line: the request reached the app


async def _sleeping(server: Workers, client: httpx.AsyncClient) -> _Sleep:
    """``GET /pings/terrible`` on ``client``, returned once its worker is inside the route
    (and past the route's one thread-pool hop, its settings): that worker's loop sleeps."""
    since = len(server.lines())
    terrible = asyncio.create_task(client.get("/pings/terrible"))
    reached = await reached_the_app(server, "/pings/terrible", since)
    await asyncio.sleep(0.1)
    return _Sleep(terrible, reached)


@dataclass(frozen=True)
class Blocked:
    """What happened while one worker's loop slept in ``/pings/terrible``."""

    blocked: int  # the worker that answered the blocking request
    status: int
    sent: int  # GET /health sent on new connections, one after another, until it answered
    during: list[int]  # the workers whose app took one of them while the other slept


async def while_blocked(server: Workers, client: httpx.AsyncClient) -> Blocked:
    """Block ``client``'s worker in ``/pings/terrible``; meanwhile ``GET /health`` on new
    connections, one after another, until the blocking request has its answer. Which worker
    took which while the loop slept is read from the log: between the blocking request's
    arrival and its response, in the order the processes wrote their lines."""
    sleep = await _sleeping(server, client)
    sent = 0
    while not sleep.task.done():
        await on_new_connection(server, "/health")
        sent += 1
    response = await sleep.task
    lines = server.lines()
    start = lines.index(sleep.reached)
    asgi = re.search(r"ASGI \[(\d+)\]", sleep.reached.message)
    woke = re.compile(rf"ASGI \[{asgi[1] if asgi else ''}\] Send .*http\.response\.start")
    end = next(
        n
        for n in range(start, len(lines))
        if lines[n].pid == sleep.reached.pid and woke.search(lines[n].message)
    )
    health = re.compile(r"Started scope=.*'path': '/health'")
    during = [line.pid for line in lines[start:end] if health.search(line.message)]
    return Blocked(worker_of(response), response.status_code, sent, during)


@asynccontextmanager
async def pinned_elsewhere(
    server: Workers, busy: httpx.AsyncClient, tries: int = 10
) -> AsyncIterator[httpx.AsyncClient]:
    """A pinned client that another worker than ``busy``'s answers. New connections go to
    whichever worker accepts first, so a few tries usually reach the other one; if they do not,
    one is opened while ``busy``'s worker sleeps in ``/pings/terrible`` (a sleeping loop accepts
    nothing), and again if the sleeper woke up before it came (a loaded machine)."""
    mine = worker_of(await busy.get("/health"))
    for attempt in range(tries + 3):
        sleep = await _sleeping(server, busy) if attempt >= tries else None
        async with pinned(server) as other:
            answered = worker_of(await other.get("/health"))
            if sleep is not None:
                await sleep.task
            if answered != mine:
                yield other
                return
    raise RuntimeError("no connection reached another worker")


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/auth/token", data={"username": username, "password": password})


def nobody() -> str:
    """A username no run has used: its throttle counters start at zero in every worker."""
    return f"nobody-{uuid.uuid4().hex[:12]}"


WRONG_PASSWORD = DEFAULT_PASSWORD + "-not"


# ------------------------------------------------------------------------------ readiness


@asynccontextmanager
async def variant(
    pg: Playground,
    *,
    settings: dict[str, Any] | None = None,
    notifications: dict[str, Any] | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client on the playground's app built anew with these settings changed
    (no lifespan: ``/health`` and ``/health/ready`` need none); its engine closed afterwards."""
    app = create_app(
        Settings(_env_file=None, **{**pg.settings.model_dump(), **(settings or {})}),
        pg.auth_config,
        pg.aws_config,
        NotificationsConfig(
            _env_file=None, **{**pg.notifications_config.model_dump(), **(notifications or {})}
        ),
    )
    try:
        async with apps.client(app) as client:
            yield client
    finally:
        await app.state.engine.dispose()
