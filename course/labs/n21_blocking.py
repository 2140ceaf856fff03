"""Finding blocking code: asyncio's debug mode on a fresh loop, ruff as a subprocess, and the
thread pool's tokens, measured.

In a notebook cell::

    flags = await blocking_lab.slow_callbacks(pg.app, ["/pings/terrible"], threshold=0.05)
    with blocking_lab.scratch_folder() as folder:
        (folder / "routes.py").write_text(sample)
        findings = blocking_lab.ruff(folder, select="ASYNC,FAST")
    wave = await blocking_lab.threads_at_once(80, delay=0.1)
"""

import asyncio
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from course.counters import count_calls
from course.labs import n07_timeline as timeline

WATCH_EVERY = 0.005  # seconds between two looks at the thread limiter

ROOT = Path(__file__).parents[2]  # the project: pyproject.toml, playground/, tests/
_TASK_NAME = re.compile(r"name='([^']*)'")
_WARM_UP = "/__warm-up__"  # any path: a 404 builds the app's middleware stack before measuring


@dataclass(frozen=True)
class Flag:
    """One "Executing ... took N seconds" warning of asyncio's debug mode."""

    task: str  # the name of the task whose step was slow (the request's, here)
    seconds: float


class _Catch(logging.Filter):
    """On the ``asyncio`` logger: keep one thread's records here, off every handler and stderr."""

    def __init__(self) -> None:
        super().__init__()
        self.thread: int | None = None
        self.records: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.thread != self.thread:
            return True  # another loop's record (the notebook's own): not ours to hide
        self.records.append(record)
        return False


def _flag(record: logging.LogRecord) -> Flag | None:
    if not record.msg.startswith("Executing") or not isinstance(record.args, tuple):
        return None
    handle, seconds = record.args
    named = _TASK_NAME.search(str(handle))
    return Flag(task=named[1] if named else str(handle), seconds=float(str(seconds)))


@contextmanager
def _caught() -> Iterator[_Catch]:
    logger = logging.getLogger("asyncio")
    catch = _Catch()
    logger.addFilter(catch)
    try:
        yield catch
    finally:
        logger.removeFilter(catch)


async def _flags_per_path(
    app: FastAPI, paths: Iterable[str], n: int, catch: _Catch
) -> dict[str, list[Flag]]:
    found: dict[str, list[Flag]] = {}
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # a crash is a 500
    async with httpx.AsyncClient(transport=transport, base_url="http://debug.test") as client:
        await client.get(_WARM_UP)
        await run_in_threadpool(time.sleep, 0)  # this loop's first worker thread, started
        for path in paths:
            before = len(catch.records)
            tasks = [asyncio.create_task(client.get(path), name=f"GET {path}") for _ in range(n)]
            await asyncio.gather(*tasks)
            flags = (_flag(record) for record in catch.records[before:])
            # Only the request tasks: a loaded machine can stall the loop's other steps too.
            found[path] = [
                flag for flag in flags if flag is not None and flag.task.startswith("GET ")
            ]
    return found


async def slow_callbacks(
    app: FastAPI, paths: Iterable[str], *, threshold: float, n: int = 1
) -> dict[str, list[Flag]]:
    """GET each path ``n`` times at once on a fresh event loop in debug mode
    (``slow_callback_duration=threshold``); per path, the steps asyncio flagged as slow.

    One request first builds the app's middleware stack and one call starts the loop's first
    worker thread (about 10 ms, several times that on a loaded machine), as in a server
    that has been running; neither is measured.

    The loop runs in a worker thread of its own, so the notebook's loop is not in debug mode;
    the warnings asyncio logs from that thread are collected here and never reach stderr.
    """
    paths = list(paths)

    async def main(catch: _Catch) -> dict[str, list[Flag]]:
        asyncio.get_running_loop().slow_callback_duration = threshold
        return await _flags_per_path(app, paths, n, catch)

    def run(catch: _Catch) -> dict[str, list[Flag]]:
        catch.thread = threading.get_ident()
        return asyncio.run(main(catch), debug=True)

    with _caught() as catch:
        return await asyncio.to_thread(run, catch)


@dataclass(frozen=True)
class Finding:
    """One ruff diagnostic: rule code, file name, line, message."""

    code: str
    file: str
    line: int
    message: str


def ruff_path() -> Path:
    """The ruff of this environment: next to the running Python (``.venv/bin/ruff``)."""
    return Path(sys.executable).parent / "ruff"


