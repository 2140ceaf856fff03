"""Timelines of concurrent requests: when each handler began and ended, and the thread pool."""

import asyncio
import gc
import io
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import httpx

from course.sandbox import Playground
from playground.config import Settings, get_settings

WATCH_EVERY = 0.005  # seconds between two looks at the thread limiter (watch_threads)
QUICK_AFTER = 0.01  # seconds after the CPU requests that cpu_burst sends the quick one

if TYPE_CHECKING:
    from IPython.display import Image

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


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection in the block, as ``timeit`` does: a full collection of a kernel's
    heap (boto3, moto, several apps) stops every thread for a few hundred ms, which is not what
    a timing lesson measures."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
            await asyncio.sleep(WATCH_EVERY)

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
        await asyncio.sleep(QUICK_AFTER)  # due 10 ms in; a blocked loop sends it later
        await client.get(quick_path)
        return time.perf_counter() - t0 - QUICK_AFTER

    first, second, quick = await asyncio.gather(client.get(path), client.get(path), quick_request())
    wall, cpu_here = time.perf_counter() - t0, time.process_time() - cpu_before
    work = float(first.json()["cpu"]) + float(second.json()["cpu"])
    return CpuBurst(in_this_process=cpu_here / work, cores=work / wall, quick=quick)


_W, _H, _GAP, _TOP, _BOTTOM = 290, 150, 24, 22, 34  # one panel's size and margins, in px
_SCALE = 2  # drawn at twice the size, for sharp lines on high-density screens
_BLUE, _ORANGE, _GREY = (31, 119, 180), (255, 127, 14), (150, 150, 150)


class _Canvas:
    """A row of panels on one PIL image, in unscaled pixel coordinates."""

    def __init__(self, panels: int) -> None:
        from PIL import Image, ImageDraw, ImageFont

        self.image = Image.new("RGB", (panels * (_W + _GAP) * _SCALE, _H * _SCALE), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.fonts = {size: ImageFont.load_default(size=size * _SCALE) for size in (9, 10, 11)}
        self.left = 0.0

    def rect(self, x: float, y: float, width: float, height: float, fill: tuple[int, ...]) -> None:
        box = [(self.left + x) * _SCALE, y * _SCALE, (self.left + x + width) * _SCALE]
        self.draw.rectangle([box[0], box[1], box[2], (y + height) * _SCALE], fill=fill)

    def dotted(self, x1: float, y1: float, x2: float, y2: float) -> None:
        steps = int(max(abs(x2 - x1), abs(y2 - y1)) / 5) + 1
        for step in range(steps):
            t0, t1 = step / steps, (step + 0.4) / steps
            start = ((self.left + x1 + (x2 - x1) * t0) * _SCALE, (y1 + (y2 - y1) * t0) * _SCALE)
            end = ((self.left + x1 + (x2 - x1) * t1) * _SCALE, (y1 + (y2 - y1) * t1) * _SCALE)
            self.draw.line([start, end], fill=_GREY, width=_SCALE)

    def text(self, x: float, y: float, words: str, size: int = 11, anchor: str = "ms") -> None:
        position = ((self.left + x) * _SCALE, y * _SCALE)
        self.draw.text(position, words, fill="black", font=self.fonts[size], anchor=anchor)


def _bursts_panel(canvas: _Canvas, title: str, one: Burst, *, delay: float, span: float) -> None:
    height = _H - _TOP - _BOTTOM
    row = height / max(len(one.spans), 1)
    canvas.text(_W / 2, 14, title)
    for multiple in range(int(span / delay) + 1):
        x = multiple * delay / span * _W
        canvas.dotted(x, _TOP, x, _TOP + height)
        canvas.text(x, _TOP + height + 13, f"{multiple * delay:.1f}", size=9)
    for index, (start, end) in enumerate(sorted(one.spans)):
        y = _TOP + height - (index + 1) * row
        width = max(end - start, 0) / span * _W
        canvas.rect(start / span * _W, y + 0.1 * row, width, 0.8 * row, _BLUE)
    canvas.text(_W / 2, _H - 4, "seconds since the burst started", size=10)


def _cores_panel(canvas: _Canvas, cores: Mapping[str, float]) -> None:
    height, top = _H - _TOP - _BOTTOM, 2.2
    slot = _W / max(len(cores), 1)
    canvas.text(_W / 2, 14, "CPU work: cores used at once")
    one = _TOP + height - height / top
    canvas.dotted(0, one, _W, one)
    canvas.text(2, one - 3, "1 core", size=9, anchor="ls")
    for index, (name, value) in enumerate(cores.items()):
        bar = min(value, top) / top * height
        x = index * slot + 0.2 * slot
        canvas.rect(x, _TOP + height - bar, 0.6 * slot, bar, _ORANGE)
        canvas.text(x + 0.3 * slot, _TOP + height + 13, name, size=10)
        canvas.text(x + 0.3 * slot, _TOP + height - bar - 3, f"{value:.2f}", size=9)


def plot(
    panels: Mapping[str, Burst], *, delay: float, cores: Mapping[str, float] | None = None
) -> "Image":
    """One panel per burst: a bar per request, from its handler's start to its answer, dotted
    lines at multiples of ``delay``; if ``cores`` is given, a last panel of the cores the CPU
    work used at once."""
    from IPython.display import Image  # only notebooks need IPython

    span = max(end for one in panels.values() for _, end in one.spans) + 0.5 * delay
    canvas = _Canvas(len(panels) + (cores is not None))
    for index, (title, one) in enumerate(panels.items()):
        canvas.left = index * (_W + _GAP) + _GAP / 2
        _bursts_panel(canvas, title, one, delay=delay, span=span)
    if cores is not None:
        canvas.left = len(panels) * (_W + _GAP) + _GAP / 2
        _cores_panel(canvas, cores)
    png = io.BytesIO()
    canvas.image.save(png, format="PNG", optimize=True)
    return Image(data=png.getvalue(), format="png", width=canvas.image.width // _SCALE)  # type: ignore[no-untyped-call]
