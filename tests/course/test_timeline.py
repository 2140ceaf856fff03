from itertools import pairwise

import httpx
from fastapi import FastAPI

import course
from course.labs import n07_cpu_work as cpu_work
from course.labs import n07_timeline as timeline

DELAY = 0.05


async def test_a_blocking_burst_begins_one_handler_after_another() -> None:
    async with await course.start(settings={"PING_DELAY_SECONDS": DELAY}) as pg:
        await pg.client.get("/pings/perfect")  # warm up
        blocked = await timeline.burst(pg, "/pings/terrible", 3)
        free = await timeline.burst(pg, "/pings/perfect", 3)
        assert pg.app.dependency_overrides == {}
    starts = sorted(start for start, _ in blocked.spans)
    assert all(later - earlier >= 0.8 * DELAY for earlier, later in pairwise(starts))
    assert all(start <= end for start, end in blocked.spans + free.spans)
    assert free.wall < blocked.wall


async def test_thread_tokens_restores_the_limiter_and_the_watch_sees_the_queue() -> None:
    async with await course.start(settings={"PING_DELAY_SECONDS": DELAY}) as pg:
        limiter = await timeline.thread_limiter()
        before = limiter.total_tokens
        with timeline.thread_tokens(limiter, 2):
            seen = await timeline.burst(pg, "/pings/good", 4, watch_threads=True)
        assert limiter.total_tokens == before
    assert seen.peak_busy_threads == 2
    assert seen.peak_waiting > 0


async def test_cpu_burst_measures_the_work_and_the_quick_request() -> None:
    app = FastAPI()

    @app.get("/cpu")
    def cpu() -> dict[str, float]:
        primes, seconds = cpu_work.count_primes(3000)
        return {"primes": primes, "cpu": seconds}

    @app.get("/quick")
    async def quick() -> dict[str, bool]:
        return {"ok": True}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=course.BASE_URL) as client:
        seen = await timeline.cpu_burst(client, "/cpu", "/quick")
    assert seen.in_this_process > 0.5
    assert seen.cores <= 1.1
    assert seen.quick >= 0


def test_count_primes() -> None:
    assert cpu_work.count_primes(100)[0] == 25


def test_plot_draws_a_png_panel_per_burst_and_one_for_cores() -> None:
    one = timeline.Burst(wall=0.1, spans=[(0.0, 0.05), (0.05, 0.1)])
    drawn = timeline.plot({"a": one, "b": one}, delay=0.05, cores={"loop": 0.9})
    assert drawn.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert drawn.width == 3 * (290 + 24)