def ruff(
    *paths: Path | str,
    select: str,
    isolated: bool = False,
    ignore_noqa: bool = False,
) -> list[Finding]:
    """``ruff check --select <select> --output-format json <paths>``, run from the project root
    (its ``pyproject.toml`` applies unless ``isolated``); the findings, sorted."""
    command = [str(ruff_path()), "check", "--no-cache", "--select", select]
    command += ["--output-format", "json", *(["--isolated"] if isolated else [])]
    command += ["--ignore-noqa"] if ignore_noqa else []
    done = subprocess.run(
        [*command, *map(str, paths)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1):  # 1: findings; anything else: ruff itself failed
        raise RuntimeError(f"ruff exited {done.returncode}: {done.stderr.strip()}")
    found = [
        Finding(
            code=item["code"],
            file=Path(item["filename"]).name,
            line=item["location"]["row"],
            message=item["message"],
        )
        for item in json.loads(done.stdout)
    ]
    return sorted(found, key=lambda f: (f.file, f.line, f.code))


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A temporary folder for sample files, removed after the block (a cell can run again)."""
    folder = Path(tempfile.mkdtemp(prefix="scratch-ruff-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Wave:
    """``calls`` blocking calls sent to the thread pool at once."""

    wall: float
    tokens: int  # the limiter's total tokens while they ran
    busy: int  # the most threads busy at once
    waiting: int  # the most calls waiting for a token at once
    late: int  # calls that began only after another had ended: a second wave (or more)


async def threads_at_once(calls: int, *, delay: float) -> Wave:
    """``calls`` × ``time.sleep(delay)`` through ``run_in_threadpool`` (what FastAPI does with a
    ``def`` route or dependency), all at once, on the running loop's default limiter; the
    limiter is looked at every 5 ms meanwhile, and each sleep notes in its thread when it began
    and ended (``late``: how many began after the first had ended). The pool's threads are
    started first (as in a
    server that has been running), and the garbage collector waits, so that neither starting
    threads nor a collection under load blurs the waves."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    warm = min(calls, int(limiter.total_tokens))
    await asyncio.gather(*(run_in_threadpool(time.sleep, 0.01) for _ in range(warm)))
    with timeline.gc_paused():
        return await _waves(limiter, calls, delay)


async def _waves(limiter: anyio.CapacityLimiter, calls: int, delay: float) -> Wave:
    spans: list[tuple[float, float]] = []  # (began, ended) of each sleep, in its thread

    def sleep() -> None:
        began = time.perf_counter()
        time.sleep(delay)
        spans.append((began, time.perf_counter()))

    started = time.perf_counter()
    sleeps = asyncio.gather(*(run_in_threadpool(sleep) for _ in range(calls)))
    busy = waiting = 0
    while not sleeps.done():
        stats = limiter.statistics()
        busy, waiting = max(busy, stats.borrowed_tokens), max(waiting, stats.tasks_waiting)
        await asyncio.wait([sleeps], timeout=WATCH_EVERY)
    await sleeps
    wall = time.perf_counter() - started
    first_end = min(ended for _, ended in spans)
    late = sum(began >= first_end for began, _ in spans)
    return Wave(wall, int(limiter.total_tokens), busy, waiting, late)


def where() -> str:
    """Where the caller runs: ``"loop"`` (a thread running an event loop) or ``"thread"``."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return "thread"
    return "loop"


async def thread_hops(call: Callable[[], Awaitable[Any]], *, calls: int = 10) -> float:
    """Thread round trips per ``await call()``: calls to ``anyio.to_thread.run_sync``, which
    ``run_in_threadpool`` (FastAPI's way with a ``def`` route or dependency) goes through."""
    with count_calls(anyio.to_thread, "run_sync") as hops:
        for _ in range(calls):
            await call()
    return hops.calls / calls


async def per_call(
    call: Callable[[], Awaitable[Any]], *, calls: int = 300, rounds: int = 3
) -> float:
    """Seconds per ``await call()``, the best of ``rounds`` rounds of ``calls``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            await call()
        best = min(best, (time.perf_counter() - started) / calls)
    return best


class Rates:
    """A sync SDK we cannot change: ``fetch`` blocks for ``delay`` seconds; calls are recorded."""

    def __init__(self, *, delay: float) -> None:
        self.delay = delay
        self.calls: list[str] = []  # where each call ran: "loop" or "thread"

    def fetch(self, currency: str) -> float:
        self.calls.append(where())
        time.sleep(self.delay)
        return RATES[currency]


RATES = {"EUR": 1.08, "GBP": 1.27, "KRW": 0.00072}
