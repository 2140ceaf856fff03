from pathlib import Path

import pytest

import course

TESTS = """
def test_passes() -> None:
    assert 6 * 7 == 42


def test_fails() -> None:
    assert 6 * 7 == 41
"""


def test_run_pytest_reports_the_same_whatever_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CI", "true")  # would make pytest print longer summary lines
    monkeypatch.setenv("COLUMNS", "40")  # would cut them shorter
    run = course.run_pytest({"test_sample.py": TESTS}, "-q")
    assert run.returncode == 1
    assert run.summary() == "1 failed, 1 passed"
    assert run.lines("FAILED") == ["FAILED test_sample.py::test_fails - assert (6 * 7) == 41"]
    assert " in " not in run.summary()  # durations dropped


def test_run_pytest_copies_files_and_removes_its_folder(tmp_path: Path) -> None:
    source = tmp_path / "test_copied.py"
    source.write_text("def test_ok() -> None:\n    pass\n")
    run = course.run_pytest({"test_copied.py": source}, "-q")
    assert run.returncode == 0, run.report
    assert run.lines(containing="passed") == ["1 passed"]
