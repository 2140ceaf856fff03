"""Notebook 07's exercise: hand a blocking call to the thread pool from an ``async def`` route."""

import asyncio
import inspect
import random
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI

from course import apps
from course.exercises import Check, answered

Offload = Callable[..., Awaitable[Any]]


def _handed_back(got: object, what: str) -> None:
    """Fail with the slip's name when offload handed back something still to be awaited."""
    if inspect.iscoroutine(got):
        got.close()  # never awaited: closed, so Python does not warn
    if inspect.isawaitable(got) or isinstance(got, asyncio.Future):
        raise AssertionError(
            f"offload returned {type(got).__name__}, not {what}: `await` it and return its result"
        )
    if got is None:
        raise AssertionError(f"offload returned None, not {what}: return what func returned")


def offload(offload: Offload, *, delay: float, n: int) -> list[Check]:
    """Checks for ``offload(func, *args)``: its result, its thread, and ``n`` routes at once.

    Inputs are drawn for each run, and every request checks that its own call finished before
    its route answered.
    """

    async def result() -> None:
        numbers = [random.randint(1, 1000) for _ in range(random.randint(3, 8))]
        ran: list[int] = []

        def total(values: list[int]) -> int:
            ran.append(1)
            return sum(values)

        got = await answered(offload)(total, numbers)
        _handed_back(got, "func's result")
        assert ran, f"offload(func, {numbers}) gave {got!r} and func never ran: call func(*args)"
        assert got == sum(numbers), f"offload(sum, {numbers}) gave {got!r}, not {sum(numbers)}"

    async def thread() -> None:
        ran_on: list[int] = []

        def where(token: str) -> str:
            ran_on.append(threading.get_ident())
            return token

        token = uuid.uuid4().hex
        got = await answered(offload)(where, token)
        _handed_back(got, "func's result")
        assert ran_on, "func never ran: call func(*args)"
        assert got == token, f"offload(func, {token!r}) gave {got!r}"
        assert ran_on[0] != threading.get_ident(), "func ran on the event loop's own thread"

    async def overlap() -> None:
        answered(offload)
        app = FastAPI()
        finished: set[str] = set()  # the calls whose time.sleep ran to its end

        def blocking_sleep(seconds: float, token: str) -> str:
            time.sleep(seconds)
            finished.add(token)
            return token

        @app.get("/offloaded/{token}")
        async def offloaded(token: str) -> dict[str, Any]:
            await asyncio.sleep(0)  # stands for the other things this route awaits
            try:
                got = await offload(blocking_sleep, delay, token)  # the blocking library call
                _handed_back(got, "func's result")
            except Exception as exc:  # reported by the check, not a 500
                return {"error": f"{type(exc).__name__}: {exc}".removesuffix(": ")}
            return {"got": got if isinstance(got, str) else repr(got), "done": token in finished}

        tokens = [uuid.uuid4().hex for _ in range(n)]
        async with apps.client(app) as client:
            started = time.perf_counter()
            responses = await asyncio.gather(*(client.get(f"/offloaded/{t}") for t in tokens))
            wall = time.perf_counter() - started
        for token, response in zip(tokens, responses, strict=True):
            body = response.json()
            error = body.get("error", "")
            assert not error.startswith("AssertionError: "), error.removeprefix("AssertionError: ")
            assert not error, f"offload raised {error}: wait for the work to finish"
            assert body["done"], (
                "the route answered before its time.sleep had finished: offload must wait for "
                "the work (await it; no fire-and-forget, no timeout)"
            )
            assert body["got"] == token, f"offload gave the route {body['got']}, not func's result"
        serial = wall / (n * delay)
        assert serial <= 0.5, f"{n} requests took {serial:.0%} of {n} x delay: serialized"

    returns = Check(
        "offload(func, *args) returns func's result", "return what func returned", result
    )
    in_a_thread = Check(
        "func runs in a worker thread, not on the event loop",
        "await starlette.concurrency.run_in_threadpool(func, *args)",
        thread,
        needs=returns,
    )
    return [
        returns,
        in_a_thread,
        Check(  # a call on the loop serializes the requests too: that is the check above
            f"{n} requests to an async route that offloads time.sleep overlap, each waiting for "
            "its own call",
            "a blocking call awaited through the thread pool leaves the loop free",
            overlap,
            needs=in_a_thread,
        ),
    ]
