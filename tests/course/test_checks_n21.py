import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from starlette.concurrency import run_in_threadpool

import course
from course.checks import n21
from course.labs import n21_blocking as blocking_lab
from tests.course.wrong import Wrong

DELAY, N = 0.2, 5  # as in the notebook
Quote = Callable[..., Any]


def def_route(rates: blocking_lab.Rates) -> Quote:
    def quote(currency: str = "EUR") -> dict[str, object]:
        return {"currency": currency, "rate": rates.fetch(currency)}

    return quote


def offloaded(rates: blocking_lab.Rates) -> Quote:
    async def quote(currency: str = "EUR") -> dict[str, object]:
        return {"currency": currency, "rate": await run_in_threadpool(rates.fetch, currency)}

    return quote


def skeleton(rates: blocking_lab.Rates) -> Quote:
    async def quote(currency: str = "EUR") -> dict[str, object]: ...  # type: ignore[empty-body]

    return quote


def on_the_loop(rates: blocking_lab.Rates) -> Quote:
    """The anti-pattern: an async route that calls the blocking SDK on the loop."""

    async def quote(currency: str = "EUR") -> dict[str, object]:
        return {"currency": currency, "rate": rates.fetch(currency)}  # blocks the loop

    return quote


def wrong_currency(rates: blocking_lab.Rates) -> Quote:
    def quote(currency: str = "EUR") -> dict[str, object]:
        return {"currency": currency, "rate": rates.fetch("GBP")}

    return quote


def fired_and_forgotten(rates: blocking_lab.Rates) -> Quote:
    async def quote(currency: str = "EUR") -> dict[str, object]:
        asyncio.get_running_loop().run_in_executor(None, rates.fetch, currency)
        return {"currency": currency, "rate": blocking_lab.RATES[currency]}

    return quote


def cut_off(rates: blocking_lab.Rates) -> Quote:
    async def quote(currency: str = "EUR") -> dict[str, object]:
        work = asyncio.get_running_loop().run_in_executor(None, rates.fetch, currency)
        try:
            rate = await asyncio.wait_for(asyncio.shield(work), 0.05)
        except TimeoutError:
            rate = blocking_lab.RATES[currency]
        return {"currency": currency, "rate": rate}

    return quote


def hard_coded(rates: blocking_lab.Rates) -> Quote:
    def quote(currency: str = "EUR") -> dict[str, object]:
        rates.fetch(currency)
        return {"currency": currency, "rate": blocking_lab.RATES[currency]}  # the table's rate

    return quote


SKELETON = skeleton
ANSWERS = "GET /quote?currency=EUR answers the EUR rate from rates.fetch"
NOT_WAITED = "the route answered before rates.fetch finished (0 of 1 done)"
WRONG = [
    Wrong(
        "blocking on the loop",
        on_the_loop,
        "asyncio's debug mode flags no slow step while it runs",
        "(rates.fetch ran on the loop)",
    ),
    Wrong(
        "another currency's rate",
        wrong_currency,
        ANSWERS,
        "not what rates.fetch returned: {'currency': 'EUR'",
    ),
    Wrong("a fetch fired and forgotten", fired_and_forgotten, ANSWERS, NOT_WAITED),
    Wrong("a fetch cut off by a timeout", cut_off, ANSWERS, NOT_WAITED),
    Wrong(
        "a hard-coded rate",
        hard_coded,
        ANSWERS,
        "1.08 is the rate the notebook showed, not what rates.fetch returned now",
    ),
]


async def check_cell(answer: Callable[[blocking_lab.Rates], Quote]) -> blocking_lab.Rates:
    rates = blocking_lab.Rates(delay=DELAY)
    await course.check(n21.quote_route(answer(rates), rates, n=N))
    await asyncio.sleep(2 * DELAY)  # fetches fired and forgotten end before the next test
    return rates


@pytest.mark.parametrize("answer", [def_route, offloaded])
async def test_a_def_route_or_an_offloading_one_passes_every_check(
    answer: Callable[[blocking_lab.Rates], Quote], capsys: pytest.CaptureFixture[str]
) -> None:
    rates = await check_cell(answer)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.startswith("✔") for line in lines), lines
    assert set(rates.calls) == {"thread"}
