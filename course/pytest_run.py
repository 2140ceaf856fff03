"""A pytest run on a scratch folder, with a report that reads the same on every machine.

The run is ``pytest.main`` in a thread of this process, not a new interpreter: the app, pytest
and nbval are imported already, so a run costs what its tests cost (a child interpreter spent
2-4 s importing them again, most of a notebook's time budget). What a run could leave behind
is put back afterwards: the environment, the working directory, ``sys.path``, and the modules
imported from the scratch folder (so an edited test file is read again on the next run).
"""

import io
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

# pytest prints longer reports when it sees CI or BUILD_NUMBER and cuts lines to the terminal
# width: the run sees neither, and a fixed width.
_HIDDEN = ("CI", "BUILD_NUMBER")
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")
_DURATION = re.compile(r" in [0-9.]+s( \([0-9:]+\))?")
# Fixed for every run: no colour, no cache folder, no fd capture or faulthandler (a Jupyter
# kernel owns fds 1 and 2), only the plugins a caller names. A plugin this process imported
# already (anyio, nbval) cannot have its asserts rewritten: pytest's warning says only that.
_OPTIONS = (
    *("-p", "no:cacheprovider", "-p", "no:faulthandler", "--capture=sys", "--color=no"),
    *("-W", "ignore::pytest.PytestAssertRewriteWarning"),
)


@dataclass(frozen=True)
class PytestRun:
    returncode: int
    report: str  # pytest's terminal output, without colours and durations

    def lines(self, *starts: str, containing: str | None = None) -> list[str]:
        """The report's lines that start with one of ``starts`` or contain ``containing``."""
        return [
            line
            for line in self.report.splitlines()
            if (starts and line.startswith(starts)) or (containing and containing in line)
        ]

    def summary(self) -> str:
        """The last line: ``2 passed, 1 failed``."""
        return self.report.strip().splitlines()[-1].strip("= ")


@contextmanager
def _isolated(folder: Path) -> Iterator[None]:
    """Run in ``folder`` with a clean pytest environment; restore everything on the way out."""
    environment, cwd = dict(os.environ), os.getcwd()
    path, modules = list(sys.path), set(sys.modules)
    for key in list(os.environ):
        if key in _HIDDEN or key.startswith("PYTEST_"):
            del os.environ[key]
    os.environ.update(COLUMNS="80", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(cwd)
        sys.path[:] = path
        os.environ.clear()
        os.environ.update(environment)
        for name in set(sys.modules) - modules:
            file = getattr(sys.modules[name], "__file__", None) or ""
            if Path(file).is_relative_to(folder):
                del sys.modules[name]


def run_pytest(
    files: Mapping[str, str | Path], *args: str, plugins: tuple[str, ...] = ()
) -> PytestRun:
    """Run pytest on a scratch folder holding ``files`` (name -> text, or a file to copy).

    Only the named ``plugins`` load (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``): fast and explicit.
    pytest runs in a thread of its own, so async tests get their own event loop even when the
    caller (a notebook) is inside one. The folder is removed afterwards.
    """
    import pytest  # a course-only dependency: imported where used

    folder = Path(tempfile.mkdtemp(prefix="child-pytest-")).resolve()
    report = io.StringIO()
    outcome: list[int | BaseException] = []

    def main() -> None:
        options = [*_OPTIONS, *(option for name in plugins for option in ("-p", name))]
        try:
            with redirect_stdout(report), redirect_stderr(io.StringIO()):
                outcome.append(int(pytest.main([*options, *args])))
        except BaseException as error:  # handed to the caller's thread, raised there
            outcome.append(error)

    try:
        for name, content in files.items():
            if isinstance(content, Path):
                shutil.copy(content, folder / name)
            else:
                (folder / name).write_text(content)
        with _isolated(folder):
            thread = threading.Thread(target=main, name="course-pytest")
            thread.start()
            thread.join()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    text = _DURATION.sub("", _COLOURS.sub("", report.getvalue()))
    return PytestRun(returncode=outcome[0], report=text)
