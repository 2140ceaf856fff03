from collections.abc import Callable
from typing import Any

import pytest
from starlette.concurrency import run_in_threadpool

import course
from course.checks import n07

DELAY, N = 0.08, 5  # as in the notebook


async def solution(func: Callable[..., Any], *args: Any) -> Any:
    return await run_in_threadpool(func, *args)


async def skeleton(func: Callable[..., Any], *args: Any) -> Any: ...


async def on_the_loop(func: Callable[..., Any], *args: Any) -> Any:
    return func(*args)


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n07.offload(solution, delay=DELAY, n=N))
    lines = _lines(capsys)
    assert len(lines) == 3
    assert all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n07.offload(skeleton, delay=DELAY, n=N))
    failed = [line for line in _lines(capsys) if line.startswith("✘")]
    assert len(failed) == 3
    assert failed[2].endswith("time.sleep(delay) did not run: call func(*args)")


async def test_a_blocking_call_on_the_loop_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n07.offload(on_the_loop, delay=DELAY, n=N))
    lines = _lines(capsys)
    assert lines[0] == "✔ offload(func, *args) returns func's result"
    assert lines[1].startswith("✘ func runs in a worker thread")
    assert "serialized" in lines[3]
