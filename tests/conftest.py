"""Shared fixtures: one fresh, migrated playground per test, through the course harness."""

import faulthandler
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from playground import course

# A test that runs this long is hung (the whole suite takes about three minutes on CI): its
# process writes every thread's stack to HANGS and exits, so the run fails instead of stalling,
# and the run's summary prints the stacks (pytest_terminal_summary, below).
HANG_SECONDS = 240
HANGS = Path(tempfile.gettempdir()) / f"playground-hangs-{os.getuid()}"


@pytest.fixture(autouse=True)
def bounded(request: pytest.FixtureRequest) -> Iterator[None]:
    HANGS.mkdir(exist_ok=True)
    with (HANGS / f"{os.getpid()}.txt").open("w") as stacks:
        stacks.write(f"{request.node.nodeid} ran past {HANG_SECONDS} s:\n")
        stacks.flush()
        faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=stacks)
        try:
            yield
        finally:
            faulthandler.cancel_dump_traceback_later()
    (HANGS / f"{os.getpid()}.txt").unlink()


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The stacks a hung test's process wrote before it exited (see ``bounded``)."""
    for dump in sorted(HANGS.glob("*.txt")) if HANGS.exists() else ():
        header, *stacks = dump.read_text().splitlines()
        if stacks and not _alive(int(dump.stem)):
            terminalreporter.section(f"hung: {header}")
            terminalreporter.write_line("\n".join(stacks))
            dump.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
