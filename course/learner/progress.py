"""Progress: each lesson's exercise checks run against the learner's own workspace cells.

A lesson whose workspace cell still holds the published skeleton is "not started" (its checks
are counted from the lesson, nothing runs). Any other runs in a fresh kernel of its own, in its
folder, from its first cell up to its check cell (never the solution after it); the ✔ lines
that cell prints are the score, out of every check line (✔, ✘, and · for a check that waits).
Lessons run in parallel, one kernel per core.
"""

import asyncio
import atexit
import functools
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.learner.workspace import CHECK_TAG, WORKSPACE_TAG, Workspace, read, source, tagged

PASS, FAIL, WAIT = "✔", "✘", "·"  # as course.exercises prints them
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Progress:
    lesson: str
    passed: int
    checks: int
    status: str  # "not started" | "in progress" | "done" | "no exercise" | "error: ..."

    @property
    def row(self) -> str:
        score = f"{self.passed}/{self.checks}" if self.checks else "-"
        return f"{self.lesson:<34}{score:>7}  {self.status}"


def check_lines(text: str) -> tuple[int, int]:
    """(✔ lines, every check's line: ✔, ✘ or · ) in a check cell's output."""
    lines = [line for line in _COLOURS.sub("", text).splitlines()]
    passed = sum(line.startswith(PASS) for line in lines)
    return passed, passed + sum(line.startswith((FAIL, f"{WAIT} ")) for line in lines)


def _printed(cell: dict[str, Any]) -> str:
    texts = []
    for output in cell.get("outputs", []):
        text = output.get("text") or output.get("data", {}).get("text/plain", "")
        texts.append("".join(text) if isinstance(text, list) else str(text))
    return "".join(texts)


def exercise_cells(notebook: dict[str, Any]) -> tuple[int, int] | None:
    """Indexes of the workspace cell and of the check cell after it; ``None``: no exercise."""
    cells = notebook["cells"]
    workspace = [i for i, c in enumerate(cells) if c in tagged(notebook, WORKSPACE_TAG)]
    if not workspace:
        return None
    checks = [
        i for i, c in enumerate(cells) if c in tagged(notebook, CHECK_TAG) and i > workspace[0]
    ]
    return (workspace[0], checks[0]) if checks else None


@functools.cache
def _kernel_manager_class() -> Any:
    """Kernels on Unix sockets where there are some (no port to race for, nothing on the
    network, no warning about plain-text TCP); on Windows, jupyter_client's TCP on loopback."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    if os.name != "posix":
        return AsyncKernelManager
    sockets = Path(tempfile.mkdtemp(prefix="course-progress-"))
    atexit.register(shutil.rmtree, sockets, ignore_errors=True)

    class IpcKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            return str(sockets / uuid.uuid4().hex[:12])

    return IpcKernelManager


async def _run_until(path: Path, last: int, *, cell_timeout: int) -> tuple[str, str | None]:
    """Run ``path``'s code cells up to cell ``last`` in a fresh kernel: (its output, error)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    notebook.cells = notebook.cells[: last + 1]
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        kernel_manager_class=_kernel_manager_class(),
        timeout=cell_timeout,
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    try:
        await client.async_execute()
    except CellExecutionError as exc:
        text = _COLOURS.sub("", str(exc)).strip().splitlines()
        return "", f"a cell failed: {text[-1] if text else 'an error'}"
    except Exception as exc:  # a kernel that died or timed out: that lesson's row says so
        return "", f"{type(exc).__name__}: {exc}"
    return _printed(notebook.cells[last]), None


async def lesson_progress(copy: Path, lesson: Path, *, cell_timeout: int = 120) -> Progress:
    """One lesson's row: its checks against the learner's workspace cell in ``copy``."""
    name = lesson.stem
    try:
        mine, published = read(copy), read(lesson)
    except FileNotFoundError:
        return Progress(name, 0, 0, "not copied yet (run: python -m course update)")
    except (OSError, ValueError):
        return Progress(name, 0, 0, "unreadable")
    where, original = exercise_cells(mine), exercise_cells(published)
    if where is None or original is None:
        return Progress(name, 0, 0, "no exercise")
    _, total = check_lines(_printed(published["cells"][original[1]]))
    if source(mine["cells"][where[0]]) == source(published["cells"][original[0]]):
        return Progress(name, 0, total, "not started")
    output, error = await _run_until(copy, where[1], cell_timeout=cell_timeout)
    if error:
        return Progress(name, 0, total, f"in progress ({error})")
    passed, counted = check_lines(output)
    done = counted > 0 and passed == counted
    return Progress(name, passed, counted or total, "done" if done else "in progress")


async def progress(
    folder: Path | None = None, *, lessons: Path | None = None, jobs: int | None = None
) -> list[Progress]:
    """Every lesson's row for the copies in ``folder`` (default: the learner's workspace)."""
    workspace = Workspace(folder, lessons)
    gate = asyncio.Semaphore(jobs or os.cpu_count() or 2)

    async def one(lesson: Path) -> Progress:
        async with gate:
            return await lesson_progress(workspace.copy_of(lesson), lesson)

    return list(await asyncio.gather(*(one(lesson) for lesson in workspace.lesson_files())))


def table(rows: list[Progress]) -> str:
    done = sum(row.status == "done" for row in rows)
    head = f"{'lesson':<34}{'checks':>7}  status"
    return "\n".join([head, *(row.row for row in rows), f"{done} of {len(rows)} lessons done"])
