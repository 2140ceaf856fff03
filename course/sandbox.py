"""A running playground: a throwaway database, the app with its lifespan, a client."""

import atexit
import shutil
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from course import databases
from course.counters import SQLCounter, count_sql
from course.server import serve
from playground.auth.config import AuthConfig
from playground.aws.config import AwsConfig
from playground.config import Environment, Settings
from playground.domains.notifications.config import NotificationsConfig
from playground.main import create_app

BASE_URL = "http://playground.test"
DEFAULT_PASSWORD = "correct-horse-battery"
# Cheap Argon2 for the course and tests; the app's defaults stay the production ones.
FAST_HASHING = {"PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_KIB": 1024}
# Roomy throttles too: a learner who runs a check cell again and again within a minute logs the
# same users in each time, and must get ✔/✘, not a 429. Lesson 23 passes the app's own rates.
ROOMY_THROTTLES = {
    f"{action}_RATE_PER_{key}": "1000/minute"
    for action in ("LOGIN", "REGISTER")
    for key in ("CLIENT", "USERNAME")
}


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
    aws_config: AwsConfig
    notifications_config: NotificationsConfig
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
        """Register and log in a user (optionally a creator), all over HTTP.

        Called again with the same name, it logs the existing user in again (a notebook cell
        can run twice).
        """
        registered = await self.register(username)
        if not (registered.status_code == 409 and registered.json()["code"] == "USERNAME_TAKEN"):
            registered.raise_for_status()
        token = await self.login(username)
        headers = {"Authorization": f"Bearer {token}"}
        me = await self.client.get("/auth/users/me", headers=headers)
        me.raise_for_status()
        account = me.json()
        user = User(
            id=uuid.UUID(account["id"]),
            username=account["username"],
            profile_id=uuid.UUID(account["profile_id"]),
            token=token,
        )
        if creator:
            patched = await self.client.patch(
                f"/profiles/{user.profile_id}", json={"is_creator": True}, headers=headers
            )
            patched.raise_for_status()
        return user

    @contextmanager
    def override(
        self, dependency: Callable[..., Any], replacement: Callable[..., Any]
    ) -> Iterator[None]:
        """Replace a dependency for the block; whatever was there before comes back after."""
        overrides = self.app.dependency_overrides
        missing = object()
        previous = overrides.get(dependency, missing)
        overrides[dependency] = replacement
        try:
            yield
        finally:
            if previous is missing:
                overrides.pop(dependency, None)
            else:
                overrides[dependency] = previous  # type: ignore[assignment]

    def new_app(self) -> FastAPI:
        """Another app instance on the same settings and database (e.g. to serve it)."""
        app = create_app(
            self.settings, self.auth_config, self.aws_config, self.notifications_config
        )
        app.dependency_overrides.update(self.app.dependency_overrides)
        app.state.email_sender = self.app.state.email_sender
        return app

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        """This playground's app (a fresh instance, same database) under a real uvicorn."""
        async with serve(self.new_app()) as base_url:
            yield base_url

    async def close(self) -> None:
        """Stop the app and remove its database and files (the kernel's exit does it too)."""
        if not any(open_one is self for open_one in _OPEN):
            return  # closed already
        _OPEN[:] = [open_one for open_one in _OPEN if open_one is not self]
        await self.client.aclose()
        await self._lifespan.__aexit__(None, None, None)
        await databases.drop(self.settings.DATABASE_URL)
        shutil.rmtree(self.workdir, ignore_errors=True)

    async def __aenter__(self) -> "Playground":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


# Every playground this process started and has not closed. A lesson never closes its own in a
# cell (Run All would close it before the learner's exercise runs): they go when the kernel
# exits (Restart, Shut Down, the end of a test run), their databases and folders with them.
_OPEN: list[Playground] = []


