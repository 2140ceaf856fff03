import pytest
from starlette.concurrency import run_in_threadpool

import course
from course.checks import n16
from course.checks.n16 import Head
from tests.course.wrong import Wrong

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


async def hard_coded(head: Head, key: str, size: int) -> bool:  # the notebook's one object
    return key == "a/hello.txt" and size == 5


async def not_awaited(head: Head, key: str, size: int) -> bool:  # forgot the await
    stored = run_in_threadpool(head, key)
    return stored is not None and stored.size == size  # type: ignore[attr-defined,no-any-return]


async def wrong_size(head: Head, key: str, size: int) -> bool:  # a slip: any object will do
    return await run_in_threadpool(head, key) is not None


SKELETON = skeleton
ANSWERS = "is_uploaded answers: right size True, wrong size or no object False"
WRONG = [
    Wrong(
        "a blocking call on the loop",
        on_the_loop,
        "head runs in a worker thread",
        "head ran on the event loop's own thread",
    ),
    Wrong(
        "a hard-coded answer",
        hard_coded,
        ANSWERS,
        "and head was never called: ask head(key) what the bucket holds",
    ),
    Wrong(
        "a forgotten await",
        not_awaited,
        ANSWERS,
        "run_in_threadpool(...) gives a coroutine; await it for head's answer",
    ),
    Wrong(
        "the size never compared",
        wrong_size,
        ANSWERS,
        "bytes: compare its size with the declared one",
    ),
]


async def check_cell(answer: n16.IsUploaded) -> None:
    await course.check(n16.is_uploaded(answer, delay=DELAY, n=N))
