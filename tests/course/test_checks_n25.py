import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import course
from course.checks import n25
from playground import readiness
from playground.exceptions import NotReady

TIMEOUT = n25.TIMEOUT


def _engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


async def _select_one(request: Request) -> None:
    async with _engine(request).connect() as connection:
        await connection.execute(text("SELECT 1"))


async def solution(request: Request) -> dict[str, str]:
    try:
        async with asyncio.timeout(TIMEOUT):
            await _select_one(request)
    except Exception as exc:  # TimeoutError included
        raise NotReady(f"Not ready: database: {type(exc).__name__}") from None
    return {"status": "ready"}


async def the_playgrounds_own(request: Request) -> dict[str, str]:
    probes = {"database": readiness.database(_engine(request))}
    await readiness.check(probes, within=TIMEOUT)
    return {"status": "ready"}


async def unbounded(request: Request) -> dict[str, str]:
    try:
        await _select_one(request)  # as long as the database takes
    except Exception:
        raise NotReady("Not ready: database") from None
    return {"status": "ready"}


async def hard_coded(request: Request) -> dict[str, str]:
    return {"status": "ready"}


async def only_the_timeout(request: Request) -> dict[str, str]:
    try:
        async with asyncio.timeout(TIMEOUT):
            await _select_one(request)
    except TimeoutError:  # a database that fails outright escapes: a 500
        raise NotReady("Not ready: database") from None
    return {"status": "ready"}


async def ready_on_timeout(request: Request) -> dict[str, str]:
    try:
        async with asyncio.timeout(TIMEOUT):
            await _select_one(request)
    except TimeoutError:
        return {"status": "ready"}  # "it did not say no"
    except Exception:
        raise NotReady("Not ready: database") from None
    return {"status": "ready"}


async def unnamed(request: Request) -> dict[str, str]:
    try:
        async with asyncio.timeout(TIMEOUT):
            await _select_one(request)
    except Exception:
        raise NotReady() from None
    return {"status": "ready"}


async def always_not_ready(request: Request) -> dict[str, str]:
    raise NotReady("Not ready: database")


async def too_patient(request: Request) -> dict[str, str]:
    try:
        async with asyncio.timeout(5):  # a load balancer's whole patience, not TIMEOUT
            await _select_one(request)
    except Exception:
        raise NotReady("Not ready: database") from None
    return {"status": "ready"}


async def skeleton(request: Request) -> dict[str, str]:  # type: ignore[empty-body]
    """{"status": "ready"} once SELECT 1 on request.app.state.engine answers within TIMEOUT."""
    ...


def _verdicts(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().out.splitlines() if line[:1] in "✔✘"]


@pytest.mark.parametrize("route", [solution, the_playgrounds_own])
async def test_a_bounded_readiness_route_passes_every_check(
    capsys: pytest.CaptureFixture[str], route: Callable[..., Any]
) -> None:
    await course.check(n25.readiness_route(route))
    assert _verdicts(capsys) == [
        '✔ a database that answers: 200 {"status": "ready"}',
        "✔ a database that is not there: 503 NOT_READY, naming the database",
        "✔ a database that hangs: an answer within 2 s, the same verdict as for one not there",
    ]


async def test_the_skeleton_fails_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n25.readiness_route(skeleton))
    failed = [line for line in _verdicts(capsys) if line.startswith("✘")]
    assert len(failed) == 3
    assert all("not answered yet" in line for line in failed)


@pytest.mark.parametrize(
    ("route", "failing", "said"),
    [
        (unbounded, 2, "the probe waits as long as the database does"),  # the anti-pattern
        (too_patient, 2, "got no answer within 2 s"),
        (hard_coded, 1, "calls it ready without asking it"),
        (always_not_ready, 0, "a database that answers answered HTTP 503"),
        (only_the_timeout, 1, "answered 500: its error escaped"),  # the likeliest slip
        (unnamed, 1, "name what is down"),
        (ready_on_timeout, 2, "a database that does not answer in time is not ready either"),
    ],
)
async def test_each_wrong_answer_is_one_cross_that_names_it(
    capsys: pytest.CaptureFixture[str], route: Callable[..., Any], failing: int, said: str
) -> None:
    await course.check(n25.readiness_route(route))
    verdicts = _verdicts(capsys)
    assert len(verdicts) == 3
    assert [n for n, line in enumerate(verdicts) if line.startswith("✘")] == [failing], verdicts
    assert said in verdicts[failing]
