import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from starlette.concurrency import run_in_threadpool

import course
from course.checks import n07
from tests.course.wrong import Wrong

DELAY, N = 0.08, 5  # as in the notebook


async def solution(func: Callable[..., Any], *args: Any) -> Any:
    return await run_in_threadpool(func, *args)


async def skeleton(func: Callable[..., Any], *args: Any) -> Any:
    # your code: run func(*args) in the thread pool and return its result
    ...


async def on_the_loop(func: Callable[..., Any], *args: Any) -> Any:
    """The anti-pattern: an ``async def`` that calls the blocking function on the loop."""
    return func(*args)


async def hard_coded(func: Callable[..., Any], *args: Any) -> Any:
    """What the check used to ask for, returned without calling anything."""
    return 6


async def cut_off(func: Callable[..., Any], *args: Any) -> Any:
    """Fired into the executor, then given up on after 50 ms."""
    future = asyncio.get_running_loop().run_in_executor(None, func, *args)
    return await asyncio.wait_for(asyncio.shield(future), 0.05)


async def fire_and_forget(func: Callable[..., Any], *args: Any) -> Any:
    """Handed to the executor, answered from whatever is done at once."""
    future = asyncio.get_running_loop().run_in_executor(None, func, *args)
    await asyncio.sleep(0.01)
    return future.result() if future.done() else args[-1]


async def not_awaited(func: Callable[..., Any], *args: Any) -> Any:
    """The likeliest slip: the thread pool's coroutine returned, not awaited."""
    return run_in_threadpool(func, *args)


SKELETON = skeleton
OVERLAP = f"{N} requests to an async route that offloads time.sleep overlap"
WAITED = "the route answered before its time.sleep had finished: offload must wait for the work"
WRONG = [
    Wrong(
        "a blocking call on the loop",
        on_the_loop,
        "func runs in a worker thread",
        "func ran on the event loop's own thread",
    ),
    Wrong(
        "a hard-coded result",
        hard_coded,
        "offload(func, *args) returns func's result",
        "gave 6 and func never ran: call func(*args)",
    ),
    Wrong(
        "work cut off by a timeout",
        cut_off,
        OVERLAP,
        "offload raised TimeoutError: wait for the work to finish",
    ),
    Wrong("fire and forget", fire_and_forget, OVERLAP, WAITED),
    Wrong(
        "the coroutine not awaited",
        not_awaited,
        "offload(func, *args) returns func's result",
        "offload returned coroutine, not func's result: `await` it and return its result",
    ),
]


async def check_cell(answer: n07.Offload) -> None:
    await course.check(n07.offload(answer, delay=DELAY, n=N))
    await asyncio.sleep(2 * DELAY)  # work fired and forgotten ends before the next test


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(solution)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.startswith("✔") for line in lines), lines
