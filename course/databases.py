"""Throwaway databases for playgrounds: a migrated template, copied for each one."""

import asyncio
import atexit
import contextlib
import getpass
import hashlib
import os
import shutil
import tempfile
import uuid
from importlib import metadata
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

import playground
from playground.database import create_engine

TEST_DATABASE_URL = "PLAYGROUND_TEST_DATABASE_URL"

# One migrated template per database server, copied for every playground instead of migrated
# again. SQLite's is a file shared by every process of this user (notebook kernels, xdist
# workers) and named after what the schema depends on, so a kernel that finds it neither
# imports Alembic nor migrates; PostgreSQL's is a database per process, dropped at exit.
_TEMPLATES: dict[tuple[int, str], str] = {}
_MIGRATIONS = Path(playground.__file__).parent / "migrations"
_SQLITE_TEMPLATES = Path(tempfile.gettempdir()) / f"playground-templates-{getpass.getuser()}"


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


async def create(workdir: Path) -> str:
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


def drop_at_exit(database_url: str) -> None:
    """:func:`drop` for a process that is exiting (no event loop of its own any more)."""
    server = os.environ.get(TEST_DATABASE_URL)
    url = make_url(database_url)
    if server and url.get_backend_name() != "sqlite" and url.database:
        _drop_at_exit(server, url.database)


async def drop(database_url: str) -> None:
    server = os.environ.get(TEST_DATABASE_URL)
    url = make_url(database_url)
    if not server or url.get_backend_name() == "sqlite":
        return
    await _admin(server, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
