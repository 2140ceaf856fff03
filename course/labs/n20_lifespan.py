"""Notebook 20's lab: how often an app's lifespan runs, and what its requests are handed."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request

STATE_PROBE = "/lab/state"


@dataclass
class LifespanRuns:
    runs: int = 0
    states: list[Any] = field(default_factory=list)  # what each run yielded, kept alive


@contextmanager
def count_lifespans(app: FastAPI) -> Iterator[LifespanRuns]:
    """Count how often ``app``'s lifespan starts in the block; the app's own comes back after.

    Starlette reads ``app.router.lifespan_context`` when the server sends ``startup``, so a
    wrapper put there before that moment is what runs.
    """
    original = app.router.lifespan_context
    counter = LifespanRuns()

    @asynccontextmanager
    async def counting(running: Any) -> AsyncIterator[Any]:
        counter.runs += 1
        async with original(running) as state:
            counter.states.append(state)
            yield state

    app.router.lifespan_context = counting
    try:
        yield counter
    finally:
        app.router.lifespan_context = original


def add_state_probe(app: FastAPI) -> FastAPI:
    """Add ``GET /lab/state`` to ``app``: which lifespan state a request was handed, and which
    storage and engine objects it sees (their ``id``, to compare, never to print)."""

    @app.get(STATE_PROBE, include_in_schema=False)
    async def state_probe(request: Request) -> dict[str, object]:
        handed: dict[str, Any] = request.scope.get("state", {})  # the server's copy, per request
        return {
            "keys": sorted(handed),
            "storage": id(handed["storage"]) if "storage" in handed else None,
            "engine": id(request.app.state.engine),
        }

    return app
