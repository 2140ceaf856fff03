"""Notebook 07's exercise: hand a blocking call to the thread pool from an ``async def`` route."""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI

from course import probes
from course.exercises import Check, answered

Offload = Callable[..., Awaitable[Any]]


def offload(offload: Offload, *, delay: float, n: int) -> list[Check]:
    """Checks for ``offload(func, *args)``: its result, its thread, and ``n`` routes at once."""

    async def result() -> None:
        got = answered(await offload(sum, [1, 2, 3]))
        assert got == 6, f"offload(sum, [1, 2, 3]) gave {got!r}, not 6"

    async def thread() -> None:
        worker = answered(await offload(threading.get_ident))
        assert worker != threading.get_ident(), "func ran on the event loop's own thread"

    async def overlap() -> None:
        app = FastAPI()
        slept: list[float] = []  # one entry per blocking call that really ran (any thread)

        def blocking_sleep(seconds: float) -> None:
            slept.append(seconds)
            time.sleep(seconds)

        @app.get("/offloaded")
        async def offloaded() -> dict[str, bool]:
            await asyncio.sleep(0)  # stands for the other things this route awaits
            await offload(blocking_sleep, delay)  # the blocking library call
            return {"ok": True}

        async with probes.client(app) as client:
            started = time.perf_counter()
            await asyncio.gather(*(client.get("/offloaded") for _ in range(n)))
            wall = time.perf_counter() - started
        assert len(slept) == n, "time.sleep(delay) did not run: call func(*args)"
        serial = wall / (n * delay)
        assert serial <= 0.5, f"{n} requests took {serial:.0%} of {n} x delay: serialized"

    return [
        Check("offload(func, *args) returns func's result", "return what func returned", result),
        Check(
            "func runs in a worker thread, not on the event loop",
            "await starlette.concurrency.run_in_threadpool(func, *args)",
            thread,
        ),
        Check(
            f"{n} requests to an async route that offloads time.sleep overlap",
            "a blocking call awaited through the thread pool leaves the loop free",
            overlap,
        ),
    ]
