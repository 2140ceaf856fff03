"""The re-run check (``make test-rerun``): every code cell run twice in a row, then Run All again.

A learner presses Shift+Enter twice, or runs the whole notebook a second time without
restarting the kernel; nothing may raise either way. One kernel per notebook, over IPC, with a
temporary folder of its own; the kernel is shut down as JupyterLab shuts one down, and what it
leaves in that folder (a playground's database and files, say) is a failure: no lesson closes
its playground in a cell, so the kernel's exit must.

Then, in the same kernel, the learner's loop after Run All: the workspace cell as published and
the check cell under it print ✔/✘ lines only (a ✘ among them, never a traceback); the solution
written into the workspace cell (its ``*_solution`` names renamed to the workspace's) gets ✔ on
every check.
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

from course.learner.progress import FAIL, PASS, WAIT, exercise_cells
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


def rerun_notebook(path: Path, *, timeout: int = 120, exercise: bool = True) -> RerunReport:
    """Each code cell twice in a row, then every cell once more, in one kernel; then (unless
    ``exercise=False``) the learner's loop on the exercise."""
    notebook, client = notebook_client(path, timeout=timeout)
    client.shutdown_kernel = "graceful"  # as JupyterLab's Shut Down and Restart do
    report = RerunReport(notebook=path.name)
    code = [(index, cell) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    report.cells = len(code)
    scratch = Path(tempfile.mkdtemp(prefix="rerun-"))
    env = {**os.environ, "TMPDIR": str(scratch), "TEMP": str(scratch), "TMP": str(scratch)}
    try:
        _run_twice(client, code, report, env, notebook=notebook, exercise=exercise)
        left = sorted(p.name for p in scratch.iterdir() if not KEPT.match(p.name))
        if left:
            report.failures.append(f"left behind after the kernel exited: {', '.join(left)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return report


_SOLUTION_NAME = re.compile(r"\b(\w+)_solution\b")
SOLUTION_TAG = "solution"


def check_output_problem(text: str, *, all_pass: bool) -> str | None:
    """What is wrong with a check cell's output; ``None`` when it is one ✔/✘/· line per check."""
    lines = [line for line in _COLOURS.sub("", text).splitlines() if line.strip()]
    marked = (PASS, FAIL, f"{WAIT} ", "  hint: ", "checking ")
    stray = [line for line in lines if not line.startswith(marked)]
    if stray:
        return f"a line that is no check: {stray[0][:80]!r}"
    marks = [line[0] for line in lines if line.startswith((PASS, FAIL))]
    if not marks:
        return "no ✔ or ✘ line"
    if all_pass and FAIL in marks:
        return "a ✘ for the solution: " + next(line for line in lines if line.startswith(FAIL))
    if not all_pass and FAIL not in marks:
        return "the skeleton passed every check"
    return None


def _printed(cell: Any) -> str:
    return "".join(
        output.get("text", "") or output.get("data", {}).get("text/plain", "")
        for output in cell.outputs
    )


def _exercise_loop(client: Any, notebook: Any, report: RerunReport) -> None:
    """The workspace cell, as published and with the solution in it, then its check cell."""
    found = exercise_cells(notebook)
    solutions = [c for c in notebook.cells if SOLUTION_TAG in c.metadata.get("tags", [])]
    if found is None or not solutions:
        report.failures.append("exercise: no workspace cell, check cell after it, or solution")
        return
    workspace_index, check_index = found
    workspace, check = notebook.cells[workspace_index], notebook.cells[check_index]
    skeleton = workspace.source
    answer = _SOLUTION_NAME.sub(r"\1", solutions[0].source)
    for what, source, all_pass in (
        ("the skeleton", skeleton, False),
        ("the solution", answer, True),
    ):
        workspace.source = source
        try:
            client.execute_cell(workspace, workspace_index)
            client.execute_cell(check, check_index)
        except CellExecutionError as exc:
            text = _COLOURS.sub("", str(exc)).strip().splitlines()
            report.failures.append(f"exercise with {what}: {text[-1] if text else 'an error'}")
            continue
        problem = check_output_problem(_printed(check), all_pass=all_pass)
        if problem:
            report.failures.append(f"exercise with {what}: {problem}")
    workspace.source = skeleton


def _run_twice(
    client: Any,
    code: list[tuple[int, Any]],
    report: RerunReport,
    env: dict[str, str],
    *,
    notebook: Any,
    exercise: bool,
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
        if exercise:
            _exercise_loop(client, notebook, report)


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
