"""The suite's hang guard, loaded by ``addopts`` (``-p tests.hang_guard``).

A test that runs longer than HANG_SECONDS (240 s; the whole suite takes about three minutes on
CI) is hung: its process writes every thread's stack to HANGS and exits, so the run fails
instead of stalling, and the run's summary prints the stacks.
"""

import faulthandler
import getpass
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

HANG_SECONDS = float(os.environ.get("PLAYGROUND_TEST_HANG_SECONDS", "240"))
HANGS = Path(tempfile.gettempdir()) / f"playground-hangs-{getpass.getuser()}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    HANGS.mkdir(exist_ok=True)
    dump = HANGS / f"{os.getpid()}.txt"
    with dump.open("w") as stacks:
        stacks.write(f"{item.nodeid} ran past {HANG_SECONDS} s:\n")
        stacks.flush()
        faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=stacks)
        try:
            return (yield)
        finally:
            faulthandler.cancel_dump_traceback_later()
            dump.unlink()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The stacks a hung test's process wrote before it exited: only a hang writes them."""
    if hasattr(terminalreporter.config, "workerinput"):
        return  # an xdist worker: its summary goes nowhere; the controller reports
    for dump in sorted(HANGS.glob("*.txt")) if HANGS.exists() else ():
        header, *stacks = dump.read_text().splitlines()
        if stacks:
            terminalreporter.section(f"hung: {header}")
            terminalreporter.write_line("\n".join(stacks))
            dump.unlink()
