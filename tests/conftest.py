"""Shared fixtures: one fresh, migrated playground per test, through the course harness."""

from collections.abc import AsyncIterator

import pytest

import course


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def pg() -> AsyncIterator[course.Playground]:
    playground = await course.start()
    try:
        yield playground
    finally:
        await playground.close()
