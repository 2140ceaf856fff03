"""A sync SDK (boto3) next to the app's async client: a lab app and its measurements (the slow
S3 it talks to is ``n16_slow_s3``)."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import AsyncExitStack, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
import httpx
from botocore.exceptions import ClientError
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from course.labs.n07_timeline import Burst, gc_paused
from course.labs.n16_slow_s3 import SlowS3 as SlowS3
from course.labs.n16_slow_s3 import slow_s3 as slow_s3
from course.server import serve
from playground.aws.client import open_storage
from playground.aws.config import AwsConfig
from playground.aws.schemas import StoredObject
from playground.handlers import register_exception_handlers

PROBE_EVERY = 0.02  # seconds between two /health probes during a burst
SERIAL, OVERLAPPED = 0.8, 0.7  # shares of n x delay: one after the other / overlapped

BURST_HEADER = "x-burst-request"
_tag: ContextVar[str | None] = ContextVar("burst_request", default=None)
_sent: dict[str, float] = {}  # burst request -> when its first S3 request went out


_boto_session: Any = None


def _session() -> Any:
    """This process's boto3 session: clients made from it share the parsed service model."""
    global _boto_session
    if _boto_session is None:
        import boto3.session  # type: ignore[import-untyped]

        _boto_session = boto3.session.Session()
    return _boto_session


def boto3_client(config: AwsConfig, *, endpoint_url: str | None = None, pool: int = 10) -> Any:
    """A boto3 (sync) S3 client with the app client's timeouts, retries and addressing.

    ``pool`` is its connection pool: as many connections as threads may call it at once.
    """
    from botocore.config import Config

    return _session().client(
        "s3",
        region_name=config.REGION,
        endpoint_url=endpoint_url or config.ENDPOINT_URL,
        aws_access_key_id=config.ACCESS_KEY_ID.get_secret_value(),
        aws_secret_access_key=config.SECRET_ACCESS_KEY.get_secret_value(),
        config=Config(
            connect_timeout=config.CONNECT_TIMEOUT_SECONDS,
            read_timeout=config.READ_TIMEOUT_SECONDS,
            retries={"total_max_attempts": config.MAX_ATTEMPTS, "mode": "standard"},
            s3={"addressing_style": "path"},
            max_pool_connections=pool,
        ),
    )


def default_boto3_client(endpoint_url: str) -> Any:
    """A boto3 S3 client as ``boto3.client("s3", ...)`` makes it: the SDK's own defaults."""
    return _session().client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="playground",
        aws_secret_access_key="playground-secret",
    )


def head_object(client: Any, *, bucket: str, key: str) -> StoredObject | None:
    """What S3 holds under ``key``, asked with boto3: a blocking HEAD request."""
    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            return None
        raise
    return StoredObject(size=head["ContentLength"], content_type=head.get("ContentType"))


class _StampBegan:
    """A pure ASGI middleware: when each request tagged with ``BURST_HEADER`` reached the app;
    the tag stays in a context variable, which threads started with AnyIO inherit."""

    def __init__(self, app: ASGIApp, began: dict[str, float]) -> None:
        self.app = app
        self.began = began

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == BURST_HEADER.encode():
                    self.began[value.decode()] = time.perf_counter()
                    _tag.set(value.decode())
        await self.app(scope, receive, send)


def _stamp_sent(**_: Any) -> None:
    """botocore's ``before-send``: a tagged request's first S3 request goes out now."""
    tag = _tag.get()
    if tag is not None:
        _sent.setdefault(tag, time.perf_counter())
    # returning None: botocore sends the request (a returned value would be its response)


def stamp_s3_requests(client: Any) -> Any:
    """Have ``client`` (boto3 or aiobotocore) note when a burst's S3 requests go out."""
    client.meta.events.register("before-send.s3", _stamp_sent)
    return client


