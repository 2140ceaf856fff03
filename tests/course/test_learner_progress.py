"""Progress: each lesson's checks run against the learner's own workspace cell."""

import asyncio
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course.learner import progress
from course.learner.workspace import Workspace, read, write

CHECK = """import course
await course.check(
    course.Check("2 is even", "n % 2 == 0", lambda: is_even(2) is True),
    course.Check("3 is odd", "n % 2 == 0", lambda: is_even(3) is False),
)"""
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def _lesson(folder: Path, name: str, *, exercise: bool = True) -> Path:
    cells = [new_markdown_cell("# A lesson")]  # type: ignore[no-untyped-call]
    if exercise:
        workspace = new_code_cell("def is_even(n):\n    ...")  # type: ignore[no-untyped-call]
        workspace.metadata["tags"] = ["workspace"]
        check = new_code_cell(CHECK)  # type: ignore[no-untyped-call]
        check.metadata["tags"] = ["check"]
        printed = "✘ 2 is even: x\n✘ 3 is odd: x\n"
        check.outputs = [new_output("stream", name="stdout", text=printed)]  # type: ignore[no-untyped-call]
        solution = new_code_cell("raise SystemExit('the solution must never run')")  # type: ignore[no-untyped-call]
        cells += [workspace, check, solution]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells, metadata=KERNEL), folder / name)  # type: ignore[no-untyped-call]
    return folder / name


def _answer(copy: Path, text: str) -> None:
    notebook = read(copy)
    notebook["cells"][1]["source"] = text
    write(copy, notebook)


def test_not_started_in_progress_done_and_no_exercise(tmp_path: Path) -> None:
    lessons = tmp_path / "notebooks"
    for name in ("01_a.ipynb", "02_b.ipynb", "03_c.ipynb"):
        _lesson(lessons, name)
    _lesson(lessons, "04_d.ipynb", exercise=False)
    workspace = Workspace(folder=tmp_path / "workspace", lessons=lessons)
    workspace.update()
    _answer(workspace.folder / "02_b.ipynb", "def is_even(n):\n    return True")  # a slip
    _answer(workspace.folder / "03_c.ipynb", "def is_even(n):\n    return n % 2 == 0")
    rows = asyncio.run(progress.progress(workspace.folder, lessons=lessons))
    assert [(r.lesson, r.passed, r.checks, r.status) for r in rows] == [
        ("01_a", 0, 2, "not started"),
        ("02_b", 1, 2, "in progress"),
        ("03_c", 2, 2, "done"),
        ("04_d", 0, 0, "no exercise"),
    ]
    table = progress.table(rows).splitlines()
    assert table[0].split() == ["lesson", "checks", "status"]
    assert table[3].split() == ["03_c", "2/2", "done"]
    assert table[-1] == "1 of 4 lessons done"


def test_a_lesson_whose_cells_fail_is_in_progress_with_the_error(tmp_path: Path) -> None:
    lessons = tmp_path / "notebooks"
    _lesson(lessons, "01_a.ipynb")
    workspace = Workspace(folder=tmp_path / "workspace", lessons=lessons)
    workspace.update()
    _answer(workspace.folder / "01_a.ipynb", "def is_even(n):\n    return n % 2 == 0\n1 / 0")
    [row] = asyncio.run(progress.progress(workspace.folder, lessons=lessons))
    assert (row.passed, row.checks) == (0, 2)
    assert row.status == "in progress (a cell failed: ZeroDivisionError: division by zero)"


def test_a_missing_or_unreadable_copy_says_so(tmp_path: Path) -> None:
    lessons = tmp_path / "notebooks"
    _lesson(lessons, "01_a.ipynb")
    _lesson(lessons, "02_b.ipynb")
    workspace = Workspace(folder=tmp_path / "workspace", lessons=lessons)
    workspace.folder.mkdir()
    (workspace.folder / "02_b.ipynb").write_text("{")
    rows = asyncio.run(progress.progress(workspace.folder, lessons=lessons))
    assert [r.status for r in rows] == [
        "not copied yet (run: python -m course update)",
        "unreadable",
    ]


def test_the_published_lessons_are_all_not_started() -> None:
    rows = asyncio.run(progress.progress(Workspace().lessons))
    assert rows and {r.status for r in rows} <= {"not started", "no exercise"}
