import asyncio

import pytest
from starlette.concurrency import run_in_threadpool

import course
from course.checks import n21
from course.labs import n21_blocking as blocking_lab

DELAY, N = 0.2, 5  # as in the notebook


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


async def test_a_def_route_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    rates = blocking_lab.Rates(delay=DELAY)

    def quote(currency: str = "EUR") -> dict[str, object]:
        return {"currency": currency, "rate": rates.fetch(currency)}

    await course.check(n21.quote_route(quote, rates, n=N))
    lines = _lines(capsys)
    assert len(lines) == 3
    assert all(line.startswith("✔") for line in lines), lines
    assert set(rates.calls) == {"thread"}


async def test_an_offloading_async_route_passes(capsys: pytest.CaptureFixture[str]) -> None:
    rates = blocking_lab.Rates(delay=DELAY)

    async def quote(currency: str = "EUR") -> dict[str, object]:
        return {"currency": currency, "rate": await run_in_threadpool(rates.fetch, currency)}

    await course.check(n21.quote_route(quote, rates, n=N))
    assert all(line.startswith("✔") for line in _lines(capsys))


async def test_the_skeleton_is_not_answered(capsys: pytest.CaptureFixture[str]) -> None:
    rates = blocking_lab.Rates(delay=DELAY)

    async def quote(currency: str = "EUR") -> dict[str, object]: ...  # type: ignore[empty-body]

    await course.check(n21.quote_route(quote, rates, n=N))
    failed = [line for line in _lines(capsys) if line.startswith("✘")]
    assert len(failed) == 3
    assert all("not answered yet" in line for line in failed)


async def test_blocking_on_the_loop_is_flagged_and_serialized(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rates = blocking_lab.Rates(delay=DELAY)

    async def quote(currency: str = "EUR") -> dict[str, object]:
        return {"currency": currency, "rate": rates.fetch(currency)}  # blocks the loop

    await course.check(n21.quote_route(quote, rates, n=N))
    lines = _lines(capsys)
    assert lines[0].startswith("✔ GET /quote?currency=EUR answers")
    assert lines[1].startswith("✘ asyncio's debug mode flags no slow step")
    assert "(rates.fetch ran on the loop)" in lines[1]
    assert lines[3].startswith(f"✘ {N} requests at once overlap")
    assert "serialized" in lines[3]


async def test_a_wrong_rate_fails_the_first_check(capsys: pytest.CaptureFixture[str]) -> None:
    rates = blocking_lab.Rates(delay=0.0)

    def quote(currency: str = "EUR") -> dict[str, object]:
        return {"currency": currency, "rate": rates.fetch("GBP")}

    await course.check(n21.quote_route(quote, rates, n=N)[:1])
    line, _hint = _lines(capsys)
    assert line.startswith("✘ GET /quote?currency=EUR answers the EUR rate")
    assert "not what rates.fetch returned: {'currency': 'EUR'" in line


async def test_a_fetch_fired_and_forgotten_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    rates = blocking_lab.Rates(delay=DELAY)

    async def quote(currency: str = "EUR") -> dict[str, object]:
        asyncio.get_running_loop().run_in_executor(None, rates.fetch, currency)
        return {"currency": currency, "rate": blocking_lab.RATES[currency]}

    await course.check(n21.quote_route(quote, rates, n=N))
    await asyncio.sleep(2 * DELAY)  # the forgotten fetches end before the next test
    lines = [line for line in _lines(capsys) if line.startswith("✘")]
    assert lines[0].startswith("✘ GET /quote?currency=EUR answers the EUR rate")
    assert "answered before rates.fetch finished (0 of 1 done)" in lines[0]
    assert "answered before rates.fetch finished" in lines[1]


async def test_a_fetch_cut_off_by_a_timeout_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    rates = blocking_lab.Rates(delay=DELAY)

    async def quote(currency: str = "EUR") -> dict[str, object]:
        work = asyncio.get_running_loop().run_in_executor(None, rates.fetch, currency)
        try:
            rate = await asyncio.wait_for(asyncio.shield(work), 0.05)
        except TimeoutError:
            rate = blocking_lab.RATES[currency]
        return {"currency": currency, "rate": rate}

    await course.check(n21.quote_route(quote, rates, n=N))
    await asyncio.sleep(2 * DELAY)
    lines = [line for line in _lines(capsys) if line.startswith("✘")]
    assert len(lines) == 2 and all("answered before rates.fetch finished" in x for x in lines)


async def test_a_hard_coded_rate_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    rates = blocking_lab.Rates(delay=DELAY)

    def quote(currency: str = "EUR") -> dict[str, object]:
        rates.fetch(currency)
        return {"currency": currency, "rate": blocking_lab.RATES[currency]}  # the table's rate

    await course.check(n21.quote_route(quote, rates, n=N))
    lines = [line for line in _lines(capsys) if line.startswith("✘")]
    assert "not what rates.fetch returned" in lines[0]
    assert "not rates.fetch's" in lines[1]
