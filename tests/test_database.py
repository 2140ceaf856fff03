import asyncio
import contextlib
import os
import socket
import struct
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import Request
from sqlalchemy import Executable, event, insert, make_url, text
from sqlalchemy.exc import IntegrityError
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
from playground.exceptions import DatabaseUnavailable
from playground.main import create_app
from tests import pg_wire
from tests.bench_app import asyncpg_dsn
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
        with pytest.raises(DatabaseUnavailable):  # what the engine makes of any failed connect
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


# ---------------------------------------------------------------- a bounded wait, then a 503

MISSING_POST = "/posts/00000000-0000-4000-8000-000000000000"


async def test_an_exhausted_pool_is_a_bounded_503_and_the_next_request_is_served() -> None:
    one_connection = {
        "DATABASE_POOL_SIZE": 1,
        "DATABASE_MAX_OVERFLOW": 0,
        "DATABASE_POOL_TIMEOUT_SECONDS": 0.3,
    }
    async with await course.start(settings=one_connection) as pg:
        async with pg.app.state.engine.connect() as held:  # the pool's only connection
            await held.execute(text("SELECT 1"))
            started = time.perf_counter()
            busy = await pg.client.get(MISSING_POST)
            waited = time.perf_counter() - started
        assert busy.status_code == 503, busy.text
        assert busy.json()["code"] == "DATABASE_BUSY"
        assert busy.headers["Retry-After"] == "1"
        assert 0.3 <= waited < 5, waited  # the pool timeout, not SQLAlchemy's 30 s
        served = await pg.client.get(MISSING_POST)  # the connection is back: served again
        assert served.json()["code"] == "POST_NOT_FOUND"


async def _served_on(database_url: str, **settings: Any) -> tuple[int, dict[str, Any], float]:
    """One read through an app whose database is ``database_url``: status, body, seconds."""
    app = create_app(Settings(_env_file=None, DATABASE_URL=database_url, **settings))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            started = time.perf_counter()
            answer = await client.get(MISSING_POST)
            return answer.status_code, answer.json(), time.perf_counter() - started
    finally:
        await app.state.engine.dispose()


async def test_a_postgres_that_refuses_connections_is_a_503_at_once() -> None:
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+asyncpg://app:secret@127.0.0.1:{port}/app"
    status, body, seconds = await _served_on(url)
    assert (status, body["code"]) == (503, "DATABASE_UNAVAILABLE"), body
    assert seconds < 2, seconds
    assert "secret" not in str(body)


async def test_a_postgres_that_never_answers_is_a_503_after_the_connect_timeout() -> None:
    # A server that takes the TCP connection and never says a word (a stuck host, a full
    # backlog behind a proxy): without a connect timeout asyncpg waits 60 s.
    taken: list[asyncio.StreamWriter] = []
    silent = await asyncio.start_server(lambda _, writer: taken.append(writer), "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    url = f"postgresql+asyncpg://app:secret@127.0.0.1:{port}/app"
    try:
        status, body, seconds = await _served_on(url, DATABASE_CONNECT_TIMEOUT_SECONDS=0.5)
    finally:
        for writer in taken:
            writer.close()
        silent.close()
        await silent.wait_closed()
    assert taken  # the connection was made: the wait was for an answer
    assert (status, body["code"]) == (503, "DATABASE_UNAVAILABLE"), body
    assert 0.5 <= seconds < 5, seconds


@ON_POSTGRES
async def test_a_connection_lost_mid_request_is_a_503_and_the_pool_recovers() -> None:
    async with await course.start(settings={"DATABASE_POOL_SIZE": 1}) as pg:
        assert (await pg.client.get(MISSING_POST)).status_code == 404  # its connection pooled
        database = make_url(pg.settings.DATABASE_URL)
        admin = await asyncpg.connect(asyncpg_dsn(pg.settings.DATABASE_URL), ssl=False)
        try:  # the server ends the pooled connection's session, as a restart would
            ended = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = $1 AND pid <> pg_backend_pid()",
                database.database,
            )
        finally:
            await admin.close()
        assert ended >= 1
        lost = await pg.client.get(MISSING_POST)
        assert lost.status_code == 503 and lost.json()["code"] == "DATABASE_UNAVAILABLE"
        # The pool dropped the dead connection: the next request opens a new one.
        assert (await pg.client.get(MISSING_POST)).json()["code"] == "POST_NOT_FOUND"


async def test_any_other_driver_error_stays_a_500_with_its_traceback_logged(
    pg: course.Playground, caplog: pytest.LogCaptureFixture
) -> None:
    # Only a lost connection is the database's fault (503); a statement the server refuses is
    # the app's (a bug): the DBAPIError handler hands it on to the 500 handler.
    app = apps.side_app(pg)

    @app.get("/bad-sql")
    async def bad_sql(session: SessionDep) -> None:
        await session.execute(text("SELECT * FROM no_such_table"))

    async with apps.client(app, raise_errors=False) as client:
        answer = await client.get("/bad-sql")
    assert (answer.status_code, answer.json()["code"]) == (500, "INTERNAL_ERROR")
    [logged] = [record for record in caplog.records if record.name == "playground.handlers"]
    assert logged.exc_info is not None and "no_such_table" in str(logged.exc_info[1])
