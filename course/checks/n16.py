"""Notebook 16's exercise: the upload-complete check with a sync SDK, off the event loop."""

import asyncio
import random
import threading
import time
from collections.abc import Awaitable, Callable

import httpx
from fastapi import FastAPI

from course import probes
from course.exercises import Check, answered
from course.labs import n07_timeline as timeline
from course.labs.n16_sdk import OVERLAPPED
from playground.aws.schemas import StoredObject

Head = Callable[[str], StoredObject | None]
IsUploaded = Callable[[Head, str, int], Awaitable[bool]]

_BUCKET = {"a/hello.txt": StoredObject(size=5, content_type="text/plain")}


def _head(key: str) -> StoredObject | None:
    """A stand-in for boto3's ``head_object``: what the bucket holds, answered at once."""
    return _BUCKET.get(key)


async def _ask(is_uploaded: IsUploaded, head: Head, key: str, size: int) -> bool:
    try:
        got: bool = answered(await is_uploaded(head, key, size))
    except AttributeError as exc:
        if "'coroutine'" not in str(exc):
            raise
        raise AssertionError(
            f"{exc}: run_in_threadpool(...) gives a coroutine; await it for head's answer"
        ) from None
    return got


def is_uploaded(is_uploaded: IsUploaded, *, delay: float, n: int) -> list[Check]:
    """Checks for ``is_uploaded(head, key, size)``: its answers, where ``head`` ran, and ``n``
    calls at once against a ``head`` that blocks for ``delay`` seconds, with ``/health`` probed."""

    async def answers() -> None:
        unseen_size = random.randint(6, 9999)  # an object the learner cannot foresee
        unseen = f"u/{random.randint(100, 999)}.bin"
        stored = StoredObject(size=unseen_size, content_type="application/octet-stream")
        bucket = {**_BUCKET, unseen: stored}

        asked: list[str] = []

        def head(key: str) -> StoredObject | None:
            asked.append(key)
            return bucket.get(key)

        for key, size, expected in [
            ("a/hello.txt", 5, True),
            (unseen, unseen_size, True),
            (unseen, unseen_size - 1, False),
            ("a/missing.txt", 5, False),
        ]:
            got = await _ask(is_uploaded, head, key, size)
            assert asked or got is expected, (
                f"is_uploaded(head, {key!r}, {size}) gave {got!r}, and head was never called: "
                "ask head(key) what the bucket holds"
            )
            held = bucket.get(key)
            if got is True and held is not None and held.size != size:
                raise AssertionError(
                    f"is_uploaded(head, {key!r}, {size}) gave True, but that object has "
                    f"{held.size} bytes: compare its size with the declared one"
                )
            assert got is expected, f"is_uploaded(head, {key!r}, {size}) gave {got!r}"

    async def thread() -> None:
        seen: list[int] = []

        def head(key: str) -> StoredObject | None:
            seen.append(threading.get_ident())
            return _head(key)

        await is_uploaded(head, "a/hello.txt", 5)
        assert seen, "head was never called"
        assert threading.get_ident() not in seen, "head ran on the event loop's own thread"

    def slow_head(key: str) -> StoredObject | None:
        time.sleep(delay)  # a slow S3, answered by a blocking SDK
        return _head(key)

    app = FastAPI()

    @app.get("/complete")
    async def complete() -> dict[str, object]:
        return {"uploaded": await is_uploaded(slow_head, "a/hello.txt", 5)}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    async def health_probe(client: httpx.AsyncClient, t0: float) -> float:
        await asyncio.sleep(delay / 4)  # due a quarter delay in; a blocked loop sends it later
        assert (await client.get("/health")).status_code == 200
        return time.perf_counter() - t0 - delay / 4

    measured: dict[str, float] = {}

    async def burst() -> dict[str, float]:
        if not measured:
            async with probes.client(app) as client:
                with timeline.gc_paused():
                    t0 = time.perf_counter()
                    probe = asyncio.create_task(health_probe(client, t0))
                    await asyncio.gather(*(client.get("/complete") for _ in range(n)))
                    measured.update(wall=time.perf_counter() - t0, health=await probe)
        return measured

    async def ran() -> dict[str, float]:
        seen = await burst()
        assert seen["wall"] >= 0.8 * delay, "the slow head did not run: call head(key)"
        return seen

    async def overlap() -> None:
        wall = (await ran())["wall"]
        serial = wall / (n * delay)
        assert serial <= OVERLAPPED, f"{n} calls took {serial:.0%} of {n} x delay: serialized"

    async def health_fast() -> None:
        late = (await ran())["health"]
        assert late <= 0.5 * delay, f"/health waited {late / delay:.1f} x delay for its answer"

    right = Check(
        "is_uploaded answers: right size True, wrong size or no object False",
        "True only if head(key) found an object and its size is the declared one",
        answers,
    )
    off_the_loop = Check(
        "head runs in a worker thread, not on the event loop",
        "await starlette.concurrency.run_in_threadpool(head, key)",
        thread,
        needs=right,
    )
    return [
        right,
        off_the_loop,  # head on the loop serializes the burst and delays /health: one mistake
        Check(
            f"{n} concurrent completes against a slow S3 overlap "
            f"({OVERLAPPED:.0%} of {n} x delay or less)",
            "a blocking call awaited through the thread pool leaves the loop free",
            overlap,
            needs=off_the_loop,
        ),
        Check(
            "/health answers at once during the burst",
            "nothing in is_uploaded may block the loop: only the thread waits for S3",
            health_fast,
            needs=off_the_loop,
        ),
    ]
