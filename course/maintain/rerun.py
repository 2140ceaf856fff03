"""The re-run check (``make test-rerun``): every code cell run twice in a row, then Run All again.

A learner presses Shift+Enter twice, or runs the whole notebook a second time without
restarting the kernel; nothing may raise either way. One kernel per notebook, over IPC, with a
temporary folder of its own; the kernel is shut down as JupyterLab shuts one down, and what it
leaves in that folder (a playground's database and files, say) is a failure: no lesson closes
its playground in a cell, so the kernel's exit must.
"""

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbclient.exceptions import CellExecutionError

from course.maintain.refresh import notebook_client

_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class RerunReport:
    notebook: str
    cells: int = 0
    failures: list[str] = field(default_factory=list)


# What a kernel may leave in its temporary folder: the migrated SQLite template, shared by every
# process of the user and kept on purpose (course.databases).
KEPT = re.compile(r"^playground-templates-")


def rerun_notebook(path: Path, *, timeout: int = 120) -> RerunReport:
    """Each code cell twice in a row, then every cell once more, in one kernel."""
    notebook, client = notebook_client(path, timeout=timeout)
    client.shutdown_kernel = "graceful"  # as JupyterLab's Shut Down and Restart do
    report = RerunReport(notebook=path.name)
    code = [(index, cell) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    report.cells = len(code)
    scratch = Path(tempfile.mkdtemp(prefix="rerun-"))
    env = {**os.environ, "TMPDIR": str(scratch), "TEMP": str(scratch), "TMP": str(scratch)}
    try:
        _run_twice(client, code, report, env)
        left = sorted(p.name for p in scratch.iterdir() if not KEPT.match(p.name))
        if left:
            report.failures.append(f"left behind after the kernel exited: {', '.join(left)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return report


def _run_twice(
    client: Any, code: list[tuple[int, Any]], report: RerunReport, env: dict[str, str]
) -> None:
    with client.setup_kernel(env=env):
        for run, repeat in (("twice in a row", 2), ("run all again", 1)):
            for index, cell in code:
                for attempt in range(repeat):
                    try:
                        client.execute_cell(cell, index)
                    except CellExecutionError as exc:
                        text = _COLOURS.sub("", str(exc)).strip()
                        first = text.splitlines()[-1] if text else ""
                        report.failures.append(f"cell {index} ({run}, #{attempt + 1}): {first}")


def main(arguments: list[str]) -> int:
    failed = 0
    for argument in arguments:
        report = rerun_notebook(Path(argument))
        status = "ok" if not report.failures else f"{len(report.failures)} failed"
        print(f"{report.notebook}: {report.cells} code cells, {status}", flush=True)
        for failure in report.failures:
            print(f"  {failure}")
        failed += bool(report.failures)
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover - `make test-rerun`
    sys.exit(main(sys.argv[1:]))
