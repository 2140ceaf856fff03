"""Timelines of concurrent requests: when each handler began and ended, and the thread pool."""

import asyncio
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
import httpx

from playground.config import Settings, get_settings
from playground.course.playground import Playground

_request: ContextVar[int] = ContextVar("request", default=-1)


@dataclass(frozen=True)
class Burst:
    """``n`` requests sent at once: the wall time, and per request (handler began, answer came)."""

    wall: float
    spans: list[tuple[float, float]]
    peak_busy_threads: int = 0
    peak_waiting: int = 0


class _StampingSettings:
    """The app's settings; reading ``PING_DELAY_SECONDS`` (a ping's first line) is stamped."""

    def __init__(self, settings: Settings, began: dict[int, float]) -> None:
        self._settings = settings
        self._began = began

    def __getattr__(self, name: str) -> Any:
        if name == "PING_DELAY_SECONDS":
            self._began.setdefault(_request.get(), time.perf_counter())
        return getattr(self._settings, name)


async def thread_limiter() -> anyio.CapacityLimiter:
    """The running event loop's default thread limiter (what ``def`` routes borrow tokens from)."""
    return anyio.to_thread.current_default_thread_limiter()


@contextmanager
def thread_tokens(limiter: anyio.CapacityLimiter, tokens: int) -> Iterator[None]:
    """Give the thread pool ``tokens`` threads for the block; the previous number comes back."""
    previous = limiter.total_tokens
    limiter.total_tokens = tokens
    try:
        yield
    finally:
        limiter.total_tokens = previous


async def burst(pg: Playground, path: str, n: int, *, watch_threads: bool = False) -> Burst:
    """GET ``path`` ``n`` times at once; each handler's start is stamped on the server side."""
    began: dict[int, float] = {}
    stamping = _StampingSettings(pg.settings, began)
    limiter = await thread_limiter()
    peak = {"busy": 0, "waiting": 0}
    done = asyncio.Event()

    async def watch() -> None:
        while not done.is_set():
            stats = limiter.statistics()
            peak["busy"] = max(peak["busy"], stats.borrowed_tokens)
            peak["waiting"] = max(peak["waiting"], stats.tasks_waiting)
            await asyncio.sleep(0.005)

    async def one(index: int) -> float:
        _request.set(index)
        response = await pg.client.get(path)
        assert response.status_code == 200, response.text
        return time.perf_counter()

    with pg.override(get_settings, lambda: stamping):
        watcher = asyncio.create_task(watch()) if watch_threads else None
        t0 = time.perf_counter()
        ends = await asyncio.gather(*(one(index) for index in range(n)))
        wall = time.perf_counter() - t0
        done.set()
        if watcher is not None:
            await watcher
    spans = [(began[index] - t0, end - t0) for index, end in enumerate(ends)]
    return Burst(wall, spans, peak["busy"], peak["waiting"])


@dataclass(frozen=True)
class CpuBurst:
    """Two CPU requests at once and a quick one 10 ms later."""

    in_this_process: float  # this process's CPU time over the two computations' CPU time
    cores: float  # the computations' CPU time over the wall time: cores used at once
    quick: float  # from when the quick request was due (10 ms in) to its answer


async def cpu_burst(client: httpx.AsyncClient, path: str, quick_path: str) -> CpuBurst:
    """Send two ``path`` requests at once, ``quick_path`` 10 ms later; answers carry ``cpu``."""
    t0, cpu_before = time.perf_counter(), time.process_time()

    async def quick_request() -> float:
        await asyncio.sleep(0.01)  # due 10 ms in; a blocked loop sends it later
        await client.get(quick_path)
        return time.perf_counter() - t0 - 0.01

    first, second, quick = await asyncio.gather(client.get(path), client.get(path), quick_request())
    wall, cpu_here = time.perf_counter() - t0, time.process_time() - cpu_before
    work = float(first.json()["cpu"]) + float(second.json()["cpu"])
    return CpuBurst(in_this_process=cpu_here / work, cores=work / wall, quick=quick)


def plot(panels: Mapping[str, Burst], *, delay: float, cores: Mapping[str, float]) -> None:
    """One panel per burst (a bar per request, from its handler's start to its answer; dotted
    lines at multiples of ``delay``), and a last panel of the cores the CPU work used at once."""
    import matplotlib.pyplot as plt

    logging.getLogger("matplotlib").setLevel(logging.ERROR)  # not the font cache's news
    longest = max(end for one in panels.values() for _, end in one.spans)
    fig, axes = plt.subplots(1, len(panels) + 1, figsize=(16, 2.4))
    for ax, (title, one) in zip(axes, panels.items(), strict=False):
        for row, (start, end) in enumerate(sorted(one.spans)):
            ax.broken_barh([(start, end - start)], (row, 0.8), color="tab:blue")
        for multiple in range(1, int(longest / delay) + 1):
            ax.axvline(multiple * delay, color="grey", linestyle=":", linewidth=0.8)
        ax.set_xlim(0, longest + 0.5 * delay)
        ax.set_ylim(-0.2, len(one.spans))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("seconds since the burst started")
        ax.set_yticks([])
    last = axes[-1]
    last.bar(list(cores), list(cores.values()), color="tab:orange")
    last.axhline(1, color="grey", linestyle=":", linewidth=0.8)
    last.set_ylim(0, 2.2)
    last.set_title("CPU work: cores used at once", fontsize=9)
    fig.subplots_adjust(wspace=0.12, bottom=0.22)
