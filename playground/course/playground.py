"""A running playground: a throwaway database, the app with its lifespan, a client."""

import asyncio
import atexit
import contextlib
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from playground.auth.config import AuthConfig
from playground.aws.config import AwsConfig
from playground.config import Environment, Settings
from playground.course.counters import SQLCounter, count_sql
from playground.course.server import serve
from playground.database import create_engine
from playground.domains.notifications.config import NotificationsConfig
from playground.main import create_app

BASE_URL = "http://playground.test"
TEST_DATABASE_URL = "PLAYGROUND_TEST_DATABASE_URL"
DEFAULT_PASSWORD = "correct-horse-battery"
# Cheap Argon2 for the course and tests; the app's defaults stay the production ones.
FAST_HASHING = {"PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_KIB": 1024}


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
        await self.client.aclose()
        await self._lifespan.__aexit__(None, None, None)
        await _drop_database(self.settings.DATABASE_URL)
        shutil.rmtree(self.workdir, ignore_errors=True)

    async def __aenter__(self) -> "Playground":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


# One migrated template per database server, copied for every playground instead of migrated
# again. SQLite's is a file shared by every process of this user (notebook kernels, xdist
# workers) and named after what the schema depends on, so a kernel that finds it neither
# imports Alembic nor migrates; PostgreSQL's is a database per process, dropped at exit.
_TEMPLATES: dict[tuple[int, str], str] = {}
_MIGRATIONS = Path(__file__).parents[1] / "migrations"
_SQLITE_TEMPLATES = Path(tempfile.gettempdir()) / f"playground-templates-{os.getuid()}"


async def _admin(server: str, statement: str) -> None:
    """Run one statement on the server's own database, outside a transaction."""
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await admin.dispose()


async def _migrate(database_url: str) -> None:
    """``alembic upgrade head`` on a database, then close every connection to it."""
    from playground import migrations  # Alembic: imported only when a template is made

    engine = create_engine(database_url)
    try:
        await migrations.upgrade(engine)
    finally:
        # Closing the last connection checkpoints a SQLite WAL into the file and removes it;
        # PostgreSQL copies a template only while nobody is connected to it.
        await engine.dispose()


def _drop_at_exit(server: str, database: str) -> None:
    # Best effort: the server may already be gone when this process exits.
    with contextlib.suppress(Exception):
        asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def _schema_key() -> str:
    """A digest of what a migrated schema depends on: the migration files, SQLAlchemy, Alembic."""
    digest = hashlib.sha256()
    for path in sorted(_MIGRATIONS.rglob("*")):
        if path.suffix in {".py", ".mako"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_MIGRATIONS).as_posix().encode())
            digest.update(path.read_bytes())
    for package in ("sqlalchemy", "alembic"):
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


async def _sqlite_template() -> Path:
    """The migrated SQLite template for the current migrations, made once for this user."""
    folder = _SQLITE_TEMPLATES
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"{_schema_key()}.db"
    if not path.exists():
        # Migrate a private file, then rename it into place: no process sees it half made.
        draft = folder / f"{path.stem}.{os.getpid()}-{uuid.uuid4().hex[:8]}.draft"
        try:
            await _migrate(f"sqlite+aiosqlite:///{draft}")
            draft.replace(path)
        finally:
            draft.unlink(missing_ok=True)
    return path


async def _new_template(server: str | None) -> str:
    """A freshly migrated template: a SQLite file's path, or a database name on ``server``."""
    if not server:
        return str(await _sqlite_template())
    name = f"playground_template_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    atexit.register(_drop_at_exit, server, name)
    await _migrate(make_url(server).set(database=name).render_as_string(hide_password=False))
    return name


async def _template(server: str | None) -> str:
    """This process's migrated template for ``server`` (``None``: SQLite), made on first use."""
    key = (os.getpid(), server or "")
    if key not in _TEMPLATES:
        made = await _new_template(server)
        _TEMPLATES.setdefault(key, made)  # a concurrent start() may have stored one meanwhile
    return _TEMPLATES[key]


def _copy_sqlite(template: Path, target: Path) -> None:
    wal = template.with_name(f"{template.name}-wal")
    if wal.exists() and wal.stat().st_size:
        raise RuntimeError(f"{template} has pages in its WAL: a copy of the file would lack them")
    shutil.copyfile(template, target)


async def _create_database(workdir: Path) -> str:
    """A throwaway copy of the migrated template: a SQLite file, or a database on the server."""
    server = os.environ.get(TEST_DATABASE_URL)
    template = await _template(server)
    if not server:
        path = workdir / "playground.db"
        _copy_sqlite(Path(template), path)
        return f"sqlite+aiosqlite:///{path}"
    url = make_url(server).set(database=f"playground_{uuid.uuid4().hex[:16]}")
    await _admin(server, f'CREATE DATABASE "{url.database}" TEMPLATE "{template}"')
    return url.render_as_string(hide_password=False)


async def _drop_database(database_url: str) -> None:
    server = os.environ.get(TEST_DATABASE_URL)
    url = make_url(database_url)
    if not server or url.get_backend_name() == "sqlite":
        return
    await _admin(server, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def _local_s3(*, start: bool) -> dict[str, Any]:
    """This process's local S3 server and a bucket of the playground's own; or, unless asked
    for, an address where nothing listens (file storage then answers 503, quickly)."""
    from playground.course import s3

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
    ``AuthConfig``, ``AwsConfig`` and ``NotificationsConfig``; ``.env`` is not read, so a
    notebook shows the same thing on every machine. ``s3=True`` points the app at this
    process's local S3 server (a bucket of its own); otherwise at an address where nothing
    listens. The database is a copy of a migrated template (one SQLite file per user and
    migrations, see ``_sqlite_template``), or, with ``PLAYGROUND_TEST_DATABASE_URL`` set
    (``make test-postgres``), a new database on that PostgreSQL server, copied from a
    template made once per process. A ``DATABASE_URL`` given in ``settings`` is migrated in
    place instead.
    """
    workdir = Path(tempfile.mkdtemp(prefix="playground-"))
    overrides = settings or {}
    own_database = "DATABASE_URL" in overrides
    database_url = overrides["DATABASE_URL"] if own_database else await _create_database(workdir)
    app_settings = Settings(
        _env_file=None,
        **{"ENVIRONMENT": Environment.TEST, **overrides, "DATABASE_URL": database_url},
    )
    auth_config = AuthConfig(_env_file=None, **{**FAST_HASHING, **(auth or {})})
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
    return Playground(
        app=app,
        client=client,
        settings=app_settings,
        auth_config=auth_config,
        aws_config=aws_config,
        notifications_config=notifications_config,
        workdir=workdir,
        _lifespan=lifespan,
    )
