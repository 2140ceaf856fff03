import asyncio
import logging
import time

import anyio.to_thread
import pytest
from starlette.concurrency import run_in_threadpool

import course
from course.labs import n21_blocking as blocking_lab


async def test_debug_mode_flags_only_the_blocking_route(
    pg: course.Playground, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    delay = pg.settings.PING_DELAY_SECONDS
    paths = ["/pings/terrible", "/pings/perfect"]
    with caplog.at_level(logging.DEBUG, logger="asyncio"):
        flags = await blocking_lab.slow_callbacks(pg.app, paths, threshold=0.75 * delay, n=2)
    assert [flag.task for flag in flags["/pings/terrible"]] == ["GET /pings/terrible"] * 2
    assert all(flag.seconds >= 0.9 * delay for flag in flags["/pings/terrible"])
    assert flags["/pings/perfect"] == []
    assert not [r for r in caplog.records if r.getMessage().startswith("Executing")]
    assert capsys.readouterr().err == ""


def test_ruff_finds_the_classic_mistakes_in_a_scratch_folder() -> None:
    sample = "import time\n\n\nasync def f() -> None:\n    time.sleep(1)\n"
    with blocking_lab.scratch_folder() as folder:
        (folder / "sample.py").write_text(sample)
        found = blocking_lab.ruff(folder, select="ASYNC", isolated=True)
    assert not folder.exists()
    assert [(f.file, f.line, f.code) for f in found] == [("sample.py", 5, "ASYNC251")]


def test_ruff_reports_its_own_failure() -> None:
    with pytest.raises(RuntimeError, match="ruff exited 2"):
        blocking_lab.ruff("playground", select="NOT-A-RULE")


def test_the_app_has_no_async_or_fast_findings() -> None:
    assert blocking_lab.ruff("playground", select="ASYNC,FAST") == []


async def test_threads_at_once_queues_past_the_tokens() -> None:
    limiter = anyio.to_thread.current_default_thread_limiter()
    previous = limiter.total_tokens
    limiter.total_tokens = 4
    try:
        wave = await blocking_lab.threads_at_once(8, delay=0.05)
        limiter.total_tokens = 8
        one_wave = await blocking_lab.threads_at_once(8, delay=0.2)
    finally:
        limiter.total_tokens = previous
    assert (wave.tokens, wave.busy, wave.waiting, wave.late) == (4, 4, 4, 4)
    assert wave.wall >= 1.8 * 0.05
    assert (one_wave.tokens, one_wave.busy, one_wave.waiting, one_wave.late) == (8, 8, 0, 0)


async def test_thread_hops_counts_round_trips_to_a_worker_thread() -> None:
    async def two_hops() -> None:
        await run_in_threadpool(time.sleep, 0)
        await anyio.to_thread.run_sync(time.sleep, 0)

    async def on_the_loop() -> None:
        await asyncio.sleep(0)

    assert await blocking_lab.thread_hops(two_hops, calls=3) == 2
    assert await blocking_lab.thread_hops(on_the_loop) == 0
    assert anyio.to_thread.run_sync.__module__ == "anyio.to_thread"  # put back


async def test_where_and_per_call() -> None:
    assert blocking_lab.where() == "loop"
    assert await anyio.to_thread.run_sync(blocking_lab.where) == "thread"

    async def nothing() -> None:
        return None

    assert 0 < await blocking_lab.per_call(nothing, calls=10) < 0.01


def test_rates_records_where_it_ran() -> None:
    rates = blocking_lab.Rates(delay=0)
    assert rates.fetch("EUR") == blocking_lab.RATES["EUR"]
    assert rates.calls == ["thread"]
