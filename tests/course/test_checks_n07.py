import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from starlette.concurrency import run_in_threadpool

import course
from course.checks import n07

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


async def _failed(answer: n07.Offload, capsys: pytest.CaptureFixture[str]) -> list[str]:
    await course.check(n07.offload(answer, delay=DELAY, n=N))
    out = capsys.readouterr().out
    assert "Traceback" not in out and "(printed while checking)" not in out, out
    return [line for line in out.splitlines() if line.startswith("✘")]


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n07.offload(solution, delay=DELAY, n=N))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    failed = await _failed(skeleton, capsys)
    assert len(failed) == 3 and all("not answered yet" in line for line in failed), failed


async def test_a_blocking_call_on_the_loop_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    failed = await _failed(on_the_loop, capsys)
    assert failed[0].startswith("✘ func runs in a worker thread"), failed
    assert "func ran on the event loop's own thread" in failed[0]
    assert failed[1].endswith("serialized"), failed


async def test_a_hard_coded_result_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    failed = await _failed(hard_coded, capsys)
    assert len(failed) == 3, failed
    assert "gave 6, not" in failed[0] and "func never ran: call func(*args)" in failed[1]


async def test_work_cut_off_by_a_timeout_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    failed = await _failed(cut_off, capsys)
    assert len(failed) == 1, failed
    assert "offload raised TimeoutError" in failed[0] and "wait for the work" in failed[0]


async def test_fire_and_forget_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    failed = await _failed(fire_and_forget, capsys)
    assert len(failed) == 1, failed
    assert "the route answered before its time.sleep had finished" in failed[0]


async def test_a_coroutine_not_awaited_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    failed = await _failed(not_awaited, capsys)
    assert len(failed) == 3, failed
    assert "offload returned coroutine, not func's result: `await` it" in failed[0]
