"""The course harness: what every notebook and test uses to drive the playground.

In a notebook (top-level ``await`` works in Jupyter; ``asyncio.run`` would not)::

    from playground import course

    pg = await course.start()                 # fresh SQLite file, migrated, lifespan running
    ada = await pg.user("ada", creator=True)  # registered, logged in, a creator
    r = await pg.client.get("/posts", headers=ada.headers)
    course.show(r)                            # "HTTP 200 OK" + pretty, key-sorted JSON
    with pg.count_sql() as sql:
        await pg.client.get("/health")
    assert sql.count == 0
    async with pg.serve() as base_url:        # the same app under a real uvicorn
        ...
    await pg.close()

The app never imports this module.
"""

import asyncio
import inspect
import json
import os
import shutil
import socket
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from IPython.display import Markdown
from sqlalchemy import event, make_url, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from playground import migrations
from playground.auth.config import AuthConfig
from playground.config import Environment, Settings
from playground.domains.profiles.models import Profile
from playground.main import create_app

BASE_URL = "http://playground.test"
TEST_DATABASE_URL = "PLAYGROUND_TEST_DATABASE_URL"
DEFAULT_PASSWORD = "correct-horse-battery"
# Cheap Argon2 for the course and tests; the app's defaults stay the production ones.
FAST_HASHING = {"PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_KIB": 1024}


# ---------------------------------------------------------------- display


def show(response: httpx.Response) -> None:
    """Print a response deterministically: status line, then JSON with sorted keys."""
    print(f"HTTP {response.status_code} {response.reason_phrase}")
    if not response.content:
        return
    try:
        body = response.json()
    except ValueError:
        print(response.text)
        return
    print(json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False))


def source(obj: Any) -> str:
    """The real source of a playground object, headed by where it lives."""
    module = inspect.getmodule(obj)
    name = module.__name__ if module else "?"
    lines, start = inspect.getsourcelines(obj)
    return f"# {name}, line {start}\n" + "".join(lines)


def show_source(*objects: Any) -> Markdown:
    """Render the source of one or more objects (functions, classes, modules) as Markdown."""
    blocks = "\n".join(source(obj) for obj in objects)
    return Markdown(f"```python\n{blocks}```")  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class RouteInfo:
    methods: str
    path: str
    name: str
    endpoint: Callable[..., Any] | None
    dependant: Any


def routes(app: FastAPI) -> list[RouteInfo]:
    """The app's API routes (flattened across included routers), in registration order."""
    table = []
    for context in iter_route_contexts(app.routes):
        methods = context.methods
        if not methods or context.path is None or context.path in {"/openapi.json"}:
            continue
        if context.path.startswith(("/docs", "/redoc")):
            continue
        table.append(
            RouteInfo(
                methods=",".join(sorted(methods - {"HEAD"})),
                path=context.path,
                name=context.name or "",
                endpoint=context.endpoint,
                dependant=getattr(context, "dependant", None),
            )
        )
    return table


def print_routes(app: FastAPI) -> None:
    """A route table: method, path, endpoint name."""
    for route in routes(app):
        print(f"{route.methods:<7} {route.path:<36} {route.name}")


# ---------------------------------------------------------------- counters


@dataclass
class SQLCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def kinds(self) -> list[str]:
        """The first keyword of each statement: SELECT, INSERT, ..."""
        return [s.split(None, 1)[0].upper() for s in self.statements]


@contextmanager
def count_sql(engine: AsyncEngine) -> Iterator[SQLCounter]:
    """Record every SQL statement the engine sends while the block runs."""
    counter = SQLCounter()

    def record(*args: Any) -> None:
        counter.statements.append(" ".join(str(args[2]).split()))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


@dataclass
class CallCounter:
    calls: int = 0


@contextmanager
def count_calls(owner: Any, name: str) -> Iterator[CallCounter]:
    """Count calls to ``owner.name`` (a module function or a method) while the block runs."""
    original = getattr(owner, name)
    counter = CallCounter()

    if inspect.iscoroutinefunction(original):

        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            counter.calls += 1
            return await original(*args, **kwargs)

        setattr(owner, name, async_wrapper)
    else:

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counter.calls += 1
            return original(*args, **kwargs)

        setattr(owner, name, wrapper)
    try:
        yield counter
    finally:
        setattr(owner, name, original)


# ---------------------------------------------------------------- real server


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1 at a free port, in a thread; yields the base URL.

    Build the app for this (``Playground.serve`` does): its engine must make its connections
    in the server's own event loop.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join)
        sock.close()