def lab_app(config: AwsConfig) -> FastAPI:
    """An empty app with the playground's S3 storage (``StorageDep``, its S3 requests stamped),
    error handlers and ``/health``; it keeps its loop's thread limiter."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
        app.state.thread_limiter = anyio.to_thread.current_default_thread_limiter()
        async with open_storage(config) as storage:
            stamp_s3_requests(await storage._s3())  # the course may look inside
            yield {"storage": storage}

    app = FastAPI(lifespan=lifespan)
    app.state.began = {}
    app.add_middleware(_StampBegan, began=app.state.began)
    register_exception_handlers(app)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


@dataclass
class Served:
    """A lab app under uvicorn: its URL, a client, and the server loop's thread limiter."""

    app: FastAPI
    base_url: str
    client: httpx.AsyncClient
    _stack: AsyncExitStack

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        limiter: anyio.CapacityLimiter = self.app.state.thread_limiter
        return limiter

    async def close(self) -> None:
        """Stop the server (and its lifespan); ``serving`` starts a new one after this."""
        if getattr(self.app.state, "served", None) is self:
            del self.app.state.served
        await self._stack.aclose()


async def serving(app: FastAPI) -> Served:
    """Run a ``lab_app`` under a real uvicorn (its own thread and loop) until ``close()``.

    Asked again for the same app while it runs, it returns the running server.
    """
    running: Served | None = getattr(app.state, "served", None)
    if running is not None:
        return running
    stack = AsyncExitStack()
    try:
        base_url = await stack.enter_async_context(serve(app))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=base_url, timeout=30))
    except BaseException:
        await stack.aclose()
        raise
    app.state.served = Served(app=app, base_url=base_url, client=client, _stack=stack)
    return app.state.served  # type: ignore[no-any-return]


@dataclass(frozen=True)
class SlowBurst(Burst):
    """A ``Burst``, and how long each ``/health`` probe sent meanwhile waited for its answer."""

    health: list[float] = field(default_factory=list)

    @property
    def worst_health(self) -> float:
        return max(self.health, default=0.0)


async def burst(
    server: Served,
    path: str,
    n: int,
    *,
    probe_every: float = PROBE_EVERY,
    watch_threads: bool = False,
) -> SlowBurst:
    """GET ``path`` ``n`` times at once on a served lab app; probe ``/health`` until done
    (no garbage collection meanwhile: ``timeline.gc_paused``).

    A span runs from when the request's first S3 request went out (with a client passed to
    ``stamp_s3_requests``; else from when it reached the app) to when its answer came.
    """
    tag, began = uuid.uuid4().hex[:8], server.app.state.began
    done = asyncio.Event()
    health: list[float] = []
    peak = {"busy": 0, "waiting": 0}

    async def one(index: int) -> float:
        response = await server.client.get(path, headers={BURST_HEADER: f"{tag}-{index}"})
        assert response.status_code == 200, response.text
        return time.perf_counter()

    async def probe() -> None:
        await asyncio.sleep(probe_every / 2)  # the burst's requests go first
        while not done.is_set():
            sent = time.perf_counter()
            assert (await server.client.get("/health")).status_code == 200
            health.append(time.perf_counter() - sent)
            await asyncio.sleep(probe_every)

    async def watch() -> None:
        while watch_threads and not done.is_set():
            stats = server.limiter.statistics()
            peak["busy"] = max(peak["busy"], stats.borrowed_tokens)
            peak["waiting"] = max(peak["waiting"], stats.tasks_waiting)
            await asyncio.sleep(0.005)

    with gc_paused():
        helpers = [asyncio.create_task(probe()), asyncio.create_task(watch())]
        t0 = time.perf_counter()
        try:
            ends = await asyncio.gather(*(one(index) for index in range(n)))
        finally:
            wall = time.perf_counter() - t0
            done.set()
            await asyncio.gather(*helpers)
    spans = []
    for index, end in enumerate(ends):
        arrived = began.pop(f"{tag}-{index}")
        spans.append((_sent.pop(f"{tag}-{index}", arrived) - t0, end - t0))
    return SlowBurst(wall, spans, peak["busy"], peak["waiting"], health=health)


async def timed(call: Awaitable[Any]) -> tuple[Any, float]:
    """Await ``call``; its result and the seconds it took."""
    started = time.perf_counter()
    result = await call
    return result, time.perf_counter() - started


def serialized(wall: float, *, n: int, delay: float) -> bool | None:
    """``True`` if ``n`` calls of ``delay`` took about ``n x delay`` (at least ``SERIAL`` of it),
    ``False`` if at most ``OVERLAPPED`` of it (overlapping calls take about 1.5 x delay, a loaded
    CI worker has taken over 2.5 x), ``None`` in between (no verdict)."""
    share = wall / (n * delay)
    return True if share >= SERIAL else False if share <= OVERLAPPED else None
