import asyncio
import contextlib
import os
import struct
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from fastapi import Request
from sqlalchemy import Executable, event, insert, make_url, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

import course
from course import apps
from playground.auth.models import AuthUser
from playground.config import Settings
from playground.database import (
    FOREIGN_KEY_VIOLATION,
    ReadOnlySession,
    SessionDep,
    _sqlite_pragmas,
    create_engine,
    violated_constraint,
)
from playground.domains.posts.models import Post, PostReview
from playground.main import create_app
from tests import pg_wire
from tests.factories import create_user
from tests.helpers import count, create_post, run


def _user(**fields: object) -> Executable:
    values = {
        "username": "grace",
        "email": "grace@example.com",
        "password_hash": "x",
        "first_name": "Grace",
        **fields,
    }
    return insert(AuthUser).values(**values)


async def _violation(pg: course.Playground, statement: Executable) -> str | None:
    with pytest.raises(IntegrityError) as caught:
        await run(pg, statement)
    return violated_constraint(caught.value)


async def test_violated_constraint_names_unique_and_check_constraints(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    review = {"post_id": uuid.UUID(post["id"]), "author_id": ada.id, "rating": 5}
    await run(pg, insert(PostReview).values(**review))
    # The names the naming convention gives, whatever the dialect reports.
    assert await _violation(pg, _user(username="ada")) == "auth_user_username_key"
    assert await _violation(pg, _user(email="ada@example.com")) == "auth_user_email_key"
    assert await _violation(pg, _user(age=17)) == "auth_user_age_adult_check"
    assert await _violation(pg, insert(PostReview).values(**review)) == (
        "post_review_post_id_author_id_key"
    )


async def test_violated_constraint_reports_foreign_keys_and_not_nulls(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada")
    orphan = insert(PostReview).values(post_id=uuid.uuid4(), author_id=ada.id, rating=5)
    # SQLite does not say which foreign key failed; PostgreSQL names it.
    expected = (
        FOREIGN_KEY_VIOLATION if pg.engine.dialect.name == "sqlite" else "post_review_post_id_fkey"
    )
    assert await _violation(pg, orphan) == expected
    assert await _violation(pg, _user(first_name=None)) is None


def test_sqlite_pragmas_are_set_only_on_sqlite() -> None:
    sqlite = create_engine("sqlite+aiosqlite:///:memory:")
    postgres = create_engine("postgresql+asyncpg://playground@localhost/playground")
    assert event.contains(sqlite.sync_engine, "connect", _sqlite_pragmas)
    assert not event.contains(postgres.sync_engine, "connect", _sqlite_pragmas)


async def test_sqlite_connections_use_wal_with_synchronous_normal(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'pragmas.db'}")
    try:
        async with engine.connect() as connection:
            journal = await connection.scalar(text("PRAGMA journal_mode"))
            synchronous = await connection.scalar(text("PRAGMA synchronous"))
    finally:
        await engine.dispose()
    assert (journal, synchronous) == ("wal", 1)  # 1 is NORMAL


# ---------------------------------------------------------------- no TLS to loopback


async def _first_messages(host: str, **settings: Any) -> list[int]:
    """The code of the first message of each connection the app's engine opens to ``host``,
    as a fake server on loopback reads it before hanging up (so connecting fails)."""
    codes: list[int] = []

    async def first_message(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            codes.append(struct.unpack("!ii", await reader.readexactly(8))[1])
        writer.close()

    server = await asyncio.start_server(first_message, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = f"postgresql+asyncpg://playground@{host}:{port}/playground"
    app = create_app(Settings(_env_file=None, DATABASE_URL=url, **settings))
    try:
        with pytest.raises((OSError, DBAPIError)):
            async with app.state.engine.connect():
                pass
    finally:
        await app.state.engine.dispose()
        server.close()
        await server.wait_closed()
    return codes


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_a_loopback_postgres_is_reached_without_asking_for_tls(host: str) -> None:
    # The default: straight to the startup message; no SSLRequest, no TLS context made.
    assert set(await _first_messages(host)) == {pg_wire.PROTOCOL_3}
    # asyncpg's own default, what the app had before: an SSLRequest first.
    assert (await _first_messages(host, DATABASE_SSL_MODE="prefer"))[0] == pg_wire.SSL_REQUEST


# ---------------------------------------------------------------- a safe request only reads


async def test_a_get_gets_a_read_only_session_and_a_write_in_it_is_a_500(
    pg: course.Playground,
) -> None:
    app = apps.side_app(pg)
    seen: dict[str, tuple[str, bool]] = {}

    async def add_user(session: SessionDep) -> None:
        session.add(
            AuthUser(username="x", email="x@example.com", password_hash="-", first_name="x")
        )
        await session.commit()

    @app.get("/write-in-a-get")
    async def write_in_a_get(request: Request, session: SessionDep) -> None:
        await add_user(session)

    @app.post("/write-in-a-post", status_code=204)
    async def write_in_a_post(session: SessionDep) -> None:
        await add_user(session)

    @app.get("/read")
    async def read(request: Request, session: SessionDep) -> None:
        bind = session.bind
        assert isinstance(bind, AsyncEngine)
        isolation = bind.get_execution_options().get("isolation_level", "the engine's")
        seen[request.method] = (isolation, isinstance(session.sync_session, ReadOnlySession))

    async with apps.client(app, raise_errors=False) as client:
        refused = await client.get("/write-in-a-get")
        assert (await client.get("/read")).status_code == 200
        assert (await client.post("/write-in-a-post")).status_code == 204
    assert (refused.status_code, refused.json()["code"]) == (500, "INTERNAL_ERROR")
    assert await count(pg, AuthUser) == 1  # the POST's
    # PostgreSQL: autocommit, no BEGIN or ROLLBACK; SQLite's driver sends no BEGIN for a read.
    expected = "AUTOCOMMIT" if pg.engine.dialect.name == "postgresql" else "the engine's"
    assert seen == {"GET": (expected, True)}


# ---------------------------------------------------------------- PostgreSQL: the wire, the pool

ON_POSTGRES = pytest.mark.skipif(
    not os.environ.get(course.TEST_DATABASE_URL), reason="PostgreSQL only (make test-postgres)"
)


@ON_POSTGRES
async def test_a_get_reads_a_post_in_one_round_trip(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    async with pg_wire.relay(pg.settings.DATABASE_URL) as (relayed, wire):
        app = create_app(pg.settings.model_copy(update={"DATABASE_URL": relayed}))
        try:
            async with apps.client(app) as client:
                for _ in range(3):  # a connection, its type set-up, the statement's prepare
                    (await client.get(f"/posts/{post['id']}")).raise_for_status()
                wire.reset()
                for _ in range(10):
                    (await client.get(f"/posts/{post['id']}")).raise_for_status()
                reads = (wire.round_trips, dict(wire.simple_queries), wire.client["E"])
                wire.reset()
                # The same read in a transaction, as any other request's session does it.
                async with app.state.sessionmaker() as session:
                    await session.get(Post, uuid.UUID(post["id"]))
                in_a_transaction = (wire.round_trips, sorted(wire.simple_queries))
        finally:
            await app.state.engine.dispose()
    assert reads == (10, {}, 10)  # the SELECT alone, ten times
    begin, rollback = in_a_transaction[1]
    assert (in_a_transaction[0], begin.split()[0], rollback) == (3, "BEGIN", "ROLLBACK")


CLIENTS = 16
LOAD_SECONDS = 3.0


async def _sessions_opened(pg: course.Playground) -> int:
    """``pg_stat_database.sessions`` of the playground's database, read from the server's own."""
    server = make_url(os.environ[course.TEST_DATABASE_URL]).set(drivername="postgresql")
    connection = await asyncpg.connect(server.render_as_string(hide_password=False), ssl=False)
    try:
        await asyncio.sleep(1.5)  # a backend reports its session at most 1 s late
        sessions = await connection.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = $1", pg.engine.url.database
        )
    finally:
        await connection.close()
    return int(sessions)


async def _new_sessions_under_load(pg: course.Playground) -> tuple[int, int]:
    """(new sessions, requests) while CLIENTS clients read a post for LOAD_SECONDS."""
    ada = await create_user(pg, "ada")
    path = f"/posts/{(await create_post(pg, ada))['id']}"
    before = await _sessions_opened(pg)
    deadline = time.monotonic() + LOAD_SECONDS
    served = 0

    async def client() -> None:
        nonlocal served
        while time.monotonic() < deadline:
            (await pg.client.get(path)).raise_for_status()
            served += 1

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return await _sessions_opened(pg) - before, served


@ON_POSTGRES
async def test_sixteen_clients_open_no_more_sessions_than_the_pool_holds() -> None:
    async with await course.start() as pg:
        opened, served = await _new_sessions_under_load(pg)
    assert served >= 2 * CLIENTS  # every client was served, more than once
    assert 0 < opened <= pg.settings.DATABASE_POOL_SIZE, (opened, served)
    # SQLAlchemy's defaults, 5 and 10 overflow: an overflow connection is closed when it comes
    # back and another opened for the next request, so more open than could be held at once.
    small_pool = {"DATABASE_POOL_SIZE": 5, "DATABASE_MAX_OVERFLOW": 10}
    async with await course.start(settings=small_pool) as small:
        churned, _ = await _new_sessions_under_load(small)
    assert churned > sum(small_pool.values()), churned
