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
from tests.course.wrong import Wrong

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
    return [line for line in capsys.readouterr().out.splitlines() if line[:1] in "✔✘·"]


@pytest.mark.parametrize("route", [solution, the_playgrounds_own])
async def test_a_bounded_readiness_route_passes_every_check(
    capsys: pytest.CaptureFixture[str], route: Callable[..., Any]
) -> None:
    await check_cell(route)
    assert _verdicts(capsys) == [
        '✔ a database that answers: 200 {"status": "ready"}',
        "✔ a database that is not there: 503 NOT_READY, naming the database",
        "✔ a database that hangs: an answer within 1.2 s, the same verdict as for one not there",
    ]


SKELETON = skeleton
UP = "a database that answers"
GONE = "a database that is not there"
HANGS = "a database that hangs"
WRONG = [
    Wrong("no bound: waits as long as the database", unbounded, HANGS, "waits as long as"),
    Wrong("a bound too long for a probe", too_patient, HANGS, "got no answer within 1.2 s"),
    Wrong("always ready, never asks", hard_coded, GONE, "calls it ready without asking it"),
    Wrong("never ready", always_not_ready, UP, "a database that answers answered HTTP 503"),
    Wrong("catches the timeout only", only_the_timeout, GONE, "answered 500: its error escaped"),
    Wrong("a 503 that names nothing", unnamed, GONE, "name what is down"),
    Wrong("a timeout is called ready", ready_on_timeout, HANGS, "is not ready either"),
]


async def check_cell(route: Callable[..., Any]) -> None:
    await course.check(n25.readiness_route(route))


async def test_the_skeleton_is_not_answered(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(skeleton)
    lines = _verdicts(capsys)
    assert [line[0] for line in lines] == ["✘", "·", "·"], lines
    assert "not answered yet" in lines[0]
