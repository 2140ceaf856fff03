import asyncio
import time
from collections.abc import AsyncIterator

import pytest

import course

ROUTES = ("terrible", "good", "perfect")


@pytest.fixture
async def fast_pg() -> AsyncIterator[course.Playground]:
    async with await course.start(settings={"PING_DELAY_SECONDS": 0}) as playground:
        yield playground


@pytest.mark.parametrize("route", ROUTES)
async def test_ping_returns_pong_and_its_route(fast_pg: course.Playground, route: str) -> None:
    response = await fast_pg.client.get(f"/pings/{route}")
    assert response.status_code == 200
    assert response.json() == {"pong": True, "route": route}


async def _elapsed(pg: course.Playground, route: str, requests: int) -> float:
    started = time.perf_counter()
    responses = await asyncio.gather(*(pg.client.get(f"/pings/{route}") for _ in range(requests)))
    assert all(r.status_code == 200 for r in responses)
    return time.perf_counter() - started


async def test_only_the_blocking_async_ping_serializes_concurrent_requests() -> None:
    delay, requests = 0.15, 4
    async with await course.start(settings={"PING_DELAY_SECONDS": delay}) as pg:
        # time.sleep on the event loop: each request waits for the one before it.
        assert await _elapsed(pg, "terrible", requests) >= delay * requests
        # In the thread pool, or awaited: the waits overlap.
        assert await _elapsed(pg, "good", requests) < delay * requests
        assert await _elapsed(pg, "perfect", requests) < delay * requests
