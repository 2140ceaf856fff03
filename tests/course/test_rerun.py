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
    report = rerun.rerun_notebook(_notebook(tmp_path, "seen = set()", "seen.add(1)\nseen"))
    assert (report.cells, report.failures) == (2, [])


def test_a_cell_that_breaks_on_its_second_run_is_caught(tmp_path: Path) -> None:
    path = _notebook(tmp_path, "items = []", "items.append(1)\nassert len(items) == 1")
    report = rerun.rerun_notebook(path)
    assert report.failures == ["cell 1 (twice in a row, #2): AssertionError:"]
