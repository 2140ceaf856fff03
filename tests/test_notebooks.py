"""What every lesson must have, read from the committed notebooks (nbval runs them)."""

import json
from pathlib import Path
from typing import Any

import pytest

from playground import syllabus

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def _cells(name: str) -> list[dict[str, Any]]:
    cells: list[dict[str, Any]] = json.loads((NOTEBOOKS / name).read_text())["cells"]
    return cells


def _text(cell: dict[str, Any]) -> str:
    return "".join("".join(output.get("text", "")) for output in cell.get("outputs", []))


def test_notebooks_holds_the_lessons_only() -> None:
    names = {path.name for path in NOTEBOOKS.iterdir() if not path.name.startswith(".")}
    assert names == {
        lesson.notebook for lesson in syllabus.LESSONS if (NOTEBOOKS / lesson.notebook).exists()
    }


@pytest.mark.parametrize("name", sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))
def test_every_notebook_has_a_checked_exercise(name: str) -> None:
    cells = _cells(name)
    checks = [
        index
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "code" and "course.check(" in "".join(cell["source"])
    ]
    assert len(checks) >= 2, "a check under the workspace and the same check after the solution"
    first, last = _text(cells[checks[0]]), _text(cells[checks[-1]])
    assert "✘" in first, "the stored skeleton output must show the check failing"
    assert "✔" in last and "✘" not in last, "the solution must pass every check"
    solutions = [
        cell
        for cell in cells[checks[0] : checks[-1]]
        if cell["cell_type"] == "code"
        and cell["metadata"].get("jupyter", {}).get("source_hidden")
        and cell["metadata"].get("jupyter", {}).get("outputs_hidden")
    ]
    assert solutions, "the solution cell has its source and output collapsed"
    hints = [
        cell
        for cell in cells[checks[0] : checks[-1]]
        if cell["cell_type"] == "markdown" and "<details>" in "".join(cell["source"])
    ]
    assert hints, "a collapsed hint between the two checks"


@pytest.mark.parametrize("name", sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))
def test_every_notebook_names_the_original(name: str) -> None:
    prose = "".join(
        "".join(cell["source"]) for cell in _cells(name) if cell["cell_type"] == "markdown"
    )
    assert "원래 조언이 낡은 곳" in prose
    assert "원래 자료" in prose
    assert "원본 자료" not in prose
