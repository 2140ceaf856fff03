import json
from pathlib import Path

import pytest

from course.maintain import stress


def test_every_lesson_that_times_things_is_stressed() -> None:
    for notebook in sorted(stress.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        if stress.TIMING.search(code):
            assert notebook.name[:2] in stress.TIMED, notebook.name


def test_a_failing_run_is_counted_with_its_cell(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    results = iter([(True, [], 1.0), (False, ["Cell 12"], 2.5)])
    monkeypatch.setattr(stress, "run_once", lambda notebook: next(results))
    [tally] = stress.stress([Path("21_finding_blocking_code.ipynb")], runs=2, hogs=1)
    assert tally.failures == ["Cell 12"]
    assert capsys.readouterr().out == (
        "21_finding_blocking_code         2 runs, 1 failed (Cell 12), slowest 2.5 s\n"
    )
