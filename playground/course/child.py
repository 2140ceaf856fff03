"""A child pytest run in a scratch folder, with a report that reads the same on every machine."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# pytest prints longer reports when it sees CI or BUILD_NUMBER and cuts lines to the terminal
# width: the child gets neither, and a fixed width.
_HIDDEN = ("CI", "BUILD_NUMBER")
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")
_DURATION = re.compile(r" in [0-9.]+s( \([0-9:]+\))?")


@dataclass(frozen=True)
class PytestRun:
    returncode: int
    report: str  # stdout, without colours and durations

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


def run_pytest(
    files: Mapping[str, str | Path], *args: str, plugins: tuple[str, ...] = ()
) -> PytestRun:
    """Run pytest on a scratch folder holding ``files`` (name -> text, or a file to copy).

    Only the named ``plugins`` load (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``): fast and explicit.
    The folder is removed afterwards.
    """
    folder = Path(tempfile.mkdtemp(prefix="child-pytest-"))
    try:
        for name, content in files.items():
            if isinstance(content, Path):
                shutil.copy(content, folder / name)
            else:
                (folder / name).write_text(content)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in _HIDDEN and not key.startswith("PYTEST_")
        }
        env.update(COLUMNS="80", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--color=no"]
        for plugin in plugins:
            command += ["-p", plugin]
        done = subprocess.run(
            [*command, *args], cwd=folder, env=env, capture_output=True, text=True, check=False
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report = _DURATION.sub("", _COLOURS.sub("", done.stdout))
    return PytestRun(returncode=done.returncode, report=report)