# ---------------------------------------------------------------- the playground


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    username: str
    profile_id: uuid.UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Playground:
    """A running playground: app, client, engine and a throwaway database."""

    app: FastAPI
    client: httpx.AsyncClient
    settings: Settings
    auth_config: AuthConfig
    workdir: Path
    _lifespan: LifespanManager

    @property
    def engine(self) -> AsyncEngine:
        engine: AsyncEngine = self.app.state.engine
        return engine

    def count_sql(self) -> AbstractContextManager[SQLCounter]:
        """Count the SQL statements this playground's engine runs in a block."""
        return count_sql(self.engine)

    async def sql(self, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        """Run raw SQL on the playground's database (for inspection); returns the rows."""
        async with self.engine.begin() as connection:
            result = await connection.execute(text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []

    async def register(self, username: str, **fields: Any) -> httpx.Response:
        """``POST /auth/users`` with sensible defaults for the fields not given."""
        body = {
            "username": username,
            "email": f"{username}@example.com",
            "password": DEFAULT_PASSWORD,
            "first_name": username.capitalize(),
            **fields,
        }
        return await self.client.post("/auth/users", json=body)

    async def login(self, username: str, password: str = DEFAULT_PASSWORD) -> str:
        """``POST /auth/token``; returns the access token."""
        response = await self.client.post(
            "/auth/token", data={"username": username, "password": password}
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    async def user(self, username: str, *, creator: bool = False) -> User:
        """Register and log in a user (optionally a creator) in one call."""
        response = await self.register(username)
        response.raise_for_status()
        user_id = uuid.UUID(response.json()["id"])
        token = await self.login(username)
        async with self.app.state.sessionmaker() as session:
            profile_id = await session.scalar(select(Profile.id).where(Profile.user_id == user_id))
        assert profile_id is not None
        user = User(id=user_id, username=username, profile_id=profile_id, token=token)
        if creator:
            patched = await self.client.patch(
                f"/profiles/{profile_id}", json={"is_creator": True}, headers=user.headers
            )
            patched.raise_for_status()
        return user

    def new_app(self) -> FastAPI:
        """Another app instance on the same settings and database (e.g. to serve it)."""
        app = create_app(self.settings, self.auth_config)
        app.dependency_overrides.update(self.app.dependency_overrides)
        app.state.email_sender = self.app.state.email_sender
        return app

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        """This playground's app (a fresh instance, same database) under a real uvicorn."""
        async with serve(self.new_app()) as base_url:
            yield base_url

    async def close(self) -> None:
        await self.client.aclose()
        await self._lifespan.__aexit__(None, None, None)
        await _drop_database(self.settings.DATABASE_URL)
        shutil.rmtree(self.workdir, ignore_errors=True)

    async def __aenter__(self) -> "Playground":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


async def _create_database(workdir: Path) -> str:
    """A throwaway database: a SQLite file, or a new database on ``TEST_DATABASE_URL``'s server."""
    server = os.environ.get(TEST_DATABASE_URL)
    if not server:
        return f"sqlite+aiosqlite:///{workdir / 'playground.db'}"
    url = make_url(server).set(database=f"playground_{uuid.uuid4().hex[:16]}")
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    await admin.dispose()
    return url.render_as_string(hide_password=False)


async def _drop_database(database_url: str) -> None:
    server = os.environ.get(TEST_DATABASE_URL)
    url = make_url(database_url)
    if not server or url.get_backend_name() == "sqlite":
        return
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    await admin.dispose()


async def start(
    *, settings: dict[str, Any] | None = None, auth: dict[str, Any] | None = None
) -> Playground:
    """A fresh playground: a throwaway SQLite file migrated by Alembic, lifespan running.

    ``settings`` and ``auth`` override fields of ``Settings`` and ``AuthConfig``; ``.env`` is
    not read, so a notebook shows the same thing on every machine. With
    ``PLAYGROUND_TEST_DATABASE_URL`` set (``make test-postgres``), each playground gets its own
    new database on that PostgreSQL server instead.
    """
    workdir = Path(tempfile.mkdtemp(prefix="playground-"))
    app_settings = Settings(
        _env_file=None,
        **{
            "ENVIRONMENT": Environment.TEST,
            "DATABASE_URL": await _create_database(workdir),
            **(settings or {}),
        },
    )
    auth_config = AuthConfig(_env_file=None, **{**FAST_HASHING, **(auth or {})})
    app = create_app(app_settings, auth_config)
    await migrations.upgrade(app.state.engine)
    lifespan = LifespanManager(app)
    await lifespan.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
    return Playground(
        app=app,
        client=client,
        settings=app_settings,
        auth_config=auth_config,
        workdir=workdir,
        _lifespan=lifespan,
    )


# ---------------------------------------------------------------- notebook outputs


def refresh_notebook(path: Path, *, timeout: int = 300) -> float:
    """Re-execute a notebook in place, in its own folder (as nbval does); returns seconds.

    No timing metadata is written, so a refresh changes only what the cells print.
    """
    import time

    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - started
    nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
    return elapsed


if __name__ == "__main__":  # pragma: no cover - `make notebooks`
    import sys

    for argument in sys.argv[1:]:
        seconds = refresh_notebook(Path(argument))
        print(f"{argument}: {seconds:.1f}s")
