import pytest
from starlette.concurrency import run_in_threadpool

import course
from course.checks import n16
from course.checks.n16 import Head

DELAY, N = 0.2, 5  # as in the notebook


async def solution(head: Head, key: str, size: int) -> bool:
    stored = await run_in_threadpool(head, key)
    return stored is not None and stored.size == size


async def skeleton(head: Head, key: str, size: int) -> bool: ...  # type: ignore[empty-body]


async def on_the_loop(head: Head, key: str, size: int) -> bool:
    stored = head(key)
    return stored is not None and stored.size == size


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n16.is_uploaded(solution, delay=DELAY, n=N))
    lines = _lines(capsys)
    assert len(lines) == 4
    assert all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n16.is_uploaded(skeleton, delay=DELAY, n=N))
    failed = [line for line in _lines(capsys) if line.startswith("✘")]
    assert len(failed) == 4, failed
    assert failed[2].endswith("the slow head did not run: call head(key)")


async def test_a_blocking_call_on_the_loop_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n16.is_uploaded(on_the_loop, delay=DELAY, n=N))
    lines = _lines(capsys)
    assert lines[0].startswith("✔ is_uploaded answers")
    assert lines[1].startswith("✘ head runs in a worker thread")
    assert "serialized" in lines[3]
    assert lines[5].startswith("✘ /health answers at once")
