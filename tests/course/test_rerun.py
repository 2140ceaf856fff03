from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from course.maintain import rerun

KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def _notebook(tmp_path: Path, *sources: str) -> Path:
    path = tmp_path / "sample.ipynb"
    cells = [new_code_cell(source) for source in sources]  # type: ignore[no-untyped-call]
    nbformat.write(new_notebook(cells=cells, metadata=KERNEL), path)  # type: ignore[no-untyped-call]
    return path


def test_a_notebook_safe_to_rerun_passes(tmp_path: Path) -> None:
    report = rerun.rerun_notebook(
        _notebook(tmp_path, "seen = set()", "seen.add(1)\nseen"), exercise=False
    )
    assert (report.cells, report.failures) == (2, [])


def test_a_cell_that_breaks_on_its_second_run_is_caught(tmp_path: Path) -> None:
    path = _notebook(tmp_path, "items = []", "items.append(1)\nassert len(items) == 1")
    report = rerun.rerun_notebook(path, exercise=False)
    assert report.failures == ["cell 1 (twice in a row, #2): AssertionError:"]


_CHECK = """import course

def is_even(n):
    return n % 2 == 0

await course.check(
    course.Check("2 is even", "n % 2 == 0", lambda: answer(2) is True),
    course.Check("3 is odd", "n % 2 == 0", lambda: answer(3) is False),
)"""


def _exercise(tmp_path: Path, workspace: str, solution: str, *before: str) -> Path:
    path = tmp_path / "exercise.ipynb"
    cells = [new_code_cell(source) for source in (*before, workspace, _CHECK, solution)]  # type: ignore[no-untyped-call]
    cells[-3].metadata["tags"] = ["workspace"]
    cells[-2].metadata["tags"] = ["check"]
    cells[-1].metadata["tags"] = ["solution"]
    nbformat.write(new_notebook(cells=cells, metadata=KERNEL), path)  # type: ignore[no-untyped-call]
    return path


SKELETON = "def answer(n):\n    ..."
SOLUTION = "def answer_solution(n):\n    return n % 2 == 0"


def test_the_learners_loop_after_run_all_is_checked(tmp_path: Path) -> None:
    report = rerun.rerun_notebook(_exercise(tmp_path, SKELETON, SOLUTION))
    assert report.failures == []


def test_a_solution_that_fails_its_own_check_is_caught(tmp_path: Path) -> None:
    wrong = "def answer_solution(n):\n    return n % 2 == 1"
    report = rerun.rerun_notebook(_exercise(tmp_path, SKELETON, wrong))
    assert report.failures == [
        "exercise with the solution: a ✘ for the solution: ✘ 2 is even: n % 2 == 0"
    ]


def test_a_skeleton_that_passes_or_a_check_that_raises_is_caught(tmp_path: Path) -> None:
    passing = "def answer(n):\n    return n % 2 == 0"
    report = rerun.rerun_notebook(_exercise(tmp_path, passing, SOLUTION))
    assert report.failures == ["exercise with the skeleton: the skeleton passed every check"]
    raising = "def answer(n):\n    ...\nraise RuntimeError('boom')"
    report = rerun.rerun_notebook(_exercise(tmp_path, raising, SOLUTION))
    assert report.failures[-1] == "exercise with the skeleton: RuntimeError: boom"


def test_stray_output_between_the_check_lines_is_a_failure() -> None:
    ok = "✘ 2 is even: not answered yet\n  hint: n % 2\n✔ 3 is odd\n"
    assert rerun.check_output_problem(ok, all_pass=False) is None
    noisy = "✘ 2 is even: x\nWARNING something logged\n"
    assert rerun.check_output_problem(noisy, all_pass=False) == (
        "a line that is no check: 'WARNING something logged'"
    )
    assert rerun.check_output_problem("", all_pass=True) == "no ✔ or ✘ line"


def test_a_kernel_that_leaves_files_behind_is_caught(tmp_path: Path) -> None:
    leaks = "import pathlib, tempfile\n(pathlib.Path(tempfile.gettempdir()) / 'kept').touch()"
    report = rerun.rerun_notebook(_notebook(tmp_path, leaks), exercise=False)
    assert report.failures == ["left behind after the kernel exited: kept"]
