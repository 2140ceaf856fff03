"""Liveness (``/health``, no I/O) and readiness (``/health/ready``: the database, and the queue's
Redis when emails go there), each outside system asked with a bound: a 503, never a hang."""

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

import course
from playground import readiness
from playground.auth.config import AuthConfig
from playground.config import Environment, Settings
from playground.exceptions import NotReady
from playground.main import create_app
from tests.helpers import assert_error

REDIS_DOWN = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
async def gone(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose SQLite file is in a folder that does not exist: the database is not there."""
    missing = tmp_path / "unmounted" / "playground.db"
    settings = Settings(
        _env_file=None, ENVIRONMENT=Environment.TEST, DATABASE_URL=f"sqlite+aiosqlite:///{missing}"
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client
    await app.state.engine.dispose()
    # aiosqlite stops a connection that failed to open in its own thread, then hands the result
    # to this loop: wait for those threads while the loop still runs (not after it closed).
    for thread in threading.enumerate():
        if thread.name.endswith("(_connection_worker_thread)"):
            await asyncio.to_thread(thread.join, 10)


async def test_ready_when_the_database_answers(pg: course.Playground) -> None:
    with pg.count_sql() as sql:
        response = await pg.client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok"}}
    assert sql.statements == ["SELECT 1"]


async def test_liveness_touches_nothing(pg: course.Playground) -> None:
    with pg.count_sql() as sql:
        assert (await pg.client.get("/health")).status_code == 200
    assert sql.count == 0


async def test_a_database_that_is_not_there_is_not_ready_but_alive(
    gone: httpx.AsyncClient,
) -> None:
    assert (await gone.get("/health")).status_code == 200  # alive: a restart would not help
    body = assert_error(await gone.get("/health/ready"), 503, "NOT_READY")
    assert body["detail"] == "Not ready: database: OperationalError"


async def test_a_queue_on_redis_that_is_down_is_not_ready() -> None:
    down = {"DELIVERY": "queue", "QUEUE_URL": REDIS_DOWN}
    async with await course.start(notifications=down) as pg:
        started = time.perf_counter()
        body = assert_error(await pg.client.get("/health/ready"), 503, "NOT_READY")
        assert time.perf_counter() - started < readiness.READY_TIMEOUT_SECONDS + 1
    assert body["detail"] == "Not ready: queue: ConnectionError"  # the database answered


async def test_the_queue_is_asked_only_when_emails_go_to_redis() -> None:
    on_sqlite = {"DELIVERY": "queue"}  # the course's queue: a SQLite file on this machine
    redis_unused = {"QUEUE_URL": REDIS_DOWN}  # DELIVERY=background: no queue to wait for
    for notifications in (on_sqlite, redis_unused):
        async with await course.start(notifications=notifications) as pg:
            response = await pg.client.get("/health/ready")
            assert response.json() == {"status": "ready", "checks": {"database": "ok"}}


async def test_a_database_that_hangs_is_a_503_after_the_bound(pg: course.Playground) -> None:
    async def hangs() -> None:
        await asyncio.Event().wait()  # a connection that never comes back

    pg.app.state.readiness_probes["database"] = hangs
    async with asyncio.timeout(readiness.READY_TIMEOUT_SECONDS * 5):  # fails here if it hangs
        response = await pg.client.get("/health/ready")
    body = assert_error(response, 503, "NOT_READY")
    assert body["detail"] == "Not ready: database: no answer within 2 s"


async def test_every_system_that_is_down_is_named_and_they_are_asked_at_once() -> None:
    async def fails() -> None:
        raise ConnectionRefusedError

    async def hangs() -> None:
        await asyncio.sleep(60)

    async def answers() -> None:
        return None

    started = time.perf_counter()
    with pytest.raises(NotReady) as raised:
        await readiness.check({"a": answers, "b": fails, "c": hangs, "d": hangs}, within=0.3)
    assert time.perf_counter() - started < 0.3 * 3  # not 0.3 s per hanging system
    assert raised.value.message == (
        "Not ready: b: ConnectionRefusedError; c: no answer within 0.3 s; d: no answer within 0.3 s"
    )
    ok = await readiness.check({"a": answers}, within=0.3)
    assert ok.model_dump() == {"status": "ready", "checks": {"a": "ok"}}


async def test_a_silent_redis_is_bounded_by_the_probe_itself() -> None:
    """A server that accepts and never answers: redis-py's socket timeout ends the wait even
    for a caller that set no bound of its own."""

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up and closes
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        probe = readiness.redis(f"redis://127.0.0.1:{port}/0")
        with pytest.raises(Exception) as raised:
            async with asyncio.timeout(readiness.READY_TIMEOUT_SECONDS * 5):
                await probe()
        assert type(raised.value).__name__ == "TimeoutError"
        assert type(raised.value).__module__.startswith("redis")  # its own, not the guard's
        with pytest.raises(NotReady, match=r"queue: no answer within 0\.2 s"):
            await readiness.check({"queue": probe}, within=0.2)


async def test_the_openapi_document_names_the_503(pg: course.Playground) -> None:
    settings = Settings(_env_file=None, ENVIRONMENT=Environment.LOCAL)
    document = create_app(settings).openapi()
    responses = document["paths"]["/health/ready"]["get"]["responses"]
    assert "`NOT_READY`" in responses["503"]["description"]


@pytest.mark.parametrize(
    ("environment", "tells"),
    [
        (Environment.LOCAL, True),
        (Environment.TEST, True),
        (Environment.STAGING, False),
        (Environment.PRODUCTION, False),
    ],
)
async def test_only_local_and_test_say_which_process_answered(
    environment: Environment, tells: bool
) -> None:
    auth = AuthConfig(_env_file=None, JWT_SECRET="s" * 40)
    app = create_app(Settings(_env_file=None, ENVIRONMENT=environment), auth)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for path in ("/health", "/nowhere"):
            response = await client.get(path)
            said = response.headers.get("x-process-id")
            assert said == (str(os.getpid()) if tells else None), (path, said)
