"""The re-run check (``make test-rerun``): every code cell run twice in a row, then Run All again.

A learner presses Shift+Enter twice, or runs the whole notebook a second time without
restarting the kernel; nothing may raise either way. One kernel per notebook, over IPC.
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from nbclient.exceptions import CellExecutionError

from course.maintain.refresh import notebook_client

_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class RerunReport:
    notebook: str
    cells: int = 0
    failures: list[str] = field(default_factory=list)


def rerun_notebook(path: Path, *, timeout: int = 120) -> RerunReport:
    """Each code cell twice in a row, then every cell once more, in one kernel."""
    notebook, client = notebook_client(path, timeout=timeout)
    report = RerunReport(notebook=path.name)
    code = [(index, cell) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    report.cells = len(code)
    with client.setup_kernel():
        for run, repeat in (("twice in a row", 2), ("run all again", 1)):
            for index, cell in code:
                for attempt in range(repeat):
                    try:
                        client.execute_cell(cell, index)
                    except CellExecutionError as exc:
                        text = _COLOURS.sub("", str(exc)).strip()
                        first = text.splitlines()[-1] if text else ""
                        report.failures.append(f"cell {index} ({run}, #{attempt + 1}): {first}")
    return report


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
