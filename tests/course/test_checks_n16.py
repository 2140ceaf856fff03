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
    assert all("not answered yet" in line for line in failed), failed


async def test_a_blocking_call_on_the_loop_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n16.is_uploaded(on_the_loop, delay=DELAY, n=N))
    lines = _lines(capsys)
    assert lines[0].startswith("✔ is_uploaded answers")
    assert lines[1].startswith("✘ head runs in a worker thread")
    assert "serialized" in lines[3]
    assert lines[5].startswith("✘ /health answers at once")


async def hard_coded(head: Head, key: str, size: int) -> bool:  # the notebook's one object
    return key == "a/hello.txt" and size == 5


async def not_awaited(head: Head, key: str, size: int) -> bool:  # forgot the await
    stored = run_in_threadpool(head, key)
    return stored is not None and stored.size == size  # type: ignore[attr-defined,no-any-return]


async def test_a_hard_coded_answer_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n16.is_uploaded(hard_coded, delay=DELAY, n=N))
    lines = _lines(capsys)
    assert lines[0].startswith("✘ is_uploaded answers") and "gave False" in lines[0]
    assert "head was never called" in lines[2]
    assert lines[4].endswith("the slow head did not run: call head(key)")


async def test_a_forgotten_await_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n16.is_uploaded(not_awaited, delay=DELAY, n=N))
    failed = [line for line in _lines(capsys) if line.startswith("✘")]
    assert "gives a coroutine; await it for head's answer" in failed[0]
    assert all(line.endswith("is_uploaded fails: see the first check") for line in failed[1:])
