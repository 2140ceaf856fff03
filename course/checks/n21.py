"""Notebook 21's exercise: a route over a blocking SDK that asyncio's debug mode does not flag."""

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from course import apps
from course.exercises import Check, Unanswered, answered
from course.labs import n21_blocking as blocking_lab

PATH = "/quote"


def _app(quote: Callable[..., Any]) -> FastAPI:
    app = FastAPI()
    app.get(PATH)(quote)
    return app


def _fetched(rates: blocking_lab.Rates, since: int) -> list[str]:
    calls = rates.calls[since:]
    if not calls:
        raise Unanswered("rates.fetch did not run")
    return calls


@dataclass
class _Seen:
    rates: dict[str, float]  # what rates.fetch answers during a check: the learner cannot know
    finished: int = 0  # calls of rates.fetch that returned


@contextlib.contextmanager
def _unforeseen(rates: blocking_lab.Rates) -> Iterator[_Seen]:
    """``rates.fetch`` answers a rate the learner cannot know, and counts the calls that
    finished: a route that answers before its fetch is done (fired and forgotten, or cut off
    by a timeout) shows."""
    unknown = random.sample(range(5000, 20000), len(blocking_lab.RATES))
    fetch = rates.fetch
    seen = _Seen(
        {currency: n / 10000 for currency, n in zip(blocking_lab.RATES, unknown, strict=True)}
    )

    def unforeseen(currency: str) -> float:
        fetch(currency)
        seen.finished += 1
        return seen.rates[currency]

    rates.fetch = unforeseen  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del rates.fetch


def _waited(finished: int, requests: int) -> None:
    assert finished >= requests, (
        f"the route answered before rates.fetch finished ({finished} of {requests} done): "
        "await its result; do not fire it and forget it, or cut it off with a timeout"
    )


def quote_route(quote: Callable[..., Any], rates: blocking_lab.Rates, *, n: int) -> list[Check]:
    """Checks for ``quote(currency)``: its answer, debug mode's silence, ``n`` requests at once."""
    delay = rates.delay

    async def answers() -> None:
        answered(quote)
        since = len(rates.calls)
        with _unforeseen(rates) as seen:
            async with apps.client(_app(quote), raise_errors=False) as client:
                response = await client.get(PATH, params={"currency": "EUR"})
            finished = seen.finished  # when the answer came back
            body = response.json() if response.status_code == 200 else response.text
            if body is None:
                raise Unanswered("the route returned None")
            if not finished:
                await asyncio.sleep(delay)  # a fetch fired and forgotten shows up by now
            _fetched(rates, since)
            _waited(finished, 1)
        expected = {"currency": "EUR", "rate": seen.rates["EUR"]}
        shown = blocking_lab.RATES["EUR"]
        assert not (isinstance(body, dict) and body.get("rate") == shown), (
            f"HTTP {response.status_code}: {body!r}: {shown} is the rate the notebook showed, "
            f"not what rates.fetch returned now ({seen.rates['EUR']}): answer with its result"
        )
        assert body == expected, (
            f"HTTP {response.status_code}: {body!r}, not what rates.fetch returned: {expected!r}"
        )

    async def silent() -> None:
        answered(quote)
        since, path = len(rates.calls), f"{PATH}?currency=EUR"
        flags = await blocking_lab.slow_callbacks(_app(quote), [path], threshold=0.75 * delay)
        ran = _fetched(rates, since)
        if flags[path]:
            longest = max(flag.seconds for flag in flags[path])
            raise AssertionError(
                f"debug mode flagged a step of {longest:.2f}s (rates.fetch ran on the {ran[0]})"
            )

    async def overlap() -> None:
        answered(quote)
        since = len(rates.calls)
        with _unforeseen(rates) as seen:
            async with apps.client(_app(quote), raise_errors=False) as client:
                started = time.perf_counter()
                responses = await asyncio.gather(
                    *(client.get(PATH, params={"currency": "GBP"}) for _ in range(n))
                )
                wall, finished = time.perf_counter() - started, seen.finished
            ran = _fetched(rates, since)
            _waited(finished, n)
        rates_seen = {r.json().get("rate") if r.status_code == 200 else None for r in responses}
        assert rates_seen == {seen.rates["GBP"]}, f"answered rates {rates_seen}, not rates.fetch's"
        assert len(ran) == n, f"rates.fetch ran {len(ran)} times for {n} requests"
        serial = wall / (n * delay)
        assert serial <= 0.5, f"{n} requests took {serial:.0%} of {n} x delay: serialized"

    right = Check(
        f"GET {PATH}?currency=EUR answers the EUR rate from rates.fetch",
        'return {"currency": currency, "rate": rates.fetch(currency)}',
        answers,
    )
    quiet = Check(
        "asyncio's debug mode flags no slow step while it runs",
        "rates.fetch blocks: not on the event loop (a def route, or run_in_threadpool)",
        silent,
        needs=right,
    )
    return [
        right,
        quiet,  # a fetch on the loop also serializes the requests below: one mistake, one ✘
        Check(
            f"{n} requests at once overlap (under half of {n} x delay)",
            "blocking calls in worker threads leave the loop free for the other requests",
            overlap,
            needs=quiet,
        ),
    ]