def _remove_at_exit() -> None:
    for playground in list(_OPEN):
        databases.drop_at_exit(playground.settings.DATABASE_URL)
        shutil.rmtree(playground.workdir, ignore_errors=True)
    _OPEN.clear()
    # AnyIO's worker threads (sync dependencies ran in them) wait on their queue for ever and
    # are not daemons: the interpreter would wait for them until the kernel is killed (5 s
    # later, in JupyterLab's Restart). ``None`` is their own signal to stop.
    for thread in threading.enumerate():
        queue = getattr(thread, "queue", None)
        if type(thread).__module__.startswith("anyio.") and isinstance(queue, Queue):
            queue.put_nowait(None)


# Python runs these before it waits for non-daemon threads (``atexit`` runs after: too late).
getattr(threading, "_register_atexit", atexit.register)(_remove_at_exit)


def _local_s3(*, start: bool) -> dict[str, Any]:
    """This process's local S3 server and a bucket of the playground's own; or, unless asked
    for, an address where nothing listens (file storage then answers 503, quickly)."""
    from course import local_s3 as s3

    if not start:
        return {"ENDPOINT_URL": s3.NOWHERE, "CREATE_BUCKET": False}
    return {
        "ENDPOINT_URL": s3.shared().endpoint_url,
        "BUCKET": f"playground-{uuid.uuid4().hex[:12]}",
        "CREATE_BUCKET": True,
    }


async def start(
    *,
    settings: dict[str, Any] | None = None,
    auth: dict[str, Any] | None = None,
    aws: dict[str, Any] | None = None,
    s3: bool = False,
    notifications: dict[str, Any] | None = None,
) -> Playground:
    """A fresh playground: a throwaway database, migrated by Alembic, lifespan running.

    ``settings``, ``auth``, ``aws`` and ``notifications`` override fields of ``Settings``,
    ``AuthConfig`` (cheap hashing and roomy throttles unless given), ``AwsConfig`` and
    ``NotificationsConfig``; ``.env`` is not read, so a
    notebook shows the same thing on every machine. ``s3=True`` points the app at this
    process's local S3 server (a bucket of its own); otherwise at an address where nothing
    listens. The database is a copy of a migrated template (one SQLite file per user and
    migrations, see ``course.databases``), or, with ``PLAYGROUND_TEST_DATABASE_URL`` set
    (``make test-postgres``), a new database on that PostgreSQL server, copied from a
    template made once per process. A ``DATABASE_URL`` given in ``settings`` is migrated in
    place instead.
    """
    workdir = Path(tempfile.mkdtemp(prefix="playground-"))
    overrides = settings or {}
    own_database = "DATABASE_URL" in overrides
    database_url = overrides["DATABASE_URL"] if own_database else await databases.create(workdir)
    app_settings = Settings(
        _env_file=None,
        **{"ENVIRONMENT": Environment.TEST, **overrides, "DATABASE_URL": database_url},
    )
    auth_config = AuthConfig(_env_file=None, **{**FAST_HASHING, **ROOMY_THROTTLES, **(auth or {})})
    aws_config = AwsConfig(_env_file=None, **{**_local_s3(start=s3), **(aws or {})})
    # The queue (when DELIVERY=queue) lives in the workdir too, removed with the playground.
    queue_url = f"sqlite:///{workdir / 'queue.db'}"
    notifications_config = NotificationsConfig(
        _env_file=None, **{"QUEUE_URL": queue_url, **(notifications or {})}
    )
    app = create_app(app_settings, auth_config, aws_config, notifications_config)
    if own_database:
        from playground import migrations

        await migrations.upgrade(app.state.engine)
    lifespan = LifespanManager(app, startup_timeout=30)
    await lifespan.__aenter__()
    # ``lifespan.app`` hands the lifespan's state to every request; ``app`` alone would not.
    transport = httpx.ASGITransport(app=lifespan.app)
    client = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
    playground = Playground(
        app=app,
        client=client,
        settings=app_settings,
        auth_config=auth_config,
        aws_config=aws_config,
        notifications_config=notifications_config,
        workdir=workdir,
        _lifespan=lifespan,
    )
    _OPEN.append(playground)
    return playground
