"""Engine, session dependency, the MetaData every table hangs on, and the shared columns."""

import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from playground.exceptions import DatabaseUnavailable

logger = logging.getLogger(__name__)

# PostgreSQL's own names; a multi-column unique constraint is named after all of its columns
# (``column_0_N_name``), so two of them on one table cannot collide.
NAMING_CONVENTION = {
    "ix": "%(column_0_label)s_idx",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

SQLITE_BUSY_TIMEOUT_MS = 15_000


class Base(DeclarativeBase):
    metadata = metadata


def utcnow() -> datetime:
    return datetime.now(UTC)


class IdMixin:
    """A UUID primary key, made by the app (no round trip to learn it)."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4, sort_order=-1)


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, sort_order=1
    )


class TimestampMixin(CreatedAtMixin):
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, sort_order=1
    )


def enum_column(enum: type[StrEnum], *, length: int) -> Enum:
    """A column type for a ``StrEnum``: stores the values as ``VARCHAR(length)``, no DB enum.

    ``values_callable`` stores ``"AC/DC"`` rather than the member's name ``ACDC``; with no
    native type and no CHECK constraint, adding a member needs no migration.
    """
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores FKs unless asked, per connection
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    # In WAL mode NORMAL cannot corrupt the database; it syncs at checkpoints instead of on every
    # commit, so a write transaction holds SQLite's one write lock for less time.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")  # wait, don't fail, on a lock
    cursor.close()


async def _connect_or_unavailable(*args: Any, **kwargs: Any) -> Any:
    """asyncpg's ``connect``, its failures one error: the server refused the connection, did
    not answer within the connect timeout, or would not take one more (``DATABASE_UNAVAILABLE``,
    a 503, where the driver's own error would be a 500)."""
    import asyncpg  # the postgres extra: only a PostgreSQL URL gets here

    try:
        return await asyncpg.connect(*args, **kwargs)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        # OSError: refused, unreachable, unknown host, and the connect timeout (TimeoutError)
        logger.warning("cannot connect to the database: %s: %s", type(exc).__name__, exc)
        raise DatabaseUnavailable() from exc


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; on SQLite with foreign keys on, WAL, synchronous=NORMAL, a busy timeout;
    on PostgreSQL a connection that cannot be opened is a ``DatabaseUnavailable``."""
    if database_url.startswith("postgresql+asyncpg"):
        connect_args = {**kwargs.pop("connect_args", {})}
        connect_args.setdefault("async_creator_fn", _connect_or_unavailable)
        kwargs["connect_args"] = connect_args
    engine = create_async_engine(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


# HTTP's safe methods: a request with one of them changes nothing (RFC 9110, 9.2.1).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlySessionError(RuntimeError):
    """A safe request's session was asked to write: a bug in the route, answered with a 500."""


class ReadOnlySession(Session):
    """The session of a safe request: flushing an added, changed or deleted object raises."""


@event.listens_for(ReadOnlySession, "before_flush")
def _refuse_to_write(session: Session, *_: object) -> None:
    raise ReadOnlySessionError("a GET, HEAD or OPTIONS request only reads")


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for safe requests. On PostgreSQL in autocommit: each SELECT runs alone, one
    round trip, where a transaction adds two (``BEGIN`` before it, ``ROLLBACK`` when the
    session closes). SQLite's driver sends no ``BEGIN`` before a SELECT: nothing to save."""
    if engine.dialect.name != "sqlite":
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=ReadOnlySession)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, closed as soon as the route function returns.

    Services commit their own writes, before the route returns. A safe request (``GET``)
    writes nothing: it gets a read-only session, without a transaction on PostgreSQL. The
    dependency is declared with ``scope="function"``: by default (FastAPI >= 0.118) the code
    after ``yield`` runs only after the response has been sent *and after its background
    tasks*, so a request whose task opens a second session would hold two pooled connections
    at once, and under load every connection ends up held by a request waiting for one (pool
    exhaustion, measured in ``make bench``).
    """
    state = request.app.state
    sessionmaker: async_sessionmaker[AsyncSession] = (
        state.read_sessionmaker if request.method in SAFE_METHODS else state.sessionmaker
    )
    async with sessionmaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def get_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    """For work that outlives the request (background tasks): it opens its own session."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return sessionmaker


SessionmakerDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]


FOREIGN_KEY_VIOLATION = "<foreign key>"


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the constraint an ``IntegrityError`` violated, to map it to an error code.

    PostgreSQL (asyncpg) reports the name. SQLite reports the columns of a unique constraint
    (``UNIQUE constraint failed: post_review.post_id, post_review.author_id``), from which the
    naming convention gives the name back; for a foreign key it reports no name at all
    (``FOREIGN_KEY_VIOLATION``).
    """
    name = getattr(exc.orig.__cause__, "constraint_name", None) if exc.orig else None
    if isinstance(name, str):
        return name
    message = str(exc.orig)
    if message.startswith("UNIQUE constraint failed: "):
        columns = [c.strip().split(".") for c in message.split(": ", 1)[1].split(",")]
        return f"{columns[0][0]}_{'_'.join(column for _, column in columns)}_key"
    if message.startswith("CHECK constraint failed: "):
        return message.split(": ", 1)[1]
    if message.startswith("FOREIGN KEY constraint failed"):
        return FOREIGN_KEY_VIOLATION
    return None
